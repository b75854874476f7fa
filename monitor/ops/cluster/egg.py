"""The egg Scrapyd nodes run: the crawler and storage packages (what a crawl process imports) and
the entry point naming the Scrapy settings module, built by setuptools' bdist_egg. Its version is
a digest of the files, so every scheduler and node agree on what "the current code" is; jobs are
scheduled with that version, and a node without it is told to deploy rather than run old code."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import crawler

ROOT = Path(crawler.__file__).resolve().parents[1]
PACKAGES = ("crawler", "storage")
_SETUP = """
from setuptools import find_namespace_packages, setup
setup(
    name="policywatch-crawler",
    version="{version}",
    packages=find_namespace_packages(include=["crawler", "crawler.*", "storage", "storage.*"],
                                     exclude=["*.__pycache__"]),
    package_data={{"storage": ["migrations/*.mako"]}},
    entry_points={{"scrapy": ["settings = crawler.settings"]}},
    zip_safe=False,
)
"""


def _files() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".mako", ".js", ".json")
    )


def version() -> str:
    """A digest of the code a node runs: the same on every host with the same checkout."""
    digest = hashlib.sha256()
    for path in _files():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return "r" + digest.hexdigest()[:16]


def build(current: str | None = None) -> bytes:
    """The egg's bytes, built from a copy of the two packages in a temporary folder (away from
    pyproject.toml, whose metadata would otherwise win, and writing nothing to the checkout)."""
    with tempfile.TemporaryDirectory(prefix="policywatch-egg-") as tmp:
        work = Path(tmp)
        for path in _files():
            target = work / "src" / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        setup = _SETUP.format(version="0+" + (current or version()))
        command = [
            sys.executable, "-c", setup,
            "egg_info", "--egg-base", tmp,
            "build", "--build-base", f"{tmp}/build",
            "bdist_egg", "--dist-dir", tmp, "--bdist-dir", f"{tmp}/bdist",
        ]  # fmt: skip
        done = subprocess.run(command, cwd=work / "src", capture_output=True, text=True)
        eggs = list(work.glob("*.egg"))
        if done.returncode != 0 or not eggs:
            raise RuntimeError(f"the egg was not built: {done.stderr.strip().splitlines()[-1:]}")
        return eggs[0].read_bytes()
