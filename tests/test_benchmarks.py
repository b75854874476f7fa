"""The benchmarks stay runnable: each module `python -m benchmarks` knows imports and has run()."""

from __future__ import annotations

import importlib

import pytest

from benchmarks.__main__ import NAMES


@pytest.mark.parametrize("name", NAMES)
def test_benchmark_imports(name):
    module = importlib.import_module(f"benchmarks.{name}")
    assert callable(module.run)
