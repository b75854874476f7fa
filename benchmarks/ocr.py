"""Is OCR worth building for scanned PDFs? Debian's tesseract with chi_sim on page pictures.

No real scanned policy pages were at hand (the machine has no network), so the pages are made:
LibreOffice PDFs of the samples rendered at 200 dpi by PDFium, then "scanned" twice each (a slight
rotation, blur and speckle, different every time, as two passes through a scanner are). Three
figures decide it: accuracy against the source text, seconds per page, and whether two scans of
the same page read the same (if not, every re-scan would be a false "changed" event).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import diff_match_patch
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from monitor.demo.files import docx_bytes
from monitor.demo.samples import load_sample
from tests.office import convert

SAMPLES = ["nx-final", "dabancheng-final"]
PAGES = 2  # per sample


def _scan(page: Image.Image, seed: str) -> Image.Image:
    rng = random.Random(seed)
    gray = page.convert("L").rotate(rng.uniform(-0.8, 0.8), expand=True, fillcolor=255)
    gray = gray.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
    pixels = gray.load()
    for _ in range(gray.width * gray.height // 400):
        pixels[rng.randrange(gray.width), rng.randrange(gray.height)] = rng.choice((0, 255))
    return gray


def _ocr(image: Image.Image, folder: Path) -> tuple[str, float]:
    path = folder / "page.png"
    image.save(path)
    started = time.perf_counter()
    done = subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim"], capture_output=True, check=True)
    return done.stdout.decode("utf-8"), time.perf_counter() - started


def _distance(a: str, b: str) -> float:
    engine = diff_match_patch.diff_match_patch()
    engine.Diff_Timeout = 0
    a, b = "".join(a.split()), "".join(b.split())
    return engine.diff_levenshtein(engine.diff_main(a, b, False)) / max(1, len(a))


def run() -> list[tuple[str, str]]:
    if shutil.which("tesseract") is None:
        return [("tesseract", "not installed (apt-get install tesseract-ocr-chi-sim): nothing measured")]
    samples = [load_sample(name) for name in SAMPLES]
    pdfs = convert({s.name: docx_bytes(s.title, s.paragraphs) for s in samples}, "pdf")
    errors, seconds, rescans = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in pdfs.items():
            document = pdfium.PdfDocument(data)
            for number in range(PAGES):
                page = document[number]
                truth = page.get_textpage().get_text_range()
                picture = page.render(scale=200 / 72).to_pil()
                first, spent = _ocr(_scan(picture, f"{name}-{number}-1"), Path(tmp))
                second, _ = _ocr(_scan(picture, f"{name}-{number}-2"), Path(tmp))
                errors.append(_distance(truth, first))
                seconds.append(spent)
                rescans.append(_distance(first, second))
            document.close()
    pages = len(errors)
    return [
        ("pages read", f"{pages} (made, not real scans)"),
        ("character error rate", f"{sum(errors) / pages:.1%} (worst page {max(errors):.1%})"),
        ("time per page", f"{sum(seconds) / pages:.1f} s"),
        ("two scans of one page differ by", f"{sum(rescans) / pages:.1%} of its characters"),
    ]


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:36s} {figure}")
