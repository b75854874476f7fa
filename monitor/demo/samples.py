"""The sample documents under seeds/samples/, as the demo site publishes them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "seeds" / "samples"


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


def load_sample(name: str, folder: Path = SAMPLES_DIR) -> Sample:
    path = folder / f"{name}.toml"
    if not path.is_file():
        raise FileNotFoundError(f"sample document not found: {path}")
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    body = data.pop("body")
    known = {k: data.pop(k) for k in list(data) if k in Sample.__dataclass_fields__}
    return Sample(name=name, paragraphs=[p.strip() for p in body.splitlines() if p.strip()], extra=data, **known)


def sample_names(folder: Path = SAMPLES_DIR) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.toml"))
