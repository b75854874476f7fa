"""Tables that are documents: a penalty disclosure, a 公示 of names, an attachment list.

Each row of a data table becomes one line of tab-separated cells (blocks.py), so that a changed
cell is a changed line in the diff. A cell spanning rows (`rowspan`) is written once in the HTML
but belongs to every row it spans: it is copied into those rows here, before the page is cut
into blocks, so each line reads whole ("2  某公司  罚款" and "3  某公司  警告", not "3  警告").
"""

from __future__ import annotations

import copy

from .dom import Element

MAX_COPIES = 20_000  # cells copied per page: a hostile rowspan cannot make a page grow without bound


def _span(cell: Element) -> int:
    value = (cell.get("rowspan") or "").strip()
    return int(value) if value.isdigit() else 1


def _rows(table: Element) -> list[Element]:
    """The table's own rows, not those of tables nested in its cells."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def expand_rowspans(root: Element) -> None:
    """Copy every cell spanning several rows into each row it spans, at its column."""
    spanned = (cell for cell in root.iter("td", "th") if _span(cell) > 1)
    tables = {next(cell.iterancestors("table"), None) for cell in spanned}
    budget = MAX_COPIES
    for table in tables:
        if table is not None:
            budget = _expand(table, budget)


def _expand(table: Element, budget: int) -> int:
    pending: dict[int, tuple[Element, int]] = {}  # column → (cell, rows still to fill)
    for tr in _rows(table):
        cells = [c for c in tr if c.tag in ("td", "th")]
        column, placed = 0, 0
        for cell in [*cells, None]:
            while column in pending and budget > 0:
                source, left = pending.pop(column)
                duplicate = copy.deepcopy(source)
                del duplicate.attrib["rowspan"]
                duplicate.tail = None
                tr.insert(_position(tr, placed), duplicate)
                placed, budget = placed + 1, budget - 1
                if left > 1:
                    pending[column] = (source, left - 1)
                column += _colspan(source)
            if cell is None:
                break
            if (span := _span(cell)) > 1:
                pending[column] = (cell, span - 1)
            column, placed = column + _colspan(cell), placed + 1
    return budget


def _position(tr: Element, placed: int) -> int:
    """The index in tr of its placed-th cell (rows may hold comments or stray text elements)."""
    seen = 0
    for index, child in enumerate(tr):
        if child.tag in ("td", "th"):
            if seen == placed:
                return index
            seen += 1
    return len(tr)


def _colspan(cell: Element) -> int:
    value = (cell.get("colspan") or "").strip()
    return min(int(value), 1000) if value.isdigit() and int(value) > 0 else 1
