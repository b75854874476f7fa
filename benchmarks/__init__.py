"""Benchmarks: each prints its figures beside the alternative a user would pick, in the same run."""


def p95(values: list[float]) -> float:
    """The value 95 % of the measurements do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]
