"""Document metadata from labelled fields (发布日期：…, 文号：…) and from the shape of the text."""

from __future__ import annotations

import itertools
import re

from .document import Meta
from .official import read_form


def _spaced(word: str) -> str:
    """A label as sites write it, with or without spaces between characters (索 引 号)."""
    return r"\s*".join(re.escape(ch) for ch in word)


def _labels(*words: str) -> str:
    return "(?:" + "|".join(_spaced(w) for w in sorted(words, key=len, reverse=True)) + ")"


_DATE = r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})(?!\d)\s*日?"
DATE = re.compile(_DATE)
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,14}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*[号號]"
)
_SEP = r"\s*[:：]\s*"
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")  # not a placeholder such as "—" or "/"
# In a metadata table the label and its value are neighbouring cells: a tab, no colon.
_FIELD_SEP = r"(?:\s*[:：]\s*|\t\s*)"

_FIELDS = {
    "publish_date": _labels(
        "发布日期",
        "发布时间",
        "公开日期",
        "公布日期",
        "发文日期",
        "發布日期",
        "發佈日期",
        "發布時間",
        "公開日期",
        "时间",
        "日期",
        "時間",
    ),
    "written_date": _labels("成文日期", "印发日期", "成文時間"),
    "doc_number": _labels("发文字号", "文号", "發文字號", "文號"),
    "index_number": _labels("索引号", "索引號"),
    "issuer": _labels("发文机关", "发布机构", "发文单位", "发布单位", "發文機關", "發布機構", "制发机关"),
    "source": _labels("信息来源", "文章来源", "稿件来源", "来源", "來源", "出处"),
}
_ANY_LABEL = (
    "(?:"
    + "|".join(_FIELDS.values())
    + "|"
    + _labels(
        "分类",
        "主题分类",
        "标题",
        "名称",
        "作者",
        "编辑",
        "责任编辑",
        "浏览次数",
        "访问量",
        "阅读量",
        "点击数",
        "有效性",
        "生效日期",
        "分類",
        "標題",
        "體裁分類",
    )
    + ")"
    + _SEP
)
_FIELD_PATTERNS = {
    name: re.compile(rf"(?<![\u4e00-\u9fff]){label}{_FIELD_SEP}(.*?)(?=\t|{_ANY_LABEL}|\n|$)")
    for name, label in _FIELDS.items()
}
# A date in the page header ("今天是2026年11月23日 星期一") is the visit's date, not the document's.
_TODAY = re.compile(r"今天|今日|当前时间|现在是|星期|週|周[一二三四五六日天]")

_DRAFT_TITLE = re.compile(r"征求意见稿|徵求意見稿|草案|送审稿|送審稿|征求.{0,40}意见|徵求.{0,40}意見|意见征集|意見徵集")
_DEADLINE_CONTEXT = re.compile(r"截止|截至|反馈|反饋|意见|意見")
_DEADLINE = re.compile(
    r"(?:截止|截至|反馈时间|反饋時間|期限)[^。；\n]{0,30}?"
    + _DATE
    + r"|至\s*"
    + _DATE
    + r"|"
    + _DATE
    + r"\s*(?:[（(][^）)]{0,10}[）)])?\s*(?:前|之前|止)"
)
_ORGANISATION = re.compile(
    r"^[\u4e00-\u9fff（）()、\s]{2,40}(?:政府|厅|廳|局|委员会|委員會|委|办公室|辦公室|办公厅|辦公廳|管委会|管委會|"
    r"中心|院|部|署|会|會|处|處|司|所|党委|黨委)$"
)


def iso_date(text: str) -> str | None:
    match = DATE.search(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _iso_from_groups(groups: tuple[str | None, ...]) -> str | None:
    for i in range(0, len(groups), 3):
        if groups[i]:
            return iso_date(f"{groups[i]}-{groups[i + 1]}-{groups[i + 2]}")
    return None


def labelled_fields(text: str) -> dict[str, str]:
    """First value of each labelled field in text whose lines are short header/metadata lines."""
    found: dict[str, str] = {}
    for name, pattern in _FIELD_PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.group(1).strip(" \t|｜")
            if _MEANINGFUL.search(value) and not (
                name == "publish_date" and _TODAY.search(text[max(0, match.start() - 6) : match.start()])
            ):
                found[name] = value
                break
    return found


def is_draft(title: str, opening: str) -> bool:
    return bool(_DRAFT_TITLE.search(title) or re.search(r"[（(]征求意见稿[）)]|[（(]草案[）)]", opening))


def comment_deadline(paragraphs: list[str]) -> str | None:
    for paragraph in paragraphs:
        if not _DEADLINE_CONTEXT.search(paragraph):
            continue
        for match in _DEADLINE.finditer(paragraph):
            date = _iso_from_groups(match.groups())
            if date:
                return date
    return None


def signature_issuer(paragraphs: list[str]) -> str | None:
    """The signing office: a bare organisation name directly above a bare date."""
    for name, below in itertools.pairwise(paragraphs):
        if _ORGANISATION.match(name) and DATE.fullmatch(below.strip()):
            return name.strip()
    return None


def extract_meta(header_text: str, paragraphs: list[str], title: str, tags: dict[str, str]) -> Meta:
    """header_text: the short lines around the title; paragraphs: the body, in order."""
    fields = labelled_fields(header_text)
    meta = Meta()
    date_text = fields.get("publish_date") or fields.get("written_date") or ""
    meta.publish_date = iso_date(date_text) or _tag_date(tags) or _unlabelled_date(header_text)
    number = fields.get("doc_number") or ""
    match = DOC_NUMBER.search(number) or next(
        (m for p in paragraphs[:8] if (m := DOC_NUMBER.fullmatch(p.strip()))), None
    )
    meta.doc_number = re.sub(r"\s+", "", match.group(0)) if match else (number or None)
    meta.index_number = fields.get("index_number")
    meta.issuer = fields.get("issuer") or signature_issuer(paragraphs)
    meta.source = fields.get("source") or tags.get("contentsource") or None
    form = read_form(paragraphs)
    meta.addressee, meta.attachment_notes, meta.note = form.addressee, form.attachment_notes, form.note
    meta.signatory = form.signatory
    meta.signed_on = iso_date(fields.get("written_date") or "") or form.signed_on
    meta.status = "draft" if is_draft(title, "\n".join(paragraphs[:6])) else "final"
    if meta.status == "draft":
        meta.comment_deadline = comment_deadline(paragraphs)
    return meta


_DATE_TAGS = (
    "pubdate",
    "publishdate",
    "article:published_time",
    "firstpublishedtime",
    "publishtime",
    "date",
    "dc.date",
    "dcterms.created",
)


def _tag_date(tags: dict[str, str]) -> str | None:
    return next((d for name in _DATE_TAGS if name in tags and (d := iso_date(tags[name]))), None)


def _unlabelled_date(header_text: str) -> str | None:
    """The date nearest the content among the header lines, skipping 'today is …' banners."""
    for line in reversed(header_text.splitlines()):
        if DATE.search(line) and not _TODAY.search(line):
            return iso_date(line)
    return None
