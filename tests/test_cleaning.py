"""The cleaning stage on real government pages, on the samples in several templates, on bad input."""

from __future__ import annotations

import json
import sys

import pytest

from crawler.cleaning import Rules, clean
from monitor.demo.samples import load_sample, sample_names
from monitor.demo.site import DemoSite

from .conftest import SHARED

CORPUS = SHARED / "corpus" / "real"
sys.path.insert(0, str(SHARED / "corpus"))


def _gold() -> list[dict]:
    assert CORPUS.is_dir(), f"the real-page corpus is expected at {CORPUS} (../shared beside the repo)"
    return json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))


def test_corpus_scores_meet_the_bar():
    from score import prf  # the shared scorer's own metric

    scores, titles = {}, 0
    for page in _gold():
        doc = clean((CORPUS / "pages" / page["file"]).read_bytes())
        scores[page["file"]] = prf(doc.text, page["body_text"])[2]
        titles += "".join(doc.title.split()) == "".join(page["title"].split())
    assert sum(scores.values()) / len(scores) >= 0.98
    assert min(scores.values()) >= 0.90, {f: round(s, 3) for f, s in scores.items() if s < 0.9}
    assert titles >= 27  # 90 %


# Dates and 文号 on the corpus pages that carry a metadata block, as a reader finds them there.
CORPUS_META = {
    "jl_gov_xxgk_tonggao_2022_1.html": ("2022-01-28", "吉政明电〔2022〕1号"),
    "nmg_gov_tax_policy_news.html": ("2022-02-11", None),
    "bynr_gov_news.html": ("2022-02-11", None),
    "kaili_gov_recruitment_plan.html": ("2024-06-27", None),
    "shanxi_gov_news.html": ("2019-09-18", None),
    "cmse_gov_2012_press.html": ("2012-06-24", None),
    "cmse_gov_2021_news.html": ("2021-01-05", None),
    "cnr_military_regulation_news.html": ("2022-02-13", None),
    "gsc_society_2019.html": ("2019-05-18", None),
    "yndaily_2022.html": ("2022-02-13", None),
    "yzwb_2022.html": ("2022-02-13", None),
}


def test_corpus_metadata_dates_and_document_numbers():
    with_meta = {page["file"] for page in _gold() if page.get("meta_text")}
    assert with_meta == set(CORPUS_META)
    for name, (date, number) in CORPUS_META.items():
        meta = clean((CORPUS / "pages" / name).read_bytes()).meta
        assert (meta.publish_date, meta.doc_number) == (date, number), name


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], list[bytes]]:
    """Every sample in every demo template, fetched three times (the chrome differs each time)."""
    site = DemoSite()
    pages = {}
    for name in sample_names():
        for section in site.sections:
            path = site.publish(section, load_sample(name))
            pages[(name, section)] = [site.render(path)[2] for _ in range(3)]
    return pages


def test_same_document_gives_byte_identical_text_under_any_chrome(rendered):
    for (name, section), bodies in rendered.items():
        docs = [clean(body) for body in bodies]
        assert len({d.content_hash for d in docs}) == 1, (name, section)
        assert docs[0].text == load_sample(name).text, (name, section)
        assert docs[0].title == load_sample(name).title, (name, section)


def test_sample_metadata_in_every_template(rendered):
    for (name, section), bodies in rendered.items():
        sample, meta = load_sample(name), clean(bodies[0]).meta
        assert meta.publish_date == sample.publish_date, (name, section)
        assert meta.status == sample.status, (name, section)
        assert meta.comment_deadline == (sample.comment_deadline or None), (name, section)
        if section == "zfxxgk":  # the template with a metadata table
            assert meta.doc_number == (sample.doc_number or None), name
            assert meta.index_number == (sample.index_number or None), name
            assert meta.source == (sample.source or sample.issuer), name
        if section == "kjfw":  # 来源 in the article header
            assert meta.source == (sample.source or sample.issuer), name


def test_issuer_from_the_signature_block(rendered):
    assert clean(rendered[("nx-kjt-draft", "nx-kjt")][0]).meta.issuer == "宁夏回族自治区科学技术厅"
    assert clean(rendered[("yunnan-opinion", "nx-kjt")][0]).meta.issuer == "快遞大陸省人民政府"
    assert clean(rendered[("nx-final", "kjfw")][0]).meta.issuer == "宁夏回族自治区人民政府办公厅"


ARTICLE = """<html><head><title>关于印发试点方案的通知_某某市人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/zw/">政务公开</a><a href="/bs/">办事服务</a></div>
<div class="main"><h1>关于印发试点方案的通知</h1><div class="info">发布时间：2024-03-01 浏览次数：1234</div>
<div class="ad-box">广告：欢迎订阅我们的服务，更多精彩内容请关注公众号。</div>
<div id="zoom"><p>各区县人民政府，市直各部门：</p>
<p>现将《试点方案》印发给你们，请结合实际认真贯彻执行。执行中遇到的问题，请及时向市发展改革委反映。</p>
<p>附件：<a href="/files/fangan.pdf">试点方案.pdf</a></p><p>附件：<a href="files/biao.xlsx">申报表.xlsx</a></p></div>
</div><div class="footer">主办单位：某某市人民政府 ICP备12345号</div></body></html>"""


def test_attachments_are_absolute_urls():
    doc = clean(ARTICLE, "https://www.example.gov.cn/zw/202403/t20240301_1.html")
    assert [(a.name, a.url) for a in doc.attachments] == [
        ("试点方案.pdf", "https://www.example.gov.cn/files/fangan.pdf"),
        ("申报表.xlsx", "https://www.example.gov.cn/zw/202403/files/biao.xlsx"),
    ]
    assert doc.title == "关于印发试点方案的通知"
    assert "浏览次数" not in doc.text and "广告" not in doc.text


def test_seed_overrides_win_over_the_automatic_path():
    rules = Rules(content_selector="div.main", title_selector="div.info", drop_selectors=["div.ad-box", "h1"])
    doc = clean(ARTICLE, rules=rules)
    assert doc.title == "发布时间：2024-03-01 浏览次数：1234"
    assert "广告" not in doc.text and "关于印发试点方案的通知" not in doc.text
    assert "现将《试点方案》印发给你们" in doc.text


def test_declared_gb2312_with_utf8_bytes_and_undeclared_gbk():
    page = "<html><head><meta charset='gb2312'><title>通知</title></head><body><div><p>{}</p></div></body></html>"
    body = "为加快推进高新区高质量发展，现将有关事项通知如下，请认真贯彻落实。各单位要高度重视。"
    assert body in clean(page.format(body).encode("utf-8")).text
    undeclared = page.replace("<meta charset='gb2312'>", "").format(body).encode("gbk")
    assert body in clean(undeclared).text
    assert body in clean(page.format(body).encode("gb18030"), encoding="iso-8859-1").text


def test_stray_end_of_document_tag_before_the_content():
    page = (
        "<html><body><div class='head'>网站首页</div></body></html>"
        "<div id='content'><p>这是正文的第一段，内容较长，包含标点符号。这是正文。</p>"
        "<p>这是正文的第二段，同样包含足够多的文字，以便被识别为正文内容。</p></div></body></html>"
    )
    assert "这是正文的第二段" in clean(page).text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty", b"", "empty"),
        ("whitespace", b"   \n\t ", "empty"),
        ("binary", bytes(range(256)) * 200, "not_html"),
        ("no text", b"<html><body><div><a href='/'>home</a></div></body></html>", "too_little_text"),
        (
            "not found",
            "<html><head><title>404 页面不存在</title></head><body><p>对不起，您访问的页面不存在！</p>"
            "</body></html>".encode(),
            "not_found_page",
        ),
    ],
)
def test_pages_without_a_document_say_so(name, data, reason):
    assert clean(data).no_document == reason


def test_hostile_sizes_and_shapes_never_raise():
    real = (CORPUS / "pages" / "kaili_gov_recruitment_plan.html").read_bytes()
    paragraph = "<p>这是一个很长的段落，包含中文标点符号，用来测试非常大的页面。</p>"
    cases = [
        real[: len(real) // 2],  # truncated mid-tag
        ("<html><body>" + "<div>" * 10_000 + "深层嵌套的文字。" + "</div>" * 10_000 + "</body></html>").encode(),
        ("<html><body><div>" + paragraph * 400_000 + "</div></body></html>").encode(),  # about 20 MB
        b"<html><body><p>\xff\xfe\x00\x00 broken \x81\x82 bytes</p></body></html>",
    ]
    results = [clean(data) for data in cases]
    assert results[0].found and "凯里市教育系统" in results[0].text
    assert all(isinstance(r.text, str) for r in results)


def test_a_document_number_404_is_not_a_missing_page():
    page = (
        "<html><head><title>关于第404号建议的答复（第1404号）</title></head><body><div>"
        + "<p>您提出的关于加强科技创新的建议收悉，现答复如下。</p>" * 5
        + "</div></body></html>"
    )
    assert clean(page).found


def test_a_numbered_title_is_not_a_missing_page():
    page = (
        "<html><head><title>江苏多地要求中高风险地区师生员工暂不返校（404）</title></head><body><div>"
        + "<p>各地教育部门要求，来自中高风险地区的师生员工暂不返校，具体时间另行通知。</p>" * 4
        + "</div></body></html>"
    )
    assert clean(page).found
    assert clean("<html><head><title>404</title></head><body><p>Not here.</p></body></html>").no_document == (
        "not_found_page"
    )
