"""Synthetic listing pages in the shapes government CMSs write, each with its gold: the document
links a reader would follow and the next page (or that only a browser can turn it). Titles,
dates and chrome are varied per shape; none is a copy of a real site's page."""

from __future__ import annotations

from dataclasses import dataclass, field

HOST = "http://www.example.gov.cn"
_TITLES = [
    "关于做好2024年度安全生产工作的通知",
    "关于印发《某某市数字政府建设实施方案》的通知",
    "关于公布第三批市级众创空间名单的公示",
    "关于开展2024年高新技术企业认定工作的通知",
    "某某市人民政府关于调整最低工资标准的批复",
    "关于征求《某某条例（草案）》意见的公告",
    "关于进一步优化营商环境的若干措施",
    "关于做好2024年防汛抗旱工作的通知",
]
_NAV = "".join(
    f"<li><a href='/{p}/'>{t}</a></li>" for p, t in [("", "首页"), ("zwgk", "政务公开"), ("bsfw", "办事服务")]
)
_RAIL = "".join(f"<li><a href='/hot/{n}.html'>省领导调研重点项目建设情况第{n}期</a></li>" for n in range(1, 6))
_CHROME_TOP = f"<div class='header'><ul class='nav'>{_NAV}</ul></div>"
_CHROME_SIDE = f"<div class='side'><h3>热点新闻</h3><ul>{_RAIL}</ul></div>"
_FOOTER = "<div class='footer'>主办单位：某某市人民政府办公室 网站标识码：1100000001 ICP备00000000号</div>"


@dataclass
class Shape:
    name: str
    url: str
    html: str
    documents: list[str]
    next_page: str | None  # None: the page has no next page
    script_pager: bool = False  # the next page only a browser can turn
    notes: list[str] = field(default_factory=list)


def _page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'><title>通知公告</title></head><body>{_CHROME_TOP}{_CHROME_SIDE}{body}{_FOOTER}</body></html>"


def _items(paths: list[str], dated: bool = True, tag: str = "li") -> str:
    rows = []
    for n, path in enumerate(paths):
        date = f"<span class='date'>2024-05-{n + 1:02d}</span>" if dated else ""
        rows.append(f"<{tag}><a href='{path}' target='_blank'>{_TITLES[n % len(_TITLES)]}</a>{date}</{tag}>")
    return "".join(rows)


def _trs() -> Shape:
    paths = [f"./202405/t202405{n:02d}_{1000 + n}.html" for n in range(1, 9)]
    body = f'<div class=\'list\'><ul>{_items(paths)}</ul></div><script>createPageHTML(12, 0, "index", "html");</script>'
    url = f"{HOST}/zwgk/tzgg/index.html"
    return Shape(
        "TRS WCM, script pager",
        url,
        _page(body),
        [f"{HOST}/zwgk/tzgg/{p[2:]}" for p in paths],
        f"{HOST}/zwgk/tzgg/index_1.html",
    )


def _hanweb() -> Shape:
    paths = [f"/art/2024/5/{n}/art_1229_{5000 + n}.html" for n in range(1, 9)]
    records = "".join(f"<record><![CDATA[{_items([p])}]]></record>" for p in paths)
    body = (
        "<div id='55'><script type='text/xml'><datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1\"></a>]]></nextgroup>"
        f"<recordset>{records}</recordset></datastore></script></div>"
        "<div class='pager'><a href='/col/col1229/index.html?uid=55&pageNum=2'>下一页</a></div>"
    )
    url = f"{HOST}/col/col1229/index.html"
    return Shape(
        "Hanweb JCMS, <datastore>",
        url,
        _page(body),
        [HOST + p for p in paths],
        f"{HOST}/col/col1229/index.html?uid=55&pageNum=2",
    )


def _dede() -> Shape:
    paths = [f"/a/tongzhi/{8000 + n}.html" for n in range(1, 9)]
    pages = "".join(f"<li><a href='list_3_{n}.html'>{n}</a></li>" for n in range(2, 6))
    body = (
        f"<ul class='e2'>{_items(paths)}</ul><ul class='pagelist'><li class='thisclass'>1</li>{pages}"
        "<li><a href='list_3_2.html'>下一页</a></li><li><a href='list_3_9.html'>末页</a></li></ul>"
    )
    url = f"{HOST}/a/tongzhi/"
    return Shape("DedeCMS", url, _page(body), [HOST + p for p in paths], f"{HOST}/a/tongzhi/list_3_2.html")


def _phpcms() -> Shape:
    docs = [f"{HOST}/index.php?m=content&c=index&a=show&catid=12&id={300 + n}" for n in range(1, 9)]
    body = f"<div class='col-left'><ul class='list lh24 f14'>{_items(docs)}</ul></div>"
    body += f"<div id='pages'><a class='a1'>共96条</a><span>1</span><a href='{HOST}/index.php?m=content&c=index&a=lists&catid=12&page=2'>2</a>"
    body += f"<a href='{HOST}/index.php?m=content&c=index&a=lists&catid=12&page=3'>3</a></div>"
    url = f"{HOST}/index.php?m=content&c=index&a=lists&catid=12"
    return Shape(
        "PHPCMS, absolute links, ?page=N",
        url,
        _page(body),
        docs,
        f"{HOST}/index.php?m=content&c=index&a=lists&catid=12&page=2",
    )


def _catalogue() -> Shape:
    paths = [f"/zwgk/gkml/202405/t202405{n:02d}_{700 + n}.html" for n in range(1, 9)]
    rows = "".join(
        f"<tr><td>11640000/2024-0{n}</td><td><a href='{p}'>{_TITLES[n % 8]}</a></td><td>某政办发〔2024〕{n}号</td><td>2024-05-{n:02d}</td></tr>"
        for n, p in enumerate(paths, 1)
    )
    body = f"<table class='gkml'><tr><th>索引号</th><th>名称</th><th>文号</th><th>发布日期</th></tr>{rows}</table>"
    body += "<a href='index_1.html'>下一页</a>"
    url = f"{HOST}/zwgk/gkml/index.html"
    return Shape(
        "catalogue table (政府信息公开目录)",
        url,
        _page(body),
        [HOST + p for p in paths],
        f"{HOST}/zwgk/gkml/index_1.html",
    )


def _panes() -> Shape:
    a = [f"/zwgk/tzgg/t{n}.html" for n in range(1, 6)]
    b = [f"/zwgk/zcwj/t{n}.html" for n in range(1, 6)]
    body = (
        "<ul class='tabs'><li class='on'>通知公告</li><li>政策文件</li></ul>"
        f"<div class='tab-con on'><ul>{_items(a)}</ul></div><div class='tab-con' style='display:none'><ul>{_items(b)}</ul></div>"
    )
    return Shape("section page, tab panes", f"{HOST}/zwgk/index.html", _page(body), [HOST + p for p in a + b], None)


def _countdown() -> Shape:
    paths = [f"/xxgk/{9100 + n}.html" for n in range(1, 9)]
    hidden = (
        "<div style='display:none'><a href='index_958_198.html'>下一页</a><a href='index_958_1.html'>尾页</a></div>"
    )
    body = f"<ul class='list'>{_items(paths)}</ul><div id='page_div'></div><script>pageCountDown(199, 199);</script>{hidden}"
    url = f"{HOST}/xxgk/index_958.html"
    return Shape(
        "script pager counting down, static links hidden",
        url,
        _page(body),
        [HOST + p for p in paths],
        f"{HOST}/xxgk/index_958_198.html",
    )


def _onclick() -> Shape:
    paths = [f"/tzgg/{n}.html" for n in range(1, 9)]
    body = f"<ul class='list'>{_items(paths)}</ul><a href='javascript:void(0)' onclick='nextPage()'>下一页</a><script>function nextPage(){{}}</script>"
    return Shape("onclick pager", f"{HOST}/tzgg/", _page(body), [HOST + p for p in paths], None, script_pager=True)


def _one_a_page() -> Shape:
    body = (
        "<table width='760'><tr><td class='newslist'><a href='/news/2024/0506/t1.html'>关于做好2024年度防汛工作的通知</a></td>"
        "<td>2024-05-06</td></tr></table><table><tr><td><a href='list_2.html'>下一页</a> <a href='list_31.html'>尾页</a></td></tr></table>"
    )
    return Shape(
        "old table template, one entry a page",
        f"{HOST}/news/list.html",
        _page(body),
        [f"{HOST}/news/2024/0506/t1.html"],
        f"{HOST}/news/list_2.html",
    )


def _gazette() -> Shape:
    paths = [f"/gb/2024/05/{n}.html" for n in range(1, 9)]
    body = f"<div class='side01'><h2>2024年第5期目录</h2><ul>{_items(paths, dated=False)}</ul></div>"
    return Shape(
        "gazette contents, undated, in a column named side01",
        f"{HOST}/gb/2024/05/",
        _page(body),
        [HOST + p for p in paths],
        None,
    )


def _dated_table() -> Shape:
    paths = [f"/zfxxgk/fdzdgknr/{n}.shtml" for n in range(1, 9)]
    rows = (
        _items(paths, tag="tr")
        .replace("<tr><a", "<tr><td><a")
        .replace("</a><span", "</a></td><td><span")
        .replace("</span></tr>", "</span></td></tr>")
    )
    body = f"<table class='tb'>{rows}</table><div class='page'><a href='index_2.shtml'>下一页</a></div>"
    return Shape(
        "dated rows in a table (集约化 column)",
        f"{HOST}/zfxxgk/fdzdgknr/index.shtml",
        _page(body),
        [HOST + p for p in paths],
        f"{HOST}/zfxxgk/fdzdgknr/index_2.shtml",
    )


def shapes() -> list[Shape]:
    return [
        _trs(),
        _hanweb(),
        _dede(),
        _phpcms(),
        _catalogue(),
        _panes(),
        _countdown(),
        _onclick(),
        _one_a_page(),
        _gazette(),
        _dated_table(),
    ]
