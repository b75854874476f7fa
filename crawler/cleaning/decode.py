"""Bytes to text for pages whose declared charset cannot be trusted.

Chinese government pages often declare GB2312 while serving UTF-8, or declare nothing at all.
Strict UTF-8 is tried first because GBK bytes almost never validate as UTF-8, while UTF-8 bytes
often decode "successfully" (as garbage) under GBK.
"""

from __future__ import annotations

import codecs

from bs4.dammit import EncodingDetector

# Declared Chinese charsets are decoded with their superset: pages declaring GB2312 routinely
# contain GBK characters, and GB18030 is a superset of both.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
}
_SNIFF_BYTES = 4096
_SINGLE_BYTE = {"cp1252", "iso8859-1", "ascii", "latin-1", "cp1251", "koi8-r", "iso8859-15"}


def _normalise(name: str | None) -> str | None:
    if not name:
        return None
    try:
        name = codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _declared(data: bytes) -> str | None:
    return EncodingDetector.find_declared_encoding(data[:_SNIFF_BYTES], is_html=True, search_entire_document=False)


def decode_html(data: bytes, hint: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Never raises; undecodable bytes become U+FFFD."""
    bom_text, bom_encoding = EncodingDetector.strip_byte_order_mark(data)
    if bom_encoding:
        return bom_text.decode(bom_encoding, errors="replace"), bom_encoding
    declared = [c for c in (_normalise(hint), _normalise(_declared(data))) if c]
    # A single-byte charset decodes any bytes, so it cannot be checked: try it only after the
    # multi-byte ones (servers often send ISO-8859-1 by default for GBK pages).
    multi_byte = [c for c in declared if c not in _SINGLE_BYTE]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _valid_utf8_before(data, exc.start):
            return data.decode("utf-8", errors="replace"), "utf-8"
    candidates = [*multi_byte, "gb18030", *declared]
    for encoding in dict.fromkeys(candidates):
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    # Mostly-valid text with a few broken bytes (a truncated download): keep what is readable.
    best = max(("utf-8", "gb18030"), key=lambda enc: _readable_share(data, enc))
    return data.decode(best, errors="replace"), best


_UTF8_EVIDENCE = 20  # non-ASCII characters: GBK text almost never forms this many valid UTF-8 ones


def _valid_utf8_before(data: bytes, error_at: int) -> bool:
    """UTF-8 up to a point, then bytes that are not (a binary tail, a truncated character): the
    valid part holds many multi-byte characters, which text in GBK never forms by chance, while
    GB18030 would "decode" the whole as mojibake."""
    head = data[:error_at].decode("utf-8")
    return sum(1 for ch in head if ch > "\x7f") >= _UTF8_EVIDENCE


def _readable_share(data: bytes, encoding: str) -> float:
    text = data.decode(encoding, errors="replace")
    return 1 - text.count("\ufffd") / max(1, len(text))
