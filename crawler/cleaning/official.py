"""The parts of an official document (公文) around its body, as GB/T 9704-2012 lays them out.

A notice is rarely only prose: above the text stands its addressee (主送机关, "各市人民政府："),
below it the attachment notes (附件说明, "附件：1．…"), the issuing office (发文机关署名), the date
it was signed (成文日期), and a note (附注, "（此件公开发布）"); at the foot, who gets copies (抄送)
and who printed it when (印发机关和印发日期). These lines are short and unpunctuated, so on their
own they look like page furniture; yet they are what changes when a notice is reissued. Here they
are recognised by the standard's own forms, and each counts as evidence of the body around it
(content.py): a signal that raises a container's score, never one that removes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# 成文日期: the whole line a date, in Arabic or Chinese numerals ("二〇二四年五月十日").
_NUMERAL = "〇零一二三四五六七八九十"
SIGNED_DATE = re.compile(
    rf"^(?:(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|[{_NUMERAL}]{{4}}年[{_NUMERAL}]{{1,2}}月[{_NUMERAL}]{{1,3}}日)$"
)
# 发文机关署名: an office's name, ending as offices' names end.
_OFFICE_END = (
    r"(?:人民政府|人民代表大会常务委员会|政府|办公厅|办公室|委员会|委|厅|局|部|署|院|会|中心|处|司|所|党委|党组|"
    r"管委会|管理委员会|小组|办|站|队)"
)
SIGNATORY = re.compile(rf"^[\u4e00-\u9fff（）()、\s]{{2,60}}{_OFFICE_END}$")
# 主送机关: who the document is sent to, one line ending with a colon ("各区人民政府，市政府各委、
# 办、局：", "市发展改革委：", "国务院各部委、各直属机构：").
_ADDRESSED = re.compile(r"^[^。；！？：:]{2,120}[：:]$")
_ADDRESSEE_END = re.compile(rf"(?:{_OFFICE_END}|单位|部门|机构|高校|学校|企业|公司|同志)[：:]$")
# 附件说明: "附件：…", "附件1．…", and the numbered lines that follow it.
ATTACHMENT_NOTE = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[：:．.、]?\s*\S")
NUMBERED_ITEM = re.compile(r"^(?:[0-9０-９]{1,2}\s*[．.、]|[（(][0-9０-９一二三四五六七八九十]{1,2}[）)])\s*\S")
# 附注, 抄送, 印发: a bracketed note under the date, the copy list, the printing line.
NOTE = re.compile(r"^[（(](?:此件|本件|此页|联系人)[^（()）]{1,40}[）)]$")
COPIES = re.compile(r"^抄\s*送\s*[：:]")
PRINTED = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发$")
_MAX_LINE = 160
FORM_LINE_VALUE = 24.0  # about a short sentence: enough to bring the lines into the container


def is_form_line(text: str) -> bool:
    """Does this line have the form of one of the 公文 elements around a body?"""
    if len(text) > _MAX_LINE:
        return False
    line = text.strip()
    return bool(
        SIGNED_DATE.match(line)
        or NOTE.match(line)
        or COPIES.match(line)
        or PRINTED.search(line)
        or ATTACHMENT_NOTE.match(line)
        or (len(line) <= 40 and SIGNATORY.match(line))
        or is_addressee(line)
    )


def is_addressee(line: str) -> bool:
    return bool(_ADDRESSED.match(line)) and ("各" in line or bool(_ADDRESSEE_END.search(line)))


@dataclass
class OfficialForm:
    """The elements found in a document's lines; empty fields where the document has none."""

    addressee: str | None = None
    attachment_notes: list[str] = field(default_factory=list)
    signatory: str | None = None
    signed_on: str | None = None  # ISO date
    note: str | None = None


def read_form(lines: list[str]) -> OfficialForm:
    """The 公文 elements in the body's lines: the addressee among the opening lines, the rest
    after the text, where the standard puts them."""
    form = OfficialForm()
    form.addressee = next((line for line in lines[:4] if is_addressee(line)), None)
    form.attachment_notes = _attachment_notes(lines)
    for above, line in zip(["", *lines], lines, strict=False):
        if SIGNED_DATE.match(line):
            form.signed_on = _iso(line) or form.signed_on
            if SIGNATORY.match(above) and len(above) <= 40:
                form.signatory = above
        elif NOTE.match(line) and form.signed_on:
            form.note = line
    return form


def _attachment_notes(lines: list[str]) -> list[str]:
    notes: list[str] = []
    for line in lines:
        if ATTACHMENT_NOTE.match(line) and len(line) <= _MAX_LINE:
            notes = [line]
        elif notes and NUMBERED_ITEM.match(line) and len(line) <= _MAX_LINE:
            notes.append(line)
        elif notes:
            break
    return notes


def _iso(line: str) -> str | None:
    """成文日期 as an ISO date, from Arabic or Chinese numerals."""
    digits = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0"}
    year, rest = line.replace(" ", "").split("年", 1)
    month, day = rest.rstrip("日").split("月", 1)
    year = "".join(digits.get(ch, ch) for ch in year)
    numbers = [int(part) if part.isdigit() else _chinese_number(part) for part in (month, day)]
    if not year.isdigit() or not (1 <= numbers[0] <= 12 and 1 <= numbers[1] <= 31):
        return None
    return f"{int(year):04d}-{numbers[0]:02d}-{numbers[1]:02d}"


def _chinese_number(text: str) -> int:
    """十 → 10, 十二 → 12, 二十三 → 23, 五 → 5."""
    values = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0}
    if "十" not in text:
        return values.get(text, 0)
    tens, _, ones = text.partition("十")
    return values.get(tens, 1) * 10 + values.get(ones, 0) if tens else 10 + values.get(ones, 0)
