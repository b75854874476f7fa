"""Debian's command-line readers for the binary office formats, each bounded in time.

antiword reads Word 97-2003 and the WPS files Kingsoft saves in the same format; catdoc reads
what antiword refuses; LibreOffice (headless, a profile of its own per call so that two calls
never share a lock) reads everything else, at a second or so per file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import FileError

TOOL_SECONDS = 60


def _run(command: list[str], data: bytes, suffix: str) -> str:
    if shutil.which(command[0]) is None:
        raise FileError(f"{command[0]} is not installed (make system-packages installs it)")
    with tempfile.TemporaryDirectory(prefix="policywatch-file-") as folder:
        path = Path(folder) / f"file.{suffix}"
        path.write_bytes(data)
        try:
            done = subprocess.run(
                [*command, str(path)], capture_output=True, timeout=TOOL_SECONDS, cwd=folder, check=False
            )
        except subprocess.TimeoutExpired:
            raise FileError(f"{command[0]} took longer than {TOOL_SECONDS} s") from None
    output = done.stdout.decode("utf-8", "replace").replace("\ufeff", "")
    if done.returncode != 0 or not output.strip():
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise FileError(f"{command[0]} could not read it ({reason[-1][:200] if reason else done.returncode})")
    return output


def antiword(data: bytes) -> str:
    return _run(["antiword", "-m", "UTF-8.txt", "-w", "0"], data, "doc")


def catdoc(data: bytes) -> str:
    return _run(["catdoc", "-w", "-d", "utf-8"], data, "doc")


def libreoffice(data: bytes, suffix: str) -> str:
    """The document as plain text (`soffice --cat`)."""
    with tempfile.TemporaryDirectory(prefix="policywatch-lo-") as profile:
        return _run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--cat"], data, suffix
        )


def first_that_reads(data: bytes, suffix: str) -> tuple[str, str]:
    """(text, tool) from the first reader that gives text: antiword, catdoc, then LibreOffice."""
    failures = []
    for name, read in (("antiword", antiword), ("catdoc", catdoc), ("libreoffice", lambda d: libreoffice(d, suffix))):
        try:
            return read(data), name
        except FileError as exc:
            failures.append(str(exc))
    raise FileError("; ".join(failures))
