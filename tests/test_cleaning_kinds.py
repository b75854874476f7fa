"""The cleaner on kinds of pages it was not tuned on, each shaped like the real thing: comments
and rails written in sentences, trailing recommendations and notices, cards inside an article,
a page of short lines, a script shell, WeChat articles, headlines in odd places. And the peer
set of the public benchmark, scored as the shared scorer does."""

from __future__ import annotations

import json
import sys

from crawler.cleaning import clean
from monitor.demo.samples import load_sample

from .conftest import SHARED

SAMPLE = load_sample("wansheng-plan")
PARAGRAPHS = "".join(f"<p>{p}</p>" for p in SAMPLE.paragraphs[1:12])


def _page(body: str, title: str = "关于印发万盛经开区高新技术产业发展行动计划的通知_万盛经开区管委会") -> str:
    nav = "<div class='nav'><a href='/'>首页</a></div>"
    return f"<html><head><title>{title}</title></head><body>{nav}{body}</body></html>"


def test_comments_in_sentences_stay_out_of_the_body():
    comment = (
        "<div class='item'><img src='/a.png'><span class='nick'>网友{n}</span>"
        "<div class='text'>支持这个政策，希望尽快落地实施，让企业真正受益。</div><span>5月{n}日</span></div>"
    )
    page = _page(
        f"<div class='left'><div class='article'><h1>万盛经开区高新技术产业发展行动计划</h1>{PARAGRAPHS}</div>"
        f"<div class='talk'>{''.join(comment.format(n=n) for n in range(1, 9))}</div></div>"
    )
    doc = clean(page)
    assert SAMPLE.paragraphs[5] in doc.text
    assert "支持这个政策" not in doc.text


def test_a_trailing_rail_and_the_site_notices_are_cut():
    rail = "".join(
        f"<li><a href='/n/{n}.html'>科技创新大会召开 部署第{n}轮创新驱动发展任务</a>"
        f"<p>会议强调，要坚持创新驱动发展战略，推动第{n}批项目落地见效。</p></li>"
        for n in range(6)
    )
    page = _page(
        f"<div class='article'>{PARAGRAPHS}<p>免责声明：本网转载内容仅供参考，不代表本网观点。</p>"
        f"<p>未经授权，禁止转载本网内容。</p><h3>为你推荐</h3><ul class='list'>{rail}</ul></div>"
    )
    doc = clean(page)
    assert doc.text.endswith(SAMPLE.paragraphs[11])
    assert "免责声明" not in doc.text and "禁止转载" not in doc.text and "创新大会" not in doc.text


def test_cards_inside_an_article_keep_the_article_and_its_flow():
    card = (
        "<div class='card'><a href='/shop/{n}'>第{n}家企业 科技创新服务中心</a>"
        "<a href='/map/{n}'>地址：万盛经开区创新大道{n}号 电话：023-1234567</a>"
        "<a href='/tag'>高新技术 / 科技服务 / 孵化器 / 研发平台</a></div>"
    )
    sections = "".join(f"<p>{p}</p>{card.format(n=n)}" for n, p in enumerate(SAMPLE.paragraphs[1:9]))
    doc = clean(_page(f"<div class='entry'>{sections}</div><div class='side'><p>订阅我们的周报。</p></div>"))
    assert all(p in doc.text for p in SAMPLE.paragraphs[1:9])
    assert "创新大道3号" in doc.text  # a card between two paragraphs is part of the text's flow


def test_a_page_of_short_lines_is_a_document_and_a_script_shell_is_not():
    lines = "".join(f"<p>中国式现代化道路研究专题第{n}篇</p><p>作者{n}</p>" for n in range(20))
    toc = clean(_page(f"<div class='detail'><h3>《学报》2022年第4期</h3><p>目录</p>{lines}</div>", "2022年第4期"))
    assert toc.found and "中国式现代化道路研究专题第7篇" in toc.text
    shell = clean(_page("<div id='app'><span>加载中</span></div><div class='foot'>版权所有 某某市人民政府</div>"))
    assert not shell.found


WECHAT = """<html><head><meta property="og:title" content="万盛经开区高新技术产业发展行动计划解读" />
<meta property="og:site_name" content="微信公众平台" /><title></title></head><body>
<div id="page-content"><h1 id="activity-name"> </h1><a id="js_name">万盛发布</a>
<div class="rich_media_content" id="js_content" style="visibility: hidden;">{paragraphs}</div>
<div class="qr_code_pc"><p>微信扫一扫<br>关注该公众号</p></div></div>
<script>var nickname = "万盛发布"; var ct = "1659274471"; var msg_title = '行动计划解读'.html(false);</script>
</body></html>"""


def test_a_wechat_article_gives_its_text_title_account_and_date():
    doc = clean(WECHAT.format(paragraphs=PARAGRAPHS), "https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1&sn=ab")
    assert doc.title == "万盛经开区高新技术产业发展行动计划解读"
    assert doc.text.startswith(SAMPLE.paragraphs[1]) and "扫一扫" not in doc.text
    assert (doc.meta.source, doc.meta.publish_date) == ("万盛发布", "2022-07-31")


def test_headlines_in_odd_places():
    site = "关于印发万盛经开区高新技术产业发展行动计划的通知"
    in_a_cell = _page(
        f"<table><tr><td class='c1'>{site}</td></tr><tr><td><div id='zoom'>{PARAGRAPHS}</div></td></tr></table>",
        f"{site} - 政策文件 - 万盛经开区管委会",
    )
    assert clean(in_a_cell).title == site
    headline = "<p><strong>关于印发万盛经开区<br>高新技术产业发展行动计划的通知</strong></p>"
    broken = _page(f"<div class='con'>{headline}{PARAGRAPHS}</div>", f"{site}_万盛经开区")
    assert clean(broken).title == site
    counted = _page(f"<div class='art'><p class='t'>{site}</p>{PARAGRAPHS}</div>", f"{site}(浏览 1234 次)")
    assert clean(counted).title == site


def test_the_peer_benchmark_pages():
    """19 pages of a public extraction benchmark (news, portals, blogs, a WeChat article), scored
    with the shared scorer's metric against its human gold."""
    sys.path.insert(0, str(SHARED / "corpus"))
    from score import prf

    peer = SHARED / "corpus" / "peer"
    scores = {
        g["file"]: prf(clean((peer / "pages" / g["file"]).read_bytes()).text, g["body_text"])[2]
        for g in json.loads((peer / "gold.json").read_text(encoding="utf-8"))
    }
    assert sum(scores.values()) / len(scores) >= 0.93
    assert min(scores.values()) >= 0.5, {f: round(s, 3) for f, s in scores.items() if s < 0.5}
