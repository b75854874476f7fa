"""Reading attachments: speed, memory and accuracy per format, each reader against the
alternatives a user would pick, on the same files in one run.

Files are made from the seven sample policies (each text three times over, so a file runs to a
few pages): PDF by LibreOffice from DOCX (embedded subset CJK fonts, as office suites export)
and by reportlab (a CID font, as report generators write); DOCX by python-docx; DOC (Word 97, the
format Kingsoft's WPS files share) by LibreOffice; OFD by the demo's writer. Every reading runs in
a fresh forked child (libraries imported beforehand): time is the child's own, memory its peak RSS
(or the command-line tool's) above an idle forked child's. Accuracy is 1 - the character edit distance between
the text read and the source text (whitespace ignored) over the source's length.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import time
from collections.abc import Callable

import diff_match_patch
import pypdf
import pypdfium2 as pdfium
from pdfminer.high_level import extract_text

from crawler.files import read_file
from crawler.files.tools import antiword, catdoc, libreoffice
from monitor.demo.files import docx_bytes, ofd_bytes, pdf_bytes
from monitor.demo.samples import load_sample, sample_names
from tests.office import convert

REPEAT = 3
Reader = Callable[[bytes], str]


def _ours(kind: str) -> Reader:
    return lambda data: "\n".join(read_file(data, kind).paragraphs)


def _pdfium_stream_order(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return text


def _pdfminer(data: bytes) -> str:
    return extract_text(io.BytesIO(data))


def _pypdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


READERS: dict[str, list[tuple[str, Reader]]] = {
    "pdf (LibreOffice)": [
        ("policywatch: pypdfium2 by position", _ours("pdf")),
        ("pypdfium2, stream order", _pdfium_stream_order),
        ("pdfminer.six", _pdfminer),
        ("pypdf", _pypdf),
    ],
    "pdf (reportlab)": [
        ("policywatch: pypdfium2 by position", _ours("pdf")),
        ("pdfminer.six", _pdfminer),
        ("pypdf", _pypdf),
    ],
    "docx": [("policywatch: python-docx", _ours("docx")), ("LibreOffice --cat", lambda d: libreoffice(d, "docx"))],
    "doc": [
        ("policywatch: antiword", antiword),
        ("catdoc", catdoc),
        ("LibreOffice --cat", lambda d: libreoffice(d, "doc")),
    ],
    "ofd": [("policywatch: XML by position", _ours("ofd"))],
}


def _files() -> tuple[dict[str, list[bytes]], list[str]]:
    samples = [load_sample(name) for name in sample_names()]
    texts = [(s.title, s.paragraphs * REPEAT) for s in samples]
    docx = {f"s{n}": docx_bytes(title, paragraphs) for n, (title, paragraphs) in enumerate(texts)}
    office_pdf, office_doc = convert(docx, "pdf"), convert(docx, "doc")
    made = {
        "pdf (LibreOffice)": list(office_pdf.values()),
        "pdf (reportlab)": [pdf_bytes(title, paragraphs) for title, paragraphs in texts],
        "docx": list(docx.values()),
        "doc": list(office_doc.values()),
        "ofd": [ofd_bytes(title, paragraphs) for title, paragraphs in texts],
    }
    return made, [title + "".join(paragraphs) for title, paragraphs in texts]


def _in_child(reader: Reader, data: bytes) -> tuple[float, float, str]:
    """(seconds, peak MB of the child or of the tool it ran, text) of one reading in a fresh fork."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        started = time.process_time(), time.perf_counter()
        try:
            text = reader(data)
        except Exception as exc:  # noqa: BLE001 - a reader that fails scores zero
            text = f"failed: {exc}"
        tool = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        payload = pickle.dumps((time.perf_counter() - started[1], tool, text))
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        seconds, tool_mb, text = pickle.loads(pipe.read())
    _, _, usage = os.wait4(pid, 0)
    return seconds, max(usage.ru_maxrss / 1024, tool_mb), text


def _accuracy(read: str, source: str) -> float:
    engine = diff_match_patch.diff_match_patch()
    engine.Diff_Timeout = 0
    a, b = "".join(source.split()), "".join(read.split())
    return max(0.0, 1 - engine.diff_levenshtein(engine.diff_main(a, b, False)) / len(a))


def run() -> list[tuple[str, str]]:
    files, sources = _files()
    idle = _in_child(lambda data: "", b"")[1]
    rows = []
    for kind, readers in READERS.items():
        megabytes = sum(len(f) for f in files[kind]) / 1e6
        for label, reader in readers:
            seconds = peak = accuracy = 0.0
            for data, source in zip(files[kind], sources, strict=True):
                spent, mb, text = _in_child(reader, data)
                seconds, peak = seconds + spent, max(peak, mb)
                accuracy += _accuracy(text, source) / len(sources)
            extra = max(0.0, peak - idle)
            rows.append(
                (
                    f"{kind}: {label}",
                    f"{megabytes / seconds:6.1f} MB/s ({seconds / megabytes:.2f} s per MB), "
                    f"peak {extra:.0f} MB, accuracy {accuracy:.4f}",
                )
            )
    return rows


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:56s} {figure}")
