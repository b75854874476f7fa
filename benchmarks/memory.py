"""Memory of a big crawl: `policywatch crawl` of one source of 10,000 documents, run as the
command a user runs, its crawl process and store workers sampled from /proc while it runs, beside
bare Scrapy fetching the same pages. Memory is PSS (proportional set size): pages a forked worker
shares with its parent count once, not once per process as RSS would. Goal: under 300 MB."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .crawl import _bare, build_site
from .staticsite import StaticSite

DOCUMENTS = 10_000
LIMIT_MB = 300


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree(pid: int) -> list[int]:
    """The process and its descendants."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class _Sampler(threading.Thread):
    """The peak summed PSS of a process and its descendants (or only its descendants: the
    command line that forks the crawl is not the crawl), every 0.1 s."""

    def __init__(self, pid: int, itself: bool) -> None:
        super().__init__(daemon=True)
        self.pid, self.skip, self.peak, self.stopped = pid, 0 if itself else 1, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            self.peak = max(self.peak, sum(_pss_mb(pid) for pid in _tree(self.pid)[self.skip :]))


def _peak(command: list[str], env: dict[str, str] | None = None, itself: bool = False) -> tuple[float, float]:
    """Peak memory of the processes the command starts (and of itself), and its run time."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    sampler = _Sampler(process.pid, itself)
    sampler.start()
    process.wait()
    elapsed = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    return sampler.peak, elapsed


def _bare_main(urls_file: str) -> None:
    """Bare Scrapy in a process of its own, fetching every URL in the file."""
    _bare(Path(urls_file).read_text().split(), False)


def run() -> list[tuple[str, str]]:
    with StaticSite(lambda base: build_site(base, DOCUMENTS)) as site, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "seeds").mkdir()
        (folder / "seeds" / "big.toml").write_text(
            f'start_urls = ["{site.base_url}/list/index.html"]\nmax_pages = 1000\nmax_documents = {DOCUMENTS + 10}\n',
            encoding="utf-8",
        )
        (folder / "policywatch.toml").write_text(
            'database_url = "sqlite:///memory.db"\nhttp_cache_dir = "cache"\n'
            "[crawl]\ndelay = 0\nconcurrency_per_domain = 32\nautothrottle = false\nobey_robots = false\n",
            encoding="utf-8",
        )
        env = {**os.environ, "POLICYWATCH_CONFIG": str(folder / "policywatch.toml")}
        ours, took = _peak([str(Path(sys.executable).with_name("policywatch")), "crawl"], env)
        (folder / "urls").write_text("\n".join(site.base_url + path for path in site.pages))
        theirs, bare_took = _peak(
            [sys.executable, "-c", f"from benchmarks.memory import _bare_main; _bare_main({str(folder / 'urls')!r})"],
            itself=True,
        )
    verdict = "under" if ours < LIMIT_MB else "over"
    return [
        (
            f"policywatch crawl of {DOCUMENTS:,} documents",
            f"peak {ours:.0f} MB (crawl process and store workers, PSS), {took:.0f} s: {verdict} {LIMIT_MB} MB",
        ),
        ("bare Scrapy fetching the same pages", f"peak {theirs:.0f} MB, {bare_took:.0f} s"),
    ]


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:44s} {figure}")
