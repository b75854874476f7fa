"""One entry for every format: the file's paragraphs, read in a bounded child process."""

from __future__ import annotations

from dataclasses import dataclass

from ..cleaning.blocks import normalise_space
from ..cleaning.decode import decode_html
from .errors import FileError
from .layout import paragraphs
from .limits import run_limited
from .ofd import ofd_pages
from .office import binary_word_paragraphs, docx_paragraphs
from .pdf import pdf_pages
from .sheets import xls_rows, xlsx_rows


@dataclass
class FileText:
    file_type: str
    paragraphs: list[str]
    tool: str
    pages: int | None = None
    scanned: bool = False  # a PDF without a text layer


@dataclass(frozen=True)
class FileLimits:
    """What one extraction may cost: a hostile file fails, it never stalls or sinks the crawl."""

    seconds: float = 120.0
    memory_mb: int = 1024


def _plain_text(data: bytes) -> list[str]:
    text, _ = decode_html(data, None)
    return [p for p in (normalise_space(line) for line in text.splitlines()) if p]


def read_file(data: bytes, file_type: str) -> FileText:
    """The file's paragraphs, in this process: call it through extract() for files from the web."""
    if file_type == "pdf":
        pages, count = pdf_pages(data)
        return FileText("pdf", paragraphs(pages), "pypdfium2", count, scanned=not pages and count > 0)
    if file_type == "ofd":
        pages = ofd_pages(data)
        return FileText("ofd", paragraphs(pages), "lxml", len(pages))
    if file_type == "docx":
        return FileText("docx", docx_paragraphs(data), "python-docx")
    if file_type in ("doc", "wps", "rtf"):
        return FileText(file_type, *binary_word_paragraphs(data, file_type))
    if file_type == "xlsx":
        return FileText("xlsx", xlsx_rows(data), "openpyxl")
    if file_type in ("xls", "et"):
        return FileText(file_type, *xls_rows(data, file_type))
    if file_type == "txt":
        return FileText("txt", _plain_text(data), "decode")
    raise FileError(f"no reader for {file_type} files")


def extract(data: bytes, file_type: str, limits: FileLimits) -> FileText:
    """read_file() in a forked child with the limits' time and address-space bounds."""
    return run_limited(read_file, (data, file_type), seconds=limits.seconds, memory_mb=limits.memory_mb)
