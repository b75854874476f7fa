"""Search as people type it — all words, "a phrase", -excluded, a OR b, a 文号, an issuer,
traditional characters — on SQLite and on the test PostgreSQL, from the library and the command."""

from __future__ import annotations

import json

import pytest

from storage import Database, Run, queries, search, utcnow
from storage.recording import Content, record_document
from storage.runs import ensure_source
from storage.search_query import parse, snippet

from .postgres import postgres_server

DOCUMENTS = {
    "a": (
        "高新区考核办法",
        "为规范高新区的年度考核，制定本办法。考核结果向社会公开。",
        "宁政办发〔2021〕35号",
        "宁夏回族自治区人民政府办公厅",
    ),
    "b": ("高新区发展规划", "到2025年，高新区产值超过五百亿元。", "", "某某市人民政府"),
    "c": ("安全生产考核细则", "对各单位安全生产工作进行考核。", "", "某某市应急管理局"),
}


def test_the_query_language():
    query = parse('高新區 "年度考核" -规划 安全 OR 生产', search.tokens)
    assert [[p.text for p in clause] for clause in query.clauses] == [["高新区"], ["年度考核"], ["安全", "生产"]]
    assert [p.text for p in query.excluded] == ["规划"]  # traditional 區 read as 区
    assert parse("- OR", search.tokens).empty
    pieces = snippet("前文" * 40 + "高新区的年度考核" + "后文" * 40, parse("年度考核 高新区", search.tokens))
    assert [text for text, hit in pieces if hit] == ["高新区", "年度考核"]
    assert pieces[0][0].startswith("…")


def _fill(db: Database) -> None:
    with db.session() as session:
        source = ensure_source(session, "gov")
        run = Run(source_id=source.id, started_at=utcnow(), status="running")
        session.add(run)
        session.flush()
        for key, (title, text, number, issuer) in DOCUMENTS.items():
            url = f"http://gov.example.cn/{key}.html"
            meta = {"doc_number": number or None, "issuer": issuer}
            content = Content(title=title, text=text, content_hash=key * 8, meta=meta, raw_html=b"<html></html>")
            record_document(session, run.id, source.id, url, outcome="ok", http_status=200, content=content)
        assert search.update_index(session) == len(DOCUMENTS)


def _found(db: Database, q: str) -> set[str]:
    with db.session() as session:
        urls = {d.url for d in queries.documents(session, queries.DocumentFilter(q=q)).documents}
    return {url.rsplit("/", 1)[1][0] for url in urls}


CASES = [
    ("高新区 考核", {"a"}),  # every word, anywhere
    ('"高新区考核"', {"a"}),
    ("考核 -高新区", {"c"}),
    ("规划 OR 细则", {"b", "c"}),
    ("宁政办发〔2021〕35号", {"a"}),  # its own 文号
    ("应急管理局", {"c"}),  # its issuer
    ("高新區", {"a", "b"}),  # traditional finds simplified
    ("-考核", set()),  # nothing wanted: nothing found
]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'search.db'}")
        return
    with postgres_server() as url:
        yield Database(url)


@pytest.mark.services
def test_search_means_the_same_on_both_databases(database):
    _fill(database)
    for query, expected in CASES:
        assert _found(database, query) == expected, query


def test_the_search_command(workspace, site):
    site.publish("kjfw", "wansheng-plan")
    site.publish("zfxxgk", "yunnan-opinion")
    workspace.crawl()
    rows = json.loads(workspace.cli("search", "高新區 考核", "--json").stdout)
    assert rows and {"id", "title", "url", "snippet"} <= set(rows[0])
    assert "【" in rows[0]["snippet"]
    others = json.loads(workspace.cli("search", "高新区 -万盛", "--json").stdout)
    assert [row["source"] for row in others] == ["zfxxgk"]  # its title is in traditional characters
