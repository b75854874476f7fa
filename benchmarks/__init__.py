"""Benchmarks: each prints its figures beside the alternative a user would pick, in the same run."""
