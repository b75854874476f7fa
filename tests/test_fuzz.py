"""The cleaner and the listing reader never raise, whatever a site serves: a seeded fuzz over
thousands of mutations of real pages (../shared) and of synthetic hostile shapes. Seeded, so a
failure is reproduced by its number; bounded, a fixed number of cases."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crawler.cleaning import clean
from crawler.links import read_listing

from .conftest import SHARED
from .hostile import listing_page, policy_page

CASES = 1500
SEED = 20261206
SNIPPETS = [
    b"<a href='http://['>x</a>",
    b"<a href='http://[::1'>\xe9\x99\x84\xe4\xbb\xb6.pdf</a>",
    b"<a href='javascript:alert(1)//a.pdf'>a</a>",
    b"<a href='java\tscript:x'>b</a>",
    b"<a href='\x01javascript:x'>c</a>",
    b"<a href='http://x.cn:99999/'>port</a>",
    b"<a href='//%zz'>bad escape</a>",
    b"<div>" * 3000,
    b"</div>" * 50,
    b"<table><tr><td rowspan='999999999'>",
    b"<!--",
    b"<![CDATA[",
    b"<script>",
    b"<?xml version='1.0'?>",
    b"<meta charset='utf-7'>",
    b"<meta charset='x-no-such-charset'>",
    b"\x00\x01\x02\x1b[2J\x1b]0;t\x07",
    bytes(range(256)),
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    "发布日期：2026-13-45 文号：国发〔2026〕".encode(),
    "<title>页面不存在</title>".encode("gbk"),
    b"<record><![CDATA[<li><a href='/a'>t</a></li>]]></record><recordset>",
    b"createPageHTML(99999999999999999999, 1, 'index', 'html')",
    b"<a href='index_999999999999999999999.html'>next</a>",
]


def _seeds() -> list[bytes]:
    pages = sorted((SHARED / "corpus" / "real" / "pages").glob("*.html"))[:12]
    pages += sorted((SHARED / "corpus" / "peer" / "pages").glob("*.html"))[:4]
    synthetic = [
        policy_page("关于做好安全生产工作的通知", "为做好安全生产工作").encode(),
        listing_page([(f"/doc/{i}.html", f"关于开展第{i}项检查的通知") for i in range(8)]).encode("gbk"),
    ]
    return [p.read_bytes() for p in pages] + synthetic


def _mutate(page: bytes, rng: random.Random) -> bytes:
    data = bytearray(page)
    for _ in range(rng.randint(1, 6)):
        where = rng.randrange(len(data) + 1)
        kind = rng.randrange(6)
        if kind == 0:
            data[where:where] = rng.choice(SNIPPETS)
        elif kind == 1 and data:
            data[where : where + rng.randint(1, 64)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 16)))
        elif kind == 2:
            data = data[: rng.randrange(len(data) + 1)]
        elif kind == 3 and data:
            start = rng.randrange(len(data))
            data[where:where] = data[start : start + rng.randint(1, 2000)] * rng.randint(1, 4)
        elif kind == 4:
            data[where:where] = rng.choice(SNIPPETS) * rng.randint(2, 200)
        else:
            data = bytearray(data.decode("utf-8", "ignore").encode(rng.choice(["gb18030", "big5", "utf-16"]), "ignore"))
    return bytes(data)


@pytest.mark.parametrize("reader", ["clean", "read_listing"])
def test_readers_never_raise_on_mutated_pages(reader):
    seeds = _seeds()
    assert len(seeds) >= 10, f"the shared pages are missing from {SHARED}"
    rng = random.Random(f"{SEED}-{reader}")
    for number in range(CASES):
        page = _mutate(rng.choice(seeds), rng)
        try:
            if reader == "clean":
                clean(page, "http://www.example.gov.cn/art/2026/1/1/art_1.html")
            else:
                read_listing(page, "http://www.example.gov.cn/col/index.html", {"www.example.gov.cn"})
        except Exception as exc:  # noqa: BLE001 - the failure this test exists to catch
            pytest.fail(f"{reader} raised on case {number} (seed {SEED}): {exc!r}")


def test_deep_pages_are_read_whole_or_refused_never_cut():
    paragraph = "<p>为做好安全生产工作，各单位应当认真落实主体责任，加强隐患排查治理，确保人民群众生命财产安全。</p>"
    for depth in (300, 800, 5000):
        html = (
            "<html><head><title>通知</title></head><body>"
            + "<div>" * depth
            + paragraph * 4
            + "<p>最后一段：本通知自发布之日起施行。</p>"
            + "</div>" * depth
            + "</body></html>"
        )
        doc = clean(html.encode())
        assert doc.no_document == "too_deep" or "最后一段" in doc.text, depth
        listing = read_listing(html.encode(), "http://x.cn/", {"x.cn"})
        assert listing.unreadable or listing.documents == []
    assert clean(("<div>" * 300 + paragraph * 4).encode()).found  # deeper than libxml2's default 256


def test_a_utf8_page_with_a_binary_tail_is_read_as_utf8():
    paragraph = "<p>为做好安全生产工作，各单位应当认真落实主体责任，加强隐患排查治理。</p>" * 5
    page = f"<html><head><title>关于安全生产的通知</title></head><body><div>{paragraph}</div></body></html>"

    doc = clean(page.encode() + bytes(range(256)) * 8)

    assert doc.encoding == "utf-8" and doc.title == "关于安全生产的通知"
    assert "各单位应当认真落实主体责任" in doc.text


def test_control_characters_never_reach_the_text():
    page = (
        "<html><head><title>通知\x1b]0;pwned\x07\x1b[2J</title></head><body><div><p>"
        "正文\x1b[31m为做好安全生产工作，各单位应当认真落实主体责任\u202e，加强隐患排查治理，确保人民群众生命财产安全。</p>"
        "</div></body></html>"
    )
    doc = clean(page.encode())
    assert doc.found and "\x1b" not in doc.title + doc.text and "\u202e" not in doc.text


def test_script_links_are_never_recorded_as_attachments():
    hrefs = ["javascript:void(0)//附件1.pdf", "JaVaScRiPt:x//2.pdf", "java\tscript:x//3.pdf", "\x01javascript:x//4.doc"]
    links = "".join(f"<p>附件{i}：<a href='{h}'>附件{i}.pdf</a></p>" for i, h in enumerate(hrefs)) + (
        "<p>附件9：<a href='/files/9.pdf'>附件9.pdf</a></p>"
    )
    doc = clean(policy_page("关于公布名单的通知", "现将名单公布如下", links).encode(), "http://x.cn/a/b.html")
    assert [a.url for a in doc.attachments] == ["http://x.cn/files/9.pdf"]


def test_the_shared_pages_exist():
    assert Path(SHARED, "corpus", "score.py").is_file()
