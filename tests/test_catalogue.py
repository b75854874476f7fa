"""Catalogue tables (政府信息公开目录): each row's 索引号, 文号, 发文机关 and dates become its
document's metadata where the document's own page does not say them — read off the listing,
then stored through a real crawl of a local site."""

from __future__ import annotations

from sqlalchemy import select

from crawler.links import read_listing
from storage import Document

from .hostile import HostileSite

HEADER = "<tr><th>索引号</th><th>名称</th><th>文号</th><th>发文机关</th><th>成文日期</th><th>发布日期</th></tr>"
ROW = (
    "<tr><td>11640000/2024-0{n}</td><td><a href='/gk/t{n}.html'>关于印发某某办法第{n}号的通知</a></td>"
    "<td>宁政办发〔2024〕{n}号</td><td>宁夏回族自治区人民政府办公厅</td><td>2024-05-0{n}</td><td>2024年5月1{n}日</td></tr>"
)
ROWS = "".join(ROW.format(n=n) for n in range(1, 4))
CATALOGUE = f"<html><body><table class='gk'>{HEADER}{ROWS}</table></body></html>"


def test_a_catalogue_row_is_its_documents_metadata():
    listing = read_listing(CATALOGUE.encode(), "http://gov.example.cn/gk/index.html", {"gov.example.cn"})
    assert len(listing.documents) == 3
    assert listing.catalogue["http://gov.example.cn/gk/t2.html"] == {
        "index_number": "11640000/2024-02",
        "doc_number": "宁政办发〔2024〕2号",
        "issuer": "宁夏回族自治区人民政府办公厅",
        "signed_on": "2024-05-02",
        "publish_date": "2024-05-12",
    }
    items = "<ul><li><a href='/a.html'>关于某某事项的通知</a></li></ul>".encode()
    plain = read_listing(items, "http://gov.example.cn/", {"gov.example.cn"})
    assert plain.catalogue == {}


def test_the_catalogue_fills_what_a_page_does_not_say(workspace):
    page = (
        "<html><head><title>关于印发某某办法第1号的通知</title></head><body><h1>关于印发某某办法第1号的通知</h1>"
        "<div class='info'>发布日期：2024-05-20</div>"
        "<p>各市、县（区）人民政府，自治区政府各部门：现将《某某办法》印发给你们，请认真贯彻执行。</p>"
        "</body></html>"
    )
    with HostileSite() as site:
        site.page("/gk/index.html", CATALOGUE)
        for n in range(1, 4):
            site.page(f"/gk/t{n}.html", page.replace("第1号", f"第{n}号"))
        workspace.write_seed("gk", f'start_urls = ["{site.url("/gk/index.html")}"]\n')
        workspace.crawl("gk")
    with workspace.db.session() as session:
        document = session.scalar(select(Document).where(Document.url.like("%/gk/t2.html")))
        meta = document.current_version.meta
    assert meta["doc_number"] == "宁政办发〔2024〕2号" and meta["index_number"] == "11640000/2024-02"
    assert meta["issuer"] == "宁夏回族自治区人民政府办公厅" and meta["signed_on"] == "2024-05-02"
    assert meta["publish_date"] == "2024-05-20"  # the page's own date wins over the catalogue's
