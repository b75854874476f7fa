"""A file's text as a document: its title from the link that named it (unless the link says only
"附件1" or "下载"), else its first line when that reads like a title (a spreadsheet's first row
is its header), else its file name; its metadata (document
number, draft status, comment deadline) read from its opening lines like a page's."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from ..cleaning.document import Block, CleanDocument
from ..cleaning.meta import extract_meta
from ..cleaning.validity import read_validity
from .read import FileText

_LABEL = re.compile(r"^\s*(?:附件\s*[\d一二三四五六七八九十]*\s*[:：.、]?\s*)")
_SIZE = re.compile(r"\s*[（(\[]?\s*\d+(?:\.\d+)?\s*[KMG]i?B\s*[)）\]]?\s*$", re.IGNORECASE)
_EXTENSION = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?|et|rtf|txt)$", re.IGNORECASE)
_GENERIC = re.compile(r"^(?:附件\s*[\d一二三四五六七八九十]*|下载|点击下载|查看|预览|原文|全文|文件|pdf|word)?$", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_TITLE = 100


def _from_link(name: str | None) -> str:
    text = _SIZE.sub("", _EXTENSION.sub("", _LABEL.sub("", " ".join((name or "").split()))))
    text = _EXTENSION.sub("", text).strip(" ：:")
    return "" if _GENERIC.match(text) or not _CJK.search(text) else text


def _from_text(paragraphs: list[str]) -> str:
    first = paragraphs[0] if paragraphs else ""
    return first if 4 <= len(first) <= MAX_TITLE and not first.endswith(("。", "；", ";")) else ""


def _from_url(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def file_document(text: FileText, name: str | None, url: str) -> CleanDocument:
    """The file's text as a CleanDocument: hashed, stored and diffed like a page's."""
    sheet = text.file_type in ("xlsx", "xls", "et")  # a first row is a header, not a title
    title = _from_link(name) or ("" if sheet else _from_text(text.paragraphs)) or _from_url(url)
    body = list(text.paragraphs)
    if body and not sheet and "".join(body[0].split()) == "".join(title.split()):
        body = body[1:]  # the title line is the title, not the text's first paragraph
    header = "\n".join(text.paragraphs[:6])
    meta = extract_meta(header, body, title, {})
    read_validity(meta, title, header, body)
    return CleanDocument(title=title, meta=meta, blocks=[Block("paragraph", p) for p in body])
