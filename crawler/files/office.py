"""Word-processor files: DOCX through python-docx, in body order (paragraphs and table rows);
DOC, WPS and RTF through Debian's tools (tools.py)."""

from __future__ import annotations

import io

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..cleaning.blocks import normalise_space
from .tools import first_that_reads, libreoffice
from .zipguard import open_zip

MAX_UNPACKED = 500_000_000


def _body(document: DocxDocument) -> list[str]:
    found: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            found.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each text once per row
                    if not cells or cells[-1] != cell.text:
                        cells.append(cell.text)
                found.append(" ".join(cells))
    return found


def docx_paragraphs(data: bytes) -> list[str]:
    open_zip(data, MAX_UNPACKED)  # refuses a bomb before python-docx inflates anything
    document = docx.Document(io.BytesIO(data))
    return [p for p in (normalise_space(text) for text in _body(document)) if p]


def binary_word_paragraphs(data: bytes, file_type: str) -> tuple[list[str], str]:
    """(paragraphs, tool) of a DOC, WPS or RTF file."""
    if file_type == "rtf":
        text, tool = libreoffice(data, "rtf"), "libreoffice"
    else:
        text, tool = first_that_reads(data, file_type)
    return [p for p in (normalise_space(line) for line in text.splitlines()) if p], tool
