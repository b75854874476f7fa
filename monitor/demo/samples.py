"""The sample documents under seeds/samples/, as the demo site publishes them. They are package
data (importlib.resources): the demo runs the same from a checkout and from an installed wheel."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable

SAMPLES_DIR: Traversable = files("seeds.samples")


@dataclass
class Sample:
    name: str
    title: str
    paragraphs: list[str]
    status: str = "final"
    title_prefix: str = ""
    publish_date: str = ""
    doc_number: str = ""
    index_number: str = ""
    issuer: str = ""
    source: str = ""
    comment_deadline: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def load_sample(name: str, folder: Traversable = SAMPLES_DIR) -> Sample:
    path = folder / f"{name}.toml"
    if not path.is_file():
        raise FileNotFoundError(f"sample document not found: {name}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    body = data.pop("body")
    known = {k: data.pop(k) for k in list(data) if k in Sample.__dataclass_fields__}
    return Sample(name=name, paragraphs=[p.strip() for p in body.splitlines() if p.strip()], extra=data, **known)


def sample_names(folder: Traversable = SAMPLES_DIR) -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
