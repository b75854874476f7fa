"""Listing reading on eleven CMS shapes (benchmarks/listing_shapes.py): precision and recall of
the document links, and whether the way to the next page is found (a link, or "only a browser
can turn it"). Beside it, what a user without policywatch would write first: every link on the
page with a title-like text (five characters or more) under the site, and a 下一页 link.

    python -m benchmarks listings
"""

from __future__ import annotations

import re
import time

from lxml import html as lxml_html

from crawler.links import read_listing
from crawler.pager import NEXT_TEXT

from .listing_shapes import HOST, Shape, shapes

_TITLE_LIKE = re.compile(r"\S{5,}")


def _naive(shape: Shape) -> tuple[list[str], list[str]]:
    root = lxml_html.fromstring(shape.html)
    root.make_links_absolute(shape.url)
    links = [(a.get("href") or "", a.text_content().strip()) for a in root.iter("a")]
    documents = [
        url for url, text in links if url.startswith(HOST) and _TITLE_LIKE.search(text) and not NEXT_TEXT.match(text)
    ]
    return list(dict.fromkeys(documents)), [url for url, text in links if NEXT_TEXT.match(text)]


def _ours(shape: Shape) -> tuple[list[str], list[str], bool]:
    listing = read_listing(shape.html.encode(), shape.url, {"www.example.gov.cn"})
    return listing.documents, listing.next_pages, listing.script_pager


def _score(found: list[str], gold: list[str]) -> tuple[int, int, int]:
    hits = len(set(found) & set(gold))
    return hits, len(set(found)), len(gold)


def _next_right(shape: Shape, next_pages: list[str], script_pager: bool) -> bool:
    if shape.script_pager:
        return script_pager
    return next_pages == ([shape.next_page] if shape.next_page else [])


def run() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    totals = {"ours": [0, 0, 0, 0], "naive": [0, 0, 0, 0]}
    started = time.perf_counter()
    for shape in shapes():
        documents, next_pages, script_pager = _ours(shape)
        naive_documents, naive_next = _naive(shape)
        for name, found, right in (
            ("ours", documents, _next_right(shape, next_pages, script_pager)),
            ("naive", naive_documents, _next_right(shape, naive_next, False)),
        ):
            hits, found_n, gold_n = _score(found, shape.documents)
            totals[name] = [a + b for a, b in zip(totals[name], [hits, found_n, gold_n, int(right)], strict=True)]
        hits, found_n, gold_n = _score(documents, shape.documents)
        onward = "ok" if _next_right(shape, next_pages, script_pager) else "MISSED"
        rows.append((shape.name, f"{hits}/{gold_n} found, {found_n - hits} wrong; next page {onward}"))
    seconds = time.perf_counter() - started
    for name, (hits, found_n, gold_n, right) in totals.items():
        label = "policywatch" if name == "ours" else "every title-like link"
        rows.append(
            (
                label,
                f"precision {hits / max(1, found_n):.3f}, recall {hits / max(1, gold_n):.3f}, "
                f"next page {right} of {len(shapes())}",
            )
        )
    rows.append(("time for all shapes, both readers", f"{seconds * 1000:.0f} ms"))
    return rows


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label:52s} {figure}")
