"""The memory a crawl costs: the proportional set size (PSS) of its whole process tree, the crawl
process with its store workers, file readers and browser. Scrapy's own MEMUSAGE looks at one
process only, and forked children share pages with it: summing their RSS would count those
pages twice, PSS counts each page once."""

from __future__ import annotations

import os
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """pid and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except (OSError, ValueError):
                continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError):
        return 0


def tree_megabytes(pid: int | None = None) -> float:
    """The PSS of the process tree under pid (this process by default), in MB."""
    return sum(_pss_kb(p) for p in descendants(pid or os.getpid())) / 1024
