"""The cleaning stage: pure functions from page bytes to a CleanDocument, no Scrapy import."""

from .document import Attachment, Block, CleanDocument, Meta
from .extract import Rules, clean

__all__ = ["Attachment", "Block", "CleanDocument", "Meta", "Rules", "clean"]
