"""The product as a user installs it: the wheel built from this checkout, installed into a fresh
virtual environment, runs the demo from an empty folder (its samples, templates and migrations
are package data, found through the installed package, never through the checkout)."""

from __future__ import annotations

import site
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.services


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, cwd=cwd, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-2000:]
    return result


def test_the_wheel_installs_and_runs_the_demo(tmp_path):
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", REPO, cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("policywatch-*.whl")
    fresh = tmp_path / "venv"
    _run(getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", fresh, cwd=tmp_path)
    [packages] = fresh.glob("lib/python*/site-packages")
    # The dependencies come from this environment's site-packages, read as a plain path: its .pth
    # files (the editable install of the checkout among them) are not processed from there.
    (packages / "dependencies.pth").write_text(site.getsitepackages()[0] + "\n", encoding="utf-8")
    _run(sys.executable, "-m", "pip", "--python", fresh / "bin" / "python", "install", "--no-deps", "--quiet", wheel,
         cwd=tmp_path)  # fmt: skip
    here = tmp_path / "elsewhere"
    here.mkdir()

    where = _run(
        fresh / "bin" / "python", "-c", "import monitor, seeds; print(monitor.__file__, seeds.__file__)", cwd=here
    )
    version = _run(fresh / "bin" / "policywatch", "--version", cwd=here).stdout
    demo = _run(fresh / "bin" / "policywatch", "demo", "--dir", here / "demo", cwd=here).stdout

    assert str(REPO) not in where.stdout and str(packages) in where.stdout
    assert version.strip() == f"policywatch {_metadata_version(wheel)}"
    assert "finalized" in demo and list((here / "demo" / "mail").glob("*.eml"))


def _metadata_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]
