"""What a policy text says about its own validity, and about the end of others (pure).

Policies end, and the pages say so in three ways, which government policy libraries share:
- a **marker** on the page: a status prefix in the title ("【已废止】…") or a labelled header field
  ("有效性：已废止", "时效性：失效");
- a stated **validity period**: "有效期至2025年12月31日", or "有效期5年" counted from the day it takes
  effect ("自2021年1月1日起施行"), else from its 成文日期 or publish date;
- a **repeal clause** ending other documents: "《…办法》（…〔2019〕3号）同时废止", "决定废止下列文件：…",
  naming them by title (《…》) or by 文号.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from .document import Meta
from .meta import DATE, DOC_NUMBER, iso_date

Marker = Literal["repealed", "expired"]

_TITLE_MARK = re.compile(r"^\s*[\[【［(（]\s*(已?废止|已?失效|已?廢止)\s*[\]】］)）]")
_FIELD_MARK = re.compile(r"(?:有\s*效\s*性|时\s*效\s*性|效力状态|时效状态|是否有效|時\s*效\s*性)\s*[:：\t]\s*(\S{1,8})")
_PERIOD_UNTIL = re.compile(r"有效期(?:至|到|截至|截止)\s*" + DATE.pattern)
_PERIOD_YEARS = re.compile(r"有效期(?:为|為)?\s*([0-9一二三四五六七八九十两]{1,3})\s*年")
_TAKES_EFFECT = re.compile(r"自\s*" + DATE.pattern + r"\s*(?:起|开始)?\s*(?:施行|实施|执行|生效)")
_REPEAL = re.compile(r"废止|廢止|停止执行|不再执行|同时失效|同時失效")
_LIST_FOLLOWS = re.compile(r"(?:废止|廢止)(?:了)?(?:下列|以下|如下)")
_BASIS = re.compile(r"^(?:根据|依据|按照|依照|為|为了?)")
_QUOTED = re.compile(r"《([^《》]{2,80})》")
_SENTENCE = re.compile(r"[。；;\n]")
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
MAX_LISTED = 60  # lines of a "决定废止下列文件" list read after it


def read_validity(meta: Meta, title: str, header_text: str, paragraphs: list[str]) -> None:
    """The three into the document's metadata."""
    text = "\n".join(paragraphs)
    meta.validity = marker(title, header_text)
    meta.valid_until = valid_until(text, meta.signed_on, meta.publish_date)
    meta.repeals = repealed_names(text)


def marker(title: str, header_text: str) -> Marker | None:
    """The page's own mark that the document is no longer in force."""
    values = [m.group(1) for m in (_TITLE_MARK.match(title),) if m]
    values += [m.group(1) for m in _FIELD_MARK.finditer(header_text)]
    for value in values:
        if "废止" in value or "廢止" in value:
            return "repealed"
        if "失效" in value:
            return "expired"
    return None


def valid_until(text: str, signed_on: str | None, publish_date: str | None) -> str | None:
    """The last day the text says it is valid (ISO), if it says."""
    until = _PERIOD_UNTIL.search(text)
    if until:
        return iso_date(until.group(0))
    years = _PERIOD_YEARS.search(text)
    if not years:
        return None
    count = _count(years.group(1))
    effect = _TAKES_EFFECT.search(text)
    start = (iso_date(effect.group(0)) if effect else None) or signed_on or publish_date
    if not count or not start:
        return None
    begun = date.fromisoformat(start)
    try:
        end = begun.replace(year=begun.year + count)
    except ValueError:  # 29 February
        end = begun.replace(year=begun.year + count, day=28)
    return (end - timedelta(days=1)).isoformat()


def _count(numeral: str) -> int:
    if numeral.isdigit():
        return int(numeral)
    if numeral.startswith("十"):
        return 10 + _NUMERALS.get(numeral[1:], 0)
    if len(numeral) == 2 and numeral.endswith("十"):
        return _NUMERALS.get(numeral[0], 0) * 10
    return _NUMERALS.get(numeral, 0)


def repealed_names(text: str) -> list[str]:
    """Titles (without 《》) and 文号 the text repeals, in order, each once."""
    names: list[str] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        for sentence in _SENTENCE.split(line):
            if not _REPEAL.search(sentence):
                continue
            names += _names_in(sentence)
            if _LIST_FOLLOWS.search(sentence):
                for listed in lines[number + 1 : number + 1 + MAX_LISTED]:
                    names += _names_in(listed)
    return list(dict.fromkeys(names))


def _names_in(sentence: str) -> list[str]:
    """The documents a sentence names, leaving out a clause giving its basis (根据《…法》)."""
    clauses = [c for c in re.split(r"[，,]", sentence) if not _BASIS.match(c.strip())]
    kept = "，".join(clauses)
    names = [m.group(1).strip() for m in _QUOTED.finditer(kept)]
    names += [re.sub(r"\s+", "", m.group(0)) for m in DOC_NUMBER.finditer(kept)]
    return names
