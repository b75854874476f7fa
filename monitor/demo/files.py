"""Policy texts as the files offices publish: DOCX (python-docx), PDF (reportlab with the
Adobe-GB1 Song font every PDF reader knows, so no font file is needed) and OFD (its XML written
out: pages of positioned lines with a running page number, as an e-document system exports them);
and the cover note a page around such a file says."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from xml.sax.saxutils import escape

import docx
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from .samples import Sample

_SONG = "STSong-Light"


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(title: str, paragraphs: list[str]) -> bytes:
    if _SONG not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_SONG))
    heading = ParagraphStyle("title", fontName=_SONG, fontSize=16, leading=26, alignment=1, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=_SONG, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
    out = io.BytesIO()
    # invariant=True: the same text gives the same bytes (no creation time, no random file id).
    story: list[Flowable] = [Paragraph(escape(title), heading), *(Paragraph(escape(p), body) for p in paragraphs)]
    SimpleDocTemplate(out, pagesize=A4, title=title, invariant=True).build(story)
    return out.getvalue()


_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
_CHARS_PER_LINE, _LINES_PER_PAGE, _SIZE, _LEFT, _TOP, _LEADING = 36, 32, 4.2333, 25.0, 30.0, 7.0


def _units(char: str) -> int:
    """Half-width units a character takes: two for CJK, one for digits and Latin letters."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _wrapped(text: str, first_room: int, room: int) -> list[str]:
    lines: list[str] = []
    current, used = "", 0
    for char in text:
        if used + _units(char) > (first_room if not lines else room):
            lines.append(current)
            current, used = "", 0
        current, used = current + char, used + _units(char)
    return [*lines, current] if current else lines


def _ofd_lines(title: str, paragraphs: list[str]) -> list[tuple[float, str]]:
    """(indent in mm, text) of each line: the title centred, then paragraphs filling the line
    with a 2-character first-line indent."""
    full = 2 * _CHARS_PER_LINE
    lines = [(_SIZE / 2 * max(0, full - sum(map(_units, line))) / 2, line) for line in _wrapped(title, full, full)]
    for paragraph in paragraphs:
        for number, line in enumerate(_wrapped(paragraph, full - 4, full)):
            lines.append((2 * _SIZE if number == 0 else 0.0, line))
    return lines


def _ofd_page(lines: list[tuple[float, str]], number: int) -> str:
    objects = []
    rows = [*lines, (_SIZE * 16, f"- {number} -")]
    for row, (indent, text) in enumerate(rows):
        top = _TOP + _LEADING * (row if row < len(lines) else _LINES_PER_PAGE + 1)
        steps = " ".join(f"{_SIZE * _units(c) / 2:.4f}" for c in text[:-1])
        objects.append(
            f'<ofd:TextObject ID="{100 + row}" Boundary="{_LEFT + indent:.2f} {top:.2f} 160 {_LEADING}" '
            f'Font="2" Size="{_SIZE}"><ofd:TextCode X="0" Y="{_SIZE:.2f}" DeltaX="{steps}">{escape(text)}'
            "</ofd:TextCode></ofd:TextObject>"
        )
    layer = f'<ofd:Layer ID="3">{"".join(objects)}</ofd:Layer>'
    return f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {_NS}><ofd:Content>{layer}</ofd:Content></ofd:Page>'


def ofd_bytes(title: str, paragraphs: list[str]) -> bytes:
    lines = _ofd_lines(title, paragraphs)
    pages = [lines[i : i + _LINES_PER_PAGE] for i in range(0, len(lines), _LINES_PER_PAGE)]
    entries = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {_NS} Version="1.0" DocType="OFD"><ofd:DocBody>'
        f"<ofd:DocInfo><ofd:Title>{escape(title)}</ofd:Title></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {_NS}><ofd:CommonData>'
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>"
        + "".join(f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
        + "</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {_NS} BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
    }
    for number, page in enumerate(pages):
        entries[f"Doc_0/Pages/Page_{number}/Content.xml"] = _ofd_page(page, number + 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(zipfile.ZipInfo(name, (2021, 1, 1, 0, 0, 0)), text.encode("utf-8"))
    return out.getvalue()


def cover_note(sample: Sample) -> Sample:
    """The page an office puts around a policy published as a file: a few lines and the link."""
    return Sample(
        name=f"{sample.name}-cover",
        title=f"关于印发《{sample.title}》的通知",
        paragraphs=[
            "各有关单位：",
            f"现将《{sample.title}》印发给你们，请结合实际认真贯彻执行。",
            sample.issuer or "办公室",
            sample.publish_date,
        ],
        publish_date=sample.publish_date,
        doc_number=sample.doc_number,
        issuer=sample.issuer,
    )


def local_copy(sample: Sample) -> Sample:
    """A county republishing a policy with a local note below it: a reprint, not news."""
    return Sample(
        name=f"{sample.name}-copy",
        title=sample.title,
        paragraphs=[*sample.paragraphs, "结合我县实际，县科技局负责牵头落实，各乡镇配合做好相关工作。"],
        publish_date=sample.publish_date,
        issuer="县人民政府办公室",
    )


def repealing_notice(sample: Sample) -> Sample:
    """A later decision ending a policy by its 文号: its repeal is an event of the policy."""
    return Sample(
        name=f"{sample.name}-repeal",
        title="关于废止部分行政规范性文件的决定",
        paragraphs=[
            "各州、市人民政府，省直各委、办、厅、局：",
            "为维护法制统一，经清理，省人民政府决定废止下列行政规范性文件：",
            f"1.《{sample.title}》（{sample.doc_number}）",
            "本决定自公布之日起施行。",
        ],
        publish_date="2024-03-01",
        doc_number="雲政發〔2024〕9號",
        issuer=sample.issuer,
    )
