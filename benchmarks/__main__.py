"""`python -m benchmarks [NAME...]`: run the benchmarks (all by default) and print their figures."""

from __future__ import annotations

import importlib
import sys

NAMES = [
    "cleaning",
    "listings",
    "diff",
    "crawl",
    "memory",
    "browser",
    "attachments",
    "ocr",
    "recrawl",
    "related",
    "daemon",
    "cluster",
    "scale",
    "web",
    "history",
]


def main(names: list[str]) -> int:
    for name in names or NAMES:
        if name not in NAMES:
            print(f"unknown benchmark {name!r}; known: {', '.join(NAMES)}", file=sys.stderr)
            return 2
        print(f"== {name}", flush=True)
        for label, figure in importlib.import_module(f"benchmarks.{name}").run():
            print(f"  {label:48s} {figure}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
