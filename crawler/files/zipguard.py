"""Zip containers (DOCX, XLSX, OFD) opened only when they are what they claim: a zip bomb posing
as one of them is refused by its own directory before a byte is inflated."""

from __future__ import annotations

import io
import zipfile

from .errors import FileError

MAX_MEMBERS = 10_000
MAX_RATIO = 200  # real office files compress text about 5-20 times; bombs a thousandfold


def open_zip(data: bytes, max_unpacked: int) -> zipfile.ZipFile:
    """The container, if its members together unpack to at most max_unpacked bytes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileError(f"not a readable zip container ({exc})") from None
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_MEMBERS:
        raise FileError(f"a zip with {len(members)} members (a zip bomb?)")
    if unpacked > max_unpacked or unpacked > MAX_RATIO * max(len(data), 1) + 1_000_000:
        raise FileError(f"a zip bomb: {len(data):,} bytes unpack to {unpacked:,}")
    return archive


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member; the directory's sizes were checked, and reading stops at the size it declared."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise FileError(f"the container has no {name}") from None
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise FileError(f"{name} unpacks beyond its declared size (a zip bomb?)")
    return data
