"""What kind of file a response is: by its first bytes, then its name, never by the server's word
alone (servers send PDFs as text/html and Word files as application/octet-stream)."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlsplit

# The formats policywatch reads; archives (zip, rar, 7z) are not documents.
FILE_TYPES = ("pdf", "docx", "doc", "wps", "ofd", "xlsx", "xls", "et", "rtf", "txt")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, WPS, Excel 97-2003, ET


def extension(url: str) -> str:
    path = urlsplit(url).path
    return path.rsplit(".", 1)[1].lower() if "." in path.rsplit("/", 1)[-1] else ""


def sniff(body: bytes, url: str, content_type: str | None = None) -> str | None:
    """The file type of a fetched body, or None for a web page (HTML, or nothing we read)."""
    head = body[:1024].lstrip()
    ext = extension(url)
    if head.startswith(b"%PDF") or b"%PDF-" in body[:1024]:
        return "pdf"
    if head.startswith(_OLE2):
        return ext if ext in ("doc", "wps", "xls", "et") else "doc"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(body, ext)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if ext == "txt" or (content_type or "").lower().startswith("text/plain"):
        return "txt"
    return None


def _zip_kind(body: bytes, ext: str) -> str | None:
    """DOCX, XLSX and OFD are zip files told apart by their members."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return ext if ext in ("docx", "xlsx", "ofd") else None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names or ext == "ofd":
        return "ofd"
    return None
