"""Documents as government offices write them (GB/T 9704): a notice whose addressee, attachment
list, signature, date and note sit in elements of their own around a one-paragraph body; a
penalty disclosure that is only a table, with cells spanning rows; a 公示 of names; a page whose
<title> is only the site's name; a body beside a footer written in sentences. Synthetic pages of
each kind, with the chrome real templates carry (menu, rail, share widget, footer)."""

from __future__ import annotations

import json
import subprocess

from crawler.cleaning import clean

from .conftest import POLICYWATCH

HEADER = (
    "<div class='top'><div class='logo'>某某省人民政府</div><ul class='nav'>"
    + "".join(f"<li><a href='/{n}/'>{n}</a></li>" for n in ("首页", "政务公开", "新闻中心", "办事服务", "互动交流"))
    + "</ul></div><div class='crumb'>当前位置：<a href='/'>首页</a> &gt; <a href='/zwgk/'>政务公开</a></div>"
)
RAIL = (
    "<div class='side'><h3>热点信息</h3><ul>"
    + "".join(f"<li><a href='/a{n}'>省政府召开第{n}次常务会议研究部署经济工作</a></li>" for n in range(1, 5))
    + "</ul></div>"
)
# A footer in sentences: it scores as prose unless the document around it is recognised.
FOOTER = (
    "<div class='bottom'><p>网站地图 | 联系我们 | 使用帮助</p>"
    "<p>主办：某某省人民政府办公厅　地址：某某市人民路1号，邮编：100000，联系电话：0000-12345678。"
    "为确保最佳浏览效果，建议您使用Chrome或Firefox浏览器，并使用1366×768以上分辨率浏览本网站。</p>"
    "<p>本网站所有内容，未经书面许可，任何单位和个人不得转载、摘编或以其他方式使用，违者必究。"
    "网站由某某省人民政府办公厅负责维护，信息内容由各有关部门提供，如有疑问请与有关部门联系。</p></div>"
)


def _page(article: str, tab_title: str = "某某省人民政府") -> bytes:
    body = f"{HEADER}<div class='main'>{RAIL}<div class='article'>{article}</div></div>{FOOTER}"
    return f"<html><head><meta charset='utf-8'><title>{tab_title}</title></head><body>{body}</body></html>".encode()


NOTICE = _page(
    "<div class='tit'>某某省人民政府办公厅关于印发某某省数字政府建设实施方案的通知</div>"
    "<div class='info'><span>发布时间：2024-06-03</span><span>浏览次数：2391</span></div>"
    "<div class='zs'>各市、县（区）人民政府，省政府各部门、各直属机构：</div>"
    "<div class='TRS_Editor'><p>《某某省数字政府建设实施方案》已经省政府同意，现印发给你们，"
    "请结合实际认真贯彻落实。</p></div>"
    "<div class='fj'>附件：<a href='/f/a.pdf'>1．某某省数字政府建设实施方案</a><br>"
    "<a href='/f/b.docx'>2．重点任务分工表</a><br><a href='/f/c.xlsx'>3．责任清单</a></div>"
    "<div class='lk'><p>某某省人民政府办公厅</p><p>2024年5月30日</p></div>"
    "<div class='fz'><p>（此件公开发布）</p></div>"
    "<div class='share'>分享到：微信 | 微博 | 更多</div>"
)


def test_a_notice_keeps_its_addressee_attachment_list_signature_date_and_note():
    doc = clean(NOTICE, "http://www.example.gov.cn/zwgk/t1.html")
    lines = doc.text.splitlines()
    assert lines == [
        "各市、县（区）人民政府，省政府各部门、各直属机构：",
        "《某某省数字政府建设实施方案》已经省政府同意，现印发给你们，请结合实际认真贯彻落实。",
        "附件：1．某某省数字政府建设实施方案",
        "2．重点任务分工表",
        "3．责任清单",
        "某某省人民政府办公厅",
        "2024年5月30日",
        "（此件公开发布）",
    ]
    assert doc.title == "某某省人民政府办公厅关于印发某某省数字政府建设实施方案的通知"  # not the site's name
    meta = doc.meta
    assert meta.addressee == lines[0]
    assert meta.attachment_notes == lines[2:5]
    assert (meta.signatory, meta.signed_on, meta.note) == ("某某省人民政府办公厅", "2024-05-30", "（此件公开发布）")
    assert meta.publish_date == "2024-06-03"


PENALTY = _page(
    "<h2 class='title'>某某市市场监督管理局行政处罚信息公开表（2024年第5期）</h2>"
    "<div class='info'>发布日期：2024-05-20</div><table border='1'>"
    "<tr><th>序号</th><th>决定书文号</th><th>当事人名称</th><th>违法行为类型</th><th>处罚内容</th></tr>"
    "<tr><td>1</td><td>某市监罚〔2024〕101号</td><td rowspan='2'>某某食品有限公司</td><td>销售过期食品</td>"
    "<td>罚款五千元</td></tr>"
    "<tr><td>2</td><td>某市监罚〔2024〕102号</td><td>未按规定标注生产日期</td><td>警告</td></tr>"
    "<tr><td>3</td><td>某市监罚〔2024〕103号</td><td>某某药房</td><td>未凭处方销售处方药</td><td>罚款二千元</td></tr>"
    "</table>",
    tab_title="行政处罚信息公开表_某某市市场监督管理局",
)


def test_a_penalty_table_is_the_document_one_row_a_line_with_its_spans_resolved():
    doc = clean(PENALTY, "http://www.example.gov.cn/xzcf/t2.html")
    assert doc.text.splitlines() == [
        "序号\t决定书文号\t当事人名称\t违法行为类型\t处罚内容",
        "1\t某市监罚〔2024〕101号\t某某食品有限公司\t销售过期食品\t罚款五千元",
        "2\t某市监罚〔2024〕102号\t某某食品有限公司\t未按规定标注生产日期\t警告",  # the spanned cell, copied
        "3\t某市监罚〔2024〕103号\t某某药房\t未凭处方销售处方药\t罚款二千元",
    ]
    assert "浏览效果" not in doc.text and "违者必究" not in doc.text  # the footer's sentences
    assert doc.title == "某某市市场监督管理局行政处罚信息公开表（2024年第5期）"


def test_a_changed_cell_is_a_changed_line():
    edited = clean(PENALTY.replace("警告".encode(), "罚款三千元".encode()), "http://www.example.gov.cn/xzcf/t2.html")
    before = clean(PENALTY, "http://www.example.gov.cn/xzcf/t2.html").text.splitlines()
    after = edited.text.splitlines()
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [2]


def test_a_gongshi_keeps_its_name_list_and_signature():
    rows = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>某某农业大学</td><td>果树栽培</td></tr>"
        for n, name in enumerate(["王一", "李二", "赵三", "钱四", "孙五"], 1)
    )
    page = _page(
        "<h1>关于2024年度省级科技特派员拟认定名单的公示</h1><div class='content'>"
        "<p>经个人申报、单位推荐、专家评审，现将拟认定名单予以公示。公示期为2024年7月1日至7月7日。</p>"
        f"<table><tr><td>序号</td><td>姓名</td><td>工作单位</td><td>服务领域</td></tr>{rows}</table>"
        "<p>某某省科学技术厅</p><p>2024年7月1日</p></div>",
        tab_title="某某省科学技术厅",
    )
    doc = clean(page, "http://kjt.example.gov.cn/tzgg/t3.html")
    assert "5\t孙五\t某某农业大学\t果树栽培" in doc.text.splitlines()
    assert doc.text.endswith("某某省科学技术厅\n2024年7月1日")
    assert doc.title == "关于2024年度省级科技特派员拟认定名单的公示"
    assert "热点信息" not in doc.text and "常务会议" not in doc.text


def test_a_calendar_or_a_label_table_is_no_document():
    days = "".join("<tr>" + "".join(f"<td>{d}</td>" for d in range(w * 7 + 1, w * 7 + 8)) + "</tr>" for w in range(4))
    page = _page(f"<table class='calendar'>{days}</table><p>这里是一篇很短的文章，只有一句话。</p>")
    assert "1\t2\t3" not in clean(page).text


def test_clean_json_carries_the_official_elements(tmp_path):
    page = tmp_path / "notice.html"
    page.write_bytes(NOTICE)
    out = subprocess.run(
        [str(POLICYWATCH), "clean", "--json", str(page)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    meta = json.loads(out.splitlines()[0])["meta"]
    assert meta["addressee"] == "各市、县（区）人民政府，省政府各部门、各直属机构："
    assert meta["signed_on"] == "2024-05-30"
    assert meta["attachment_notes"][0] == "附件：1．某某省数字政府建设实施方案"


def test_a_hostile_rowspan_cannot_grow_a_page_without_bound():
    rows = (
        "<tr><td rowspan='65534'>甲</td><td rowspan='65534'>乙</td><td>一</td></tr>" + "<tr><td>二</td></tr>" * 30_000
    )
    doc = clean(f"<html><body><table>{rows}</table></body></html>")
    assert doc.text.count("甲") <= 20_001
