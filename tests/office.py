"""Files made by real tools for the attachment tests: DOCX with python-docx, then LibreOffice
converting it (PDF with embedded CJK fonts, Word 97 DOC, the format Kingsoft's WPS files share)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from monitor.demo.files import docx_bytes


def convert(named_docx: dict[str, bytes], target: str) -> dict[str, bytes]:
    """{name: file bytes} converted by one LibreOffice run to target ("pdf", "doc")."""
    with tempfile.TemporaryDirectory(prefix="policywatch-office-") as folder:
        base = Path(folder)
        for name, data in named_docx.items():
            (base / f"{name}.docx").write_bytes(data)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{base / 'profile'}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(base / "out"),
                *[str(base / f"{name}.docx") for name in named_docx],
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return {name: (base / "out" / f"{name}.{target}").read_bytes() for name in named_docx}


def office_files(texts: dict[str, tuple[str, list[str]]], target: str) -> dict[str, bytes]:
    """{name: (title, paragraphs)} as target files made by LibreOffice from DOCX."""
    return convert({name: docx_bytes(title, paragraphs) for name, (title, paragraphs) in texts.items()}, target)
