"""Catalogue tables (政府信息公开目录): a listing whose rows are documents and whose columns are
their 索引号, 文号, 发文机关, 成文日期 and 发布日期. The row's cells are the document's metadata as
the office filed it, often more exact than its page shows; the store fills what the page lacks.
Columns are named by the same labels the cleaner reads on document pages (cleaning/meta.py)."""

from __future__ import annotations

from .cleaning.blocks import normalise_space
from .cleaning.dom import Element, text_of
from .cleaning.meta import iso_date, labelled_fields

_CELLS = ("td", "th")
# What a catalogue column becomes in a version's meta; dates as ISO dates.
_FIELDS = {
    "doc_number": "doc_number",
    "index_number": "index_number",
    "issuer": "issuer",
    "written_date": "signed_on",
    "publish_date": "publish_date",
}


def _cells(row: Element) -> list[str]:
    return [normalise_space(text_of(cell)) for cell in row if cell.tag in _CELLS]


def _header(table: Element) -> list[str]:
    """The first row of the table: its column labels."""
    first = next((row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table), None)
    return _cells(first) if first is not None else []


def catalogue_row(anchor: Element) -> dict[str, str]:
    """The metadata the anchor's table row gives its document (empty outside a catalogue)."""
    row = next(anchor.iterancestors("tr"), None)
    table = next(row.iterancestors("table"), None) if row is not None else None
    if row is None or table is None:
        return {}
    labels, cells = _header(table), _cells(row)
    if len(labels) != len(cells) or labels == cells:
        return {}
    found = labelled_fields("\n".join(f"{label}：{cell}" for label, cell in zip(labels, cells, strict=True)))
    meta: dict[str, str] = {}
    for name, value in found.items():
        if name in _FIELDS:
            is_date = name.endswith("_date")
            shown = iso_date(value) if is_date else value
            if shown:
                meta[_FIELDS[name]] = shown
    return meta
