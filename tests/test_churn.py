"""Chrome churn on every real page with gold selectors: what changes around a document between
two crawls (counters, dates, rotating lists, shuffled link texts) must not change its cleaned
title or text, and one changed figure inside the body must."""

from __future__ import annotations

import json

import pytest

from crawler.cleaning import clean

from .chrome_churn import variants
from .conftest import SHARED

CORPUS = SHARED / "corpus" / "real"


def _pages() -> list[dict]:
    assert CORPUS.is_dir(), f"the real-page corpus is expected at {CORPUS} (../shared beside the repo)"
    return [g for g in json.loads((CORPUS / "gold.json").read_text(encoding="utf-8")) if g.get("body_selector")]


@pytest.mark.parametrize("gold", _pages(), ids=lambda g: g["file"])
def test_chrome_churn_moves_nothing_and_an_edit_moves_the_text(gold):
    others = [s for s in (gold.get("title_selector"), gold.get("meta_selector")) if s]
    pages = variants((CORPUS / "pages" / gold["file"]).read_bytes(), gold["body_selector"], others, gold["body_text"])
    base = clean(pages["original"])
    assert base.found
    for name in ("digits", "lists", "links", "all"):
        churned = clean(pages[name])
        assert (churned.title, churned.text) == (base.title, base.text), name
    assert pages["edit"] != pages["original"], "the page has a figure in its body to edit"
    assert clean(pages["edit"]).text != base.text
