"""Reading files: the same wording gives the same text whatever made the file; running headers,
footers and page numbers are left out; extraction is bounded (real forks, real files)."""

from __future__ import annotations

import io
import os
import signal
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from crawler.files import FileError, read_file, sniff
from crawler.files.limits import run_limited
from crawler.outcome import file_content
from monitor.demo.files import docx_bytes, ofd_bytes, pdf_bytes
from monitor.demo.samples import load_sample

from .office import office_files

pytestmark = pytest.mark.services  # files made by LibreOffice and reportlab, read in forked children


def _read(body: bytes, name: str):
    return read_file(body, sniff(body, f"http://example.org/{name}"))


def test_the_same_wording_hashes_the_same_whoever_made_the_file():
    sample = load_sample("dabancheng-final")
    made = {
        "reportlab.pdf": pdf_bytes(sample.title, sample.paragraphs),
        "python-docx.docx": docx_bytes(sample.title, sample.paragraphs),
        "writer.ofd": ofd_bytes(sample.title, sample.paragraphs),
    }
    converted = office_files({"x": (sample.title, sample.paragraphs)}, "pdf")
    made["libreoffice.pdf"] = converted["x"]
    made["libreoffice.doc"] = office_files({"x": (sample.title, sample.paragraphs)}, "doc")["x"]
    hashes = {
        name: file_content(_read(body, name), None, f"http://example.org/{name}", body).content_hash
        for name, body in made.items()
    }
    assert len(set(hashes.values())) == 1, hashes


def _pdf_with_running_lines(title: str, paragraphs: list[str]) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK")

    def furniture(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 40, "宁夏回族自治区科学技术厅文件  2021年第3期")
        canvas.drawCentredString(A4[0] / 2, 30, f"第 {document.page} 页 共 4 页")

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(
        [Paragraph(escape(title), style)] + [Paragraph(escape(p), style) for p in paragraphs],
        onFirstPage=furniture,
        onLaterPages=furniture,
    )
    return out.getvalue()


def test_running_headers_footers_and_page_numbers_are_left_out():
    sample = load_sample("nx-final")
    text = _read(_pdf_with_running_lines(sample.title, sample.paragraphs), "a.pdf")
    assert text.pages >= 3
    joined = "\n".join(text.paragraphs)
    assert "科学技术厅文件" not in joined and "页 共" not in joined
    assert "".join(joined.split()) == "".join((sample.title + "".join(sample.paragraphs)).split())


def test_a_pdf_without_a_text_layer_is_a_scan():
    out = io.BytesIO()
    canvas = Canvas(out)
    for _ in range(2):
        canvas.rect(72, 72, 300, 500, fill=1)  # a scanned page is a picture: no characters at all
        canvas.showPage()
    canvas.save()
    text = _read(out.getvalue(), "scan.pdf")
    assert text.scanned and text.pages == 2 and text.paragraphs == []
    content = file_content(text, "附件：扫描件.pdf", "http://example.org/scan.pdf", out.getvalue())
    assert content.meta["scanned"] and content.title == "扫描件"


def _allocate() -> int:
    return len(bytearray(4 << 30))


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does


def _spin() -> None:
    while True:
        pass


def test_extraction_is_bounded_in_memory_and_time_and_survives_a_crash():
    with pytest.raises(FileError, match="ran out of memory"):
        run_limited(_allocate, (), seconds=30, memory_mb=256)
    with pytest.raises(FileError, match="longer than 1 s"):
        run_limited(_spin, (), seconds=1, memory_mb=256)
    with pytest.raises(FileError, match=r"died \(signal SIGKILL"):
        run_limited(_killed, (), seconds=30, memory_mb=256)
    assert run_limited(sum, ([1, 2, 3],), seconds=30, memory_mb=256) == 6


def test_a_500_page_text_pdf_reads_at_the_defaults_from_a_large_process():
    """A store worker's fork inherits its whole address space (a crawl process's threads reserve
    arenas and stacks): the reader's limit counts on top of it, so a long legitimate document
    reads at the default limits, here beside 1.5 GB of reserved, untouched address space."""
    import mmap

    from crawler.files import FileLimits, extract
    from monitor.demo.files import pdf_bytes
    from monitor.demo.samples import load_sample

    plan = load_sample("wansheng-plan")
    data = pdf_bytes(plan.title, plan.paragraphs * 100)
    reserved = mmap.mmap(-1, 1536 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, prot=mmap.PROT_READ)
    try:
        text = extract(data, "pdf", FileLimits())
    finally:
        reserved.close()
    assert text.pages >= 400 and text.paragraphs
