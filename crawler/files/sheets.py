"""Spreadsheets as rows of cells: XLSX through openpyxl (read-only, streaming), XLS and Kingsoft ET
through xlrd, LibreOffice when xlrd refuses."""

from __future__ import annotations

import io

import openpyxl
import xlrd

from ..cleaning.blocks import normalise_space
from .errors import FileError
from .tools import libreoffice
from .zipguard import open_zip

MAX_UNPACKED = 500_000_000
MAX_ROWS = 100_000


def _row(values: list[object]) -> str:
    cells = ["" if value is None else normalise_space(str(value)) for value in values]
    return " ".join(cell for cell in cells if cell)


def xlsx_rows(data: bytes) -> list[str]:
    open_zip(data, MAX_UNPACKED)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows: list[str] = []
    for sheet in book.worksheets:
        for values in sheet.iter_rows(values_only=True):
            if len(rows) >= MAX_ROWS:
                raise FileError(f"a spreadsheet of more than {MAX_ROWS:,} rows")
            rows.append(_row(list(values)))
    book.close()
    return [row for row in rows if row]


def xls_rows(data: bytes, file_type: str) -> tuple[list[str], str]:
    """(rows, tool) of an XLS or ET file."""
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError:
        text = libreoffice(data, file_type)
        return [row for row in (normalise_space(line) for line in text.splitlines()) if row], "libreoffice"
    rows = [_row(sheet.row_values(n)) for sheet in book.sheets() for n in range(min(sheet.nrows, MAX_ROWS))]
    return [row for row in rows if row], "xlrd"
