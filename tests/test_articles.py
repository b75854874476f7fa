"""Article by article: a 30-article 办法 revised with one article inserted and two edited reads as
exactly those three rows, the rest renumbered; from the command line (JSON, CSV, the HTML table)
on a real crawl of a local site."""

from __future__ import annotations

import csv
import io
import json

from monitor.demo.samples import Sample
from monitor.diff.articles import compare_articles, split_articles

_DIGITS = "一二三四五六七八九"


def _chinese(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens - 1] + "十")) + (
        _DIGITS[ones - 1] if ones else ""
    )


ARTICLES = [f"第{n}项事务由主管部门负责，办理期限为{n + 4}个工作日，逾期未办的应当说明理由。" for n in range(1, 31)]


def _measures(articles: list[str]) -> str:
    lines = ["第一章　总则", *(f"第{_chinese(n)}条　{text}" for n, text in enumerate(articles, 1))]
    return "\n".join(lines)


def _revised() -> list[str]:
    revised = [*ARTICLES[:4], "数据安全由网信部门统筹协调，各部门按照职责分工负责。", *ARTICLES[4:]]
    revised[10] = revised[10].replace("14个工作日", "5个工作日")  # the old 第十条
    revised[21] = revised[21].replace("应当说明理由", "应当书面说明理由")  # the old 第二十一条
    return revised


def test_one_article_inserted_and_two_edited_are_exactly_three_rows():
    rows = compare_articles(_measures(ARTICLES), _measures(_revised()))
    moved = [(r.old.number if r.old else None, r.new.number if r.new else None, r.status) for r in rows]
    assert [m for m in moved if m[2] not in ("same", "renumbered")] == [
        (None, "第五条", "added"),
        ("第十条", "第十一条", "changed"),
        ("第二十一条", "第二十二条", "changed"),
    ]
    assert sum(r.status == "renumbered" for r in rows) == 30 - 4 - 2
    assert [r.status for r in rows[:5]] == ["same"] * 5  # the heading and the first four articles
    changed = next(r for r in rows if r.status == "changed")
    assert [s.text for s in changed.segments if s.op != "equal"] == ["14个", "5个"]


def test_removed_and_moved_articles_and_paragraphs_of_an_article():
    old = "第一条　甲的规定。\n第二条　乙的规定。\n其第二款。\n第三条　丙的规定。\n第四条　丁的规定。"
    new = "第一条　甲的规定。\n第二条　丁的规定。\n第三条　乙的规定。\n其第二款。"
    assert split_articles(old)[1].text == "乙的规定。\n其第二款。"
    statuses = {(r.old.number if r.old else None): r.status for r in compare_articles(old, new)}
    assert statuses == {"第一条": "same", "第二条": "renumbered", "第三条": "removed", "第四条": "moved"}


def path_url(site, path: str) -> str:
    return site.base_url + path


def test_articles_from_the_command_line(workspace, site, tmp_path):
    sample = Sample(name="measures", title="某某市政务服务事项办理办法", paragraphs=_measures(ARTICLES).splitlines())
    path = site.publish("kjfw", sample)
    workspace.crawl()
    site.pages[path].sample.paragraphs = _measures(_revised()).splitlines()
    workspace.crawl()
    [changed] = workspace.changes("--kind", "changed")

    rows = json.loads(workspace.cli("diff", str(changed["id"]), "--articles", "--json").stdout)
    assert set(rows[0]) == {"old_no", "new_no", "status", "old", "new"}
    assert [(r["old_no"], r["new_no"]) for r in rows if r["status"] == "changed"] == [
        ("第十条", "第十一条"),
        ("第二十一条", "第二十二条"),
    ]
    table = tmp_path / "table.csv"
    workspace.cli("diff", str(changed["id"]), "--articles", "--csv", str(table))
    read = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert read[0][-1] == "修改情况" and sum(r[-1] == "新增" for r in read) == 1
    page = tmp_path / "table.html"
    workspace.cli("diff", str(changed["id"]), "--articles", "--html", str(page))
    assert "<del>14个</del>" in page.read_text(encoding="utf-8")
    text = workspace.cli("diff", str(changed["id"]), "--articles").stdout
    assert "第十条 → 第十一条  changed" in text and "[-14个-]{+5个+}" in text

    itself = json.loads(workspace.cli("compare", path_url(site, path), "1", "--articles", "--json").stdout)
    assert {r["status"] for r in itself} == {"same"}
