"""The house keeps its shape: ARCHITECTURE.md names every module, no module grows past 400 lines
and no function past 60 (small modules with one job, functions that fit on a screen)."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

PACKAGES = ("crawler", "storage", "notifier", "monitor", "seeds")
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60


def _modules(*, packages_too: bool = False) -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if (packages_too or path.name != "__init__.py") and "migrations" not in path.parts
    )


def test_architecture_names_every_module():
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [str(p.relative_to(REPO)) for p in _modules() if f"`{p.name}`" not in text]
    assert not missing, f"ARCHITECTURE.md does not name: {missing}"


def test_modules_and_functions_stay_small():
    too_long = []
    for path in [*_modules(packages_too=True), *(REPO / "benchmarks").glob("*.py")]:
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(REPO)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(REPO)}: {node.name}() {length} lines")
    assert not too_long, too_long
