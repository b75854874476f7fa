"""OFD (GB/T 33190, China's fixed-layout e-document format): a zip of XML. OFD.xml names the
document, its Document.xml names the pages in order, and each page's Content.xml holds TextObject
elements (a Boundary box, a font Size) whose TextCode elements carry the text at X/Y offsets.
Text is read by position like a PDF's: rows by their Y, left to right."""

from __future__ import annotations

import posixpath
import zipfile

from lxml import etree

from .errors import FileError
from .layout import Glyph, Line, placed_lines, width
from .zipguard import open_zip, read_member

MAX_UNPACKED = 500_000_000
MAX_PAGES = 2000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        return etree.fromstring(read_member(archive, name.lstrip("/")), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FileError(f"{name} is not readable XML ({exc})") from None


def _first(root: etree._Element, name: str) -> etree._Element | None:
    return next((e for e in root.iter() if _local(e) == name), None)


def _page_files(archive: zipfile.ZipFile) -> list[str]:
    root_entry = _first(_xml(archive, "OFD.xml"), "DocRoot")
    document_path = (root_entry.text or "").strip().lstrip("/") if root_entry is not None else ""
    if not document_path:
        raise FileError("OFD.xml names no document")
    base = posixpath.dirname(document_path)
    pages = [loc for e in _xml(archive, document_path).iter() if _local(e) == "Page" and (loc := e.get("BaseLoc"))]
    if len(pages) > MAX_PAGES:
        raise FileError(f"an OFD of {len(pages)} pages (at most {MAX_PAGES} are read)")
    return [loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc) for loc in pages]


def _numbers(value: str | None, count: int) -> list[float]:
    try:
        found = [float(v) for v in (value or "").split()]
    except ValueError:
        found = []
    return (found + [0.0] * count)[:count]


def _advances(delta: str | None, text: str, size: float) -> float:
    """How far a TextCode's text runs: its DeltaX steps ("g N d" repeats d N times), else its
    characters at the font size (half that for half-width ones)."""
    steps: list[float] = []
    tokens = (delta or "").split()
    try:
        while tokens:
            token = tokens.pop(0)
            if token == "g":
                count, step = int(tokens.pop(0)), float(tokens.pop(0))
                steps += [step] * count
            else:
                steps.append(float(token))
    except (ValueError, IndexError):
        steps = []
    if len(steps) >= len(text) - 1 > 0:
        return sum(steps[: len(text) - 1]) + size
    return width(text) * size / 2


def _page_glyphs(content: etree._Element) -> list[Glyph]:
    glyphs = []
    for text_object in (e for e in content.iter() if _local(e) == "TextObject"):
        left, top, _, _ = _numbers(text_object.get("Boundary"), 4)
        size = _numbers(text_object.get("Size"), 1)[0] or 3.5
        for code in (e for e in text_object if _local(e) == "TextCode"):
            if not code.text:
                continue
            x, y = left + _numbers(code.get("X"), 1)[0], top + _numbers(code.get("Y"), 1)[0]
            run = _advances(code.get("DeltaX"), code.text, size)
            glyphs.append(Glyph(y - size / 2, size, x, x + run, code.text))
    return glyphs


def ofd_pages(data: bytes) -> list[list[Line]]:
    archive = open_zip(data, MAX_UNPACKED)
    return placed_lines([_page_glyphs(_xml(archive, name)) for name in _page_files(archive)])
