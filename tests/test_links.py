"""Reading listing pages: the document list, not the menus and sidebars; the next page."""

from __future__ import annotations

import pytest

from crawler.links import read_listing
from monitor.demo.samples import load_sample, sample_names
from monitor.demo.site import DemoSite

HOSTS = {"127.0.0.1"}


@pytest.mark.parametrize("count", [1, 2, 7])
def test_each_template_yields_exactly_its_documents(count):
    site = DemoSite()
    names = sample_names()
    published = {
        section: [site.publish(section, load_sample(names[n])) for n in range(count)] for section in site.sections
    }
    for section, paths in published.items():
        url = site.listing_url(section)
        for _ in range(3):  # the sidebar rotates on every request
            listing = read_listing(site.render(site.sections[section].prefix + "index.html")[2], url, HOSTS)
            assert sorted(listing.documents) == sorted(site.url(p) for p in paths), section


def test_pagination_by_next_link_numbered_pages_and_trs_script():
    base = "http://gov.example.cn/zwgk/tzgg/index.html"
    by_link = read_listing(
        "<ul><li><a href='a.html'>关于某某事项的通知</a></li></ul><a href='index_1.html'>下一页</a>".encode(),
        base,
        {"gov.example.cn"},
    )
    assert by_link.next_pages == ["http://gov.example.cn/zwgk/tzgg/index_1.html"]
    by_script = read_listing(
        b'<ul><li><a href=\'a.html\'>x</a></li></ul><script>createPageHTML(7, 2, "index", "shtml");</script>',
        "http://gov.example.cn/zwgk/tzgg/index_2.shtml",
        {"gov.example.cn"},
    )
    assert by_script.next_pages == ["http://gov.example.cn/zwgk/tzgg/index_3.shtml"]
    by_number = read_listing(
        b"<a href='index_1.html'>2</a><a href='index_2.html'>3</a><a href='index_5.html'>6</a>",
        base,
        {"gov.example.cn"},
    )
    assert by_number.next_pages == ["http://gov.example.cn/zwgk/tzgg/index_1.html"]


def test_pattern_override_and_other_hosts():
    page = (
        "<div class='list'><a href='/art/2024/1.html'>关于开展专项检查工作的通知</a>"
        "<a href='/art/2024/2.html'>关于公布检查结果的公告内容</a>"
        "<a href='http://other.example.com/art/3.html'>其他网站的一篇很长的文章标题</a></div>"
        "<div class='links'><a href='/special/x.html'>专题专栏：优化营商环境</a></div>"
    ).encode()
    listing = read_listing(page, "http://gov.example.cn/list/", {"gov.example.cn"}, document_pattern=r"/art/\d{4}/")
    assert listing.documents == ["http://gov.example.cn/art/2024/1.html", "http://gov.example.cn/art/2024/2.html"]
    automatic = read_listing(page, "http://gov.example.cn/list/", {"gov.example.cn"})
    assert "http://other.example.com/art/3.html" not in automatic.documents


def test_broken_html_gives_an_empty_listing_not_an_error():
    assert read_listing(b"", "http://gov.example.cn/", {"gov.example.cn"}).documents == []
    assert read_listing(b"\x00\xff<<<a href=", "http://gov.example.cn/", {"gov.example.cn"}).documents == []


def test_rows_marked_odd_and_even_are_one_list_and_the_sidebar_is_not():
    rows = "".join(
        f"<tr class='{'odd' if n % 2 else 'even'}'><td><a href='/zcwj/{n}.html'>关于印发第{n}号文件的通知</a></td>"
        f"<td>2024-0{n % 9 + 1}-01</td></tr>"
        for n in range(8)
    )
    sidebar = "".join(f"<li><a href='/news/{n}.html'>热点新闻标题第{n}条很长的标题</a></li>" for n in range(6))
    page = (
        f"<div class='main'><table class='list'>{rows}</table></div>"
        f"<div class='side'><h3>热点新闻</h3><ul>{sidebar}</ul></div>"
    ).encode()
    listing = read_listing(page, "http://gov.example.cn/zcwj/index.html", {"gov.example.cn"})
    assert listing.documents == [f"http://gov.example.cn/zcwj/{n}.html" for n in range(8)]


def test_hanweb_records_rendered_by_javascript_are_read():
    records = "".join(
        f'<record><![CDATA[<li><a href="/art/2024/3/{n}/art_1229_{n}.html">关于开展第{n}批专项行动的通知</a>'
        f"<span>2024-03-0{n}</span></li>]]></record>"
        for n in (1, 2)
    )
    page = (
        '<html><body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div><div id="4399">'
        '<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/x.jsp">下一组</a>]]></nextgroup>'
        f"<recordset>{records}</recordset></datastore></script></div></body></html>"
    ).encode()
    listing = read_listing(page, "http://zj.example.gov.cn/col/col1229/index.html", {"zj.example.gov.cn"})
    assert listing.documents == [f"http://zj.example.gov.cn/art/2024/3/{n}/art_1229_{n}.html" for n in (1, 2)]


def test_a_listing_of_wechat_articles():
    """Offices list their WeChat articles on their own site; each is a document, under one
    address whatever the per-share parameters say."""
    items = "".join(
        f"<li><a href='https://mp.weixin.qq.com/s?__biz=MzA{n}&mid=265{n}&idx=1&sn=ab{n}&chksm=x{n}&scene=21#rd'>"
        f"关于开展第{n}批科技项目申报工作的通知</a><span>2024-05-0{n}</span></li>"
        for n in range(1, 6)
    )
    page = f"<div class='nav'><a href='/'>首页</a></div><ul class='list'>{items}</ul>".encode()
    listing = read_listing(page, "http://gov.example.cn/wx/index.html", {"gov.example.cn"})
    assert listing.documents == [
        f"https://mp.weixin.qq.com/s?__biz=MzA{n}&mid=265{n}&idx=1&sn=ab{n}" for n in range(1, 6)
    ]


GOV = "http://gov.example.cn/zwgk/tzgg/index.html"
HOSTS_GOV = {"gov.example.cn"}


def _items(count: int, date: str = "", prefix: str = "t") -> str:
    return "".join(
        f"<li><a href='{prefix}{n}.html'>关于开展第{n}批专项检查工作的通知</a>{date}</li>" for n in range(count)
    )


def test_dates_without_a_year_make_the_list():
    rail = "".join(
        f"<p><a href='/hot/{n}.html'>全区科技创新大会召开部署第{n}轮创新驱动发展任务</a></p>" for n in range(8)
    )
    page = f"<div class='news'>{rail}</div><ul class='list'>{_items(5, '<span>[03-05]</span>')}</ul>"
    listing = read_listing(page.encode(), GOV, HOSTS_GOV)
    assert listing.documents == [f"http://gov.example.cn/zwgk/tzgg/t{n}.html" for n in range(5)]
    short = read_listing(
        f"<div class='news'>{rail}</div><ul>{_items(5, '<em>10-19</em>')}</ul>".encode(), GOV, HOSTS_GOV
    )
    assert len(short.documents) == 5


def test_a_dated_list_in_a_column_named_like_chrome_is_the_list_and_an_undated_rail_is_weak():
    page = (
        f"<div class='left_box'><ul>{_items(6, '<span>2024-03-05</span>')}</ul></div>"
        "<div class='side01'><a href='/a.html'>专题专栏：优化营商环境行动</a></div>"
    )
    assert len(read_listing(page.encode(), GOV, HOSTS_GOV).documents) == 6
    rail_only = "<div class='side'><ul>" + _items(6) + "</ul></div><div id='app'><ul id='list'></ul></div>"
    listing = read_listing(rail_only.encode(), GOV, HOSTS_GOV)
    # The only list a page has is never ruled out; weak, it sends a crawl on "auto" to a browser.
    assert len(listing.documents) == 6 and listing.weak
    assert not read_listing(page.encode(), GOV, HOSTS_GOV).weak
    named = "<div class='side'><h3>热点新闻</h3><ul>" + _items(6) + "</ul></div>"
    assert read_listing(named.encode(), GOV, HOSTS_GOV).documents == []  # class and heading both say rail


def test_rows_of_a_dated_table_without_a_date_are_not_documents():
    rows = "".join(
        f"<tr><td><a href='d{n}.html'>关于印发第{n}号实施方案的通知</a></td><td>2024-01-0{n + 1}</td></tr>"
        for n in range(5)
    )
    portal = "<tr><td><a href='http://gov.example.cn/jubao/'>在线举报平台入口</a></td><td></td></tr>"
    listing = read_listing(f"<table>{rows}{portal}</table>".encode(), GOV, HOSTS_GOV)
    assert listing.documents == [f"http://gov.example.cn/zwgk/tzgg/d{n}.html" for n in range(5)]


def test_two_lists_side_by_side_and_files_linked_straight():
    left = _items(3, "<span>2024-02-01</span>")
    right = "".join(
        f"<tr><td><a href='/files/p{n}.pdf'>关于印发第{n}批政策文件的通知</a></td><td>2024-02-0{n + 1}</td></tr>"
        for n in range(3)
    )
    page = (
        f"<div class='c1'><h3>通知公告</h3><ul>{left}</ul></div>"
        f"<div class='c2'><h3>政策文件</h3><table>{right}</table></div>"
    )
    listing = read_listing(page.encode(), GOV, HOSTS_GOV)
    assert sorted(listing.documents) == sorted(
        [f"http://gov.example.cn/zwgk/tzgg/t{n}.html" for n in range(3)]
        + [f"http://gov.example.cn/files/p{n}.pdf" for n in range(3)]
    )


def test_the_newer_trs_pager_and_a_more_link_to_the_full_listing():
    pager = b"<script>createPageHTML('page_div', 34, 1, 'list', 'shtml', 680);</script>"
    newer = read_listing(
        b"<ul><li><a href='a.html'>x</a></li></ul>" + pager,
        "http://gov.example.cn/zwgk/tzgg/list_1.shtml",
        HOSTS_GOV,
    )
    assert newer.next_pages == ["http://gov.example.cn/zwgk/tzgg/list_2.shtml"]
    section = (
        f"<div class='box'><div class='hd'><h3>通知公告</h3><a href='/zwgk/tzgg/list.html'>更多>></a></div>"
        f"<ul>{_items(5, '<span>2024-03-05</span>')}</ul></div>"
        "<div class='box2'><h3>图片新闻</h3><a href='/tpxw/list.html'>更多>></a></div>"
    )
    listing = read_listing(section.encode(), "http://gov.example.cn/index.html", HOSTS_GOV)
    assert listing.next_pages == ["http://gov.example.cn/zwgk/tzgg/list.html"]
    assert len(listing.documents) == 5


def test_one_pager_model_for_the_pagers_sites_write():
    """A hidden block of static links under a script-drawn pager; page numbers counting down in
    the addresses (list_958_198.html is page 2); the current page in the middle of the numbers;
    a page parameter."""
    item = "<ul><li><a href='/zw/t1.html'>关于某某事项的通知</a><span>2024-05-06</span></li></ul>"
    hidden = read_listing(
        f"{item}<div id='pager'></div><div style='display:none'><a href='list_958_198.html'>下一页</a></div>".encode(),
        "http://gov.example.cn/zw/list_958.html",
        {"gov.example.cn"},
    )
    assert hidden.next_pages == ["http://gov.example.cn/zw/list_958_198.html"]
    numbers = "<a href='list_958.html'>1</a>" + "".join(f"<a href='list_958_{200 - n}.html'>{n}</a>" for n in (2, 4, 5))
    middle = read_listing(f"{item}{numbers}".encode(), "http://gov.example.cn/zw/list_958_197.html", {"gov.example.cn"})
    assert middle.next_pages == ["http://gov.example.cn/zw/list_958_196.html"]  # page 3 (not linked) → 4
    by_parameter = read_listing(
        f"{item}<a href='?cat=5&page=1'>首页</a><a href='?cat=5&page=3'>尾页</a>".encode(),
        "http://gov.example.cn/zw/list.jsp?cat=5&page=2",
        {"gov.example.cn"},
    )
    assert by_parameter.next_pages == ["http://gov.example.cn/zw/list.jsp?cat=5&page=3"]


def test_every_tab_pane_of_a_section_page_is_read():
    def pane(name: str, shown: bool) -> str:
        style = "" if shown else " style='display:none'"
        items = "".join(
            f"<li><a href='/{name}/t{n}.html'>关于{name}第{n}项工作的通知</a><span>2024-05-0{n}</span></li>"
            for n in range(1, 4)
        )
        return f"<div class='tab-pane{' active' if shown else ''}' id='{name}'{style}><ul>{items}</ul></div>"

    page = (
        f"<ul class='tabs'><li class='on'>通知公告</li><li>政策文件</li></ul>{pane('tzgg', True)}{pane('zcwj', False)}"
    )
    page += "<div class='mobile-menu' style='display:none'><a href='/m/a.html'>手机版首页导航链接</a></div>"
    listing = read_listing(page.encode(), "http://gov.example.cn/zwgk/index.html", {"gov.example.cn"})
    assert sorted(u.rsplit("/", 2)[1] for u in listing.documents) == ["tzgg"] * 3 + ["zcwj"] * 3


def test_a_next_page_only_a_script_can_turn_is_said():
    item = "<ul><li><a href='/zw/t1.html'>关于某某事项的通知</a><span>2024-05-06</span></li></ul>"
    button = read_listing(f"{item}<a href='javascript:void(0)' onclick='load(2)'>下一页</a>".encode(), GOV, HOSTS_GOV)
    assert button.next_pages == [] and button.script_pager
    static = read_listing(f"{item}<a href='index_1.html'>下一页</a>".encode(), GOV, HOSTS_GOV)
    assert static.next_pages and not static.script_pager
