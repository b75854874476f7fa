"""The cleaner against trafilatura, in one run: quality on both shared page sets (the shared
scorer's metric), chrome churn on the real pages (tests/chrome_churn.py), and speed on the real
corpus and on 100 KB and 1 MB pages, beside a bare lxml parse of the same pages."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from lxml import etree

from crawler.cleaning import clean
from crawler.cleaning.decode import decode_html
from monitor.demo.samples import load_sample, sample_names
from monitor.demo.site import DemoSite, Section
from tests.chrome_churn import variants

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CHURNS = ("digits", "lists", "links", "all")


def _sized_page(target_bytes: int) -> bytes:
    """A government page in the demo's TRS template whose body is grown to about target_bytes."""
    site = DemoSite([Section("s", "政策文件", "/s/", "trs", charset="utf-8")])
    site.stop()
    paragraphs = [p for name in sample_names() for p in load_sample(name).paragraphs]
    sample = load_sample("nx-kjt-draft")
    sample.paragraphs = []
    while sum(len(p.encode()) + 40 for p in sample.paragraphs) < target_bytes:
        sample.paragraphs.append(paragraphs[len(sample.paragraphs) % len(paragraphs)])
    path = site.publish("s", sample)
    return site.render(path)[2]


def _rate(extract: Callable[[bytes], object], pages: list[bytes], rounds: int) -> float:
    """Pages per second, the median over rounds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for page in pages:
            extract(page)
        times.append(time.perf_counter() - start)
    return len(pages) / statistics.median(times)


def _trafilatura(page: bytes) -> tuple[str, str]:
    doc = trafilatura.bare_extraction(page, with_metadata=True)
    doc = (doc if isinstance(doc, dict) else doc.as_dict()) if doc is not None else {}
    return doc.get("title") or "", doc.get("text") or ""


def _ours(page: bytes) -> tuple[str, str]:
    doc = clean(page)
    return doc.title, doc.text


def _quality(which: str, extract: Callable[[bytes], tuple[str, str]]) -> str:
    sys.path.insert(0, str(SHARED))
    from score import prf

    gold = json.loads((SHARED / which / "gold.json").read_text(encoding="utf-8"))
    f1s, titles = [], 0
    for page in gold:
        title, text = extract((SHARED / which / "pages" / page["file"]).read_bytes())
        f1s.append(prf(text, page["body_text"])[2])
        titles += "".join(title.split()) == "".join((page.get("title") or "").split())
    label = f", titles {titles}/{len(gold)}" if which == "real" else ""
    return f"mean F1 {statistics.mean(f1s):.3f}, min {min(f1s):.3f}{label}"


def _churn(extract: Callable[[bytes], tuple[str, str]]) -> str:
    """Templates whose cleaned title or text moves under chrome churn; edits that go unseen."""
    gold = json.loads((SHARED / "real" / "gold.json").read_text(encoding="utf-8"))
    moved = missed = 0
    for page in gold:
        others = [s for s in (page.get("title_selector"), page.get("meta_selector")) if s]
        pages = variants(
            (SHARED / "real" / "pages" / page["file"]).read_bytes(), page["body_selector"], others, page["body_text"]
        )
        base = extract(pages["original"])
        moved += any(extract(pages[name]) != base for name in CHURNS)
        missed += extract(pages["edit"])[1] == base[1]
    return f"{moved} of {len(gold)} templates move, {missed} edits missed"


def _bare_parser(pages: list[bytes]) -> Callable[[bytes], object]:
    """A bare lxml parse that reads each whole page: told the page's real encoding (found here,
    outside the timing), since a page declaring gb2312 over UTF-8 bytes stops libxml2 early."""
    parsers = {page: etree.HTMLParser(encoding=decode_html(page)[1]) for page in set(pages)}
    return lambda page: etree.fromstring(page, parsers[page])


def run() -> list[tuple[str, str]]:
    rows = []
    for which in ("real", "peer"):
        rows.append(
            (
                f"quality, {which} pages",
                f"policywatch {_quality(which, _ours)}; trafilatura {_quality(which, _trafilatura)}",
            )
        )
    rows.append(("chrome churn, real pages", f"policywatch {_churn(_ours)}; trafilatura {_churn(_trafilatura)}"))
    corpus = [p.read_bytes() for p in sorted((SHARED / "real" / "pages").glob("*.html"))]
    big = {label: _sized_page(size) for label, size in (("100 KB", 100_000), ("1 MB", 1_000_000))}
    for label, pages, rounds in (
        ("corpus (30 real pages)", corpus, 7),
        ("100 KB page", [big["100 KB"]] * 10, 5),
        ("1 MB page", [big["1 MB"]], 5),
    ):
        ours, theirs = _rate(clean, pages, rounds), _rate(_trafilatura, pages, rounds)
        bare = _rate(_bare_parser(pages), pages, rounds)
        rows.append(
            (
                label,
                f"policywatch {ours:.1f} pages/s, trafilatura {theirs:.1f} pages/s: {ours / theirs:.1f}x; "
                f"cost {bare / ours:.1f}x a bare lxml parse",
            )
        )
    per_kb = {label: 1000 / _rate(clean, [page], 5) / (len(page) / 1000) for label, page in big.items()}
    rows.append(("cost per KB", ", ".join(f"{label}: {ms:.3f} ms" for label, ms in per_kb.items())))
    return rows


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:24s} {figure}")
