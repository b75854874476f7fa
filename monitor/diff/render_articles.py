"""A 修订对照表 (the article-by-article comparison, articles.py) for the terminal, as CSV for a
spreadsheet, and as an HTML table that pastes into Word. Crawled text is escaped in HTML by
Jinja2's autoescaping; on the terminal by the CLI's safe stream."""

from __future__ import annotations

import csv
import io

from ..present import spreadsheet_cell
from .articles import Row
from .render_html import template
from .render_text import mark

STATUS_WORDS = {
    "same": "未修改",
    "renumbered": "仅调整序号",
    "changed": "修改",
    "moved": "调整位置",
    "added": "新增",
    "removed": "删除",
}


def articles_text(rows: list[Row], *, color: bool = False) -> str:
    """The rows that changed, each with its character diff; unchanged rows counted."""
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_WORDS}
    lines = [", ".join(f"{n} {status}" for status, n in counts.items() if n)]
    for row in rows:
        if row.status in ("same", "renumbered"):
            continue
        numbers = f"{row.old.number if row.old else '—'} → {row.new.number if row.new else '—'}"
        lines.append(f"\n{numbers}  {row.status}")
        shown = row.new or row.old
        if row.status == "changed":
            lines.append(mark(row.segments, color))
        elif shown is not None:
            lines.append(shown.text)
    return "\n".join(lines) + "\n"


def articles_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["原条文序号", "原条文", "修订后条文序号", "修订后条文", "修改情况"])
    for row in rows:
        old, new = row.old, row.new
        cells = [
            old.number if old else "",
            old.text if old else "",
            new.number if new else "",
            new.text if new else "",
            STATUS_WORDS[row.status],
        ]
        writer.writerow([spreadsheet_cell(cell) for cell in cells])
    return out.getvalue()


def articles_html(rows: list[Row], old_title: str, new_title: str) -> str:
    return template("articles_page.html").render(
        rows=rows, words=STATUS_WORDS, old_title=old_title, new_title=new_title
    )


def articles_fragment(rows: list[Row]) -> str:
    """The 修订对照表 alone, for the web diff's articles view."""
    return template("articles_table.html").render(rows=rows, words=STATUS_WORDS)
