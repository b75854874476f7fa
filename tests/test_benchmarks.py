"""The benchmarks stay runnable: each module `python -m benchmarks` knows imports and has run()."""

from __future__ import annotations

import importlib

import pytest

from benchmarks.__main__ import NAMES


@pytest.mark.parametrize("name", NAMES)
def test_benchmark_imports(name):
    module = importlib.import_module(f"benchmarks.{name}")
    assert callable(module.run)


def test_every_listing_shape_is_read_whole():
    """The listing benchmark is quick and exact: each CMS shape's documents and way onward."""
    from benchmarks.listings import run

    rows = dict(run())
    assert rows["policywatch"].startswith("precision 1.000, recall 1.000, next page 11 of 11")
