"""Files as documents: attachments and files linked from listings (PDF, Word, WPS, OFD,
spreadsheets, RTF, text), their kind sniffed from their bytes, their text read in a bounded child
process and laid out in paragraphs like a page's. No Scrapy import."""

from .document import file_document
from .errors import FileError
from .links import canonical_url, file_links
from .read import FileLimits, FileText, extract, read_file
from .sniff import FILE_TYPES, sniff

__all__ = [
    "FILE_TYPES",
    "FileError",
    "FileLimits",
    "FileText",
    "canonical_url",
    "extract",
    "file_document",
    "file_links",
    "read_file",
    "sniff",
]
