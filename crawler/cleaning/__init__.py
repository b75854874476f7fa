"""The cleaning stage: pure functions from page bytes to a CleanDocument, no Scrapy import."""

from .document import Attachment, Block, CleanDocument, Meta
from .extract import Rules, clean

# Raise it whenever a change to the cleaner changes what it makes of a page: stored versions made
# by an older cleaner are then re-cleaned from their raw HTML before anything is compared with
# them (crawler/rebaseline.py). 2: shapes, body edges, WeChat, titles robust to figures. 3: the
# 公文 elements around the body (official.py), data tables and their rowspans, site-name tab titles.
# 4: validity (validity.py: a page's marker, a stated period, repeal clauses).
CLEANER_VERSION = 4

__all__ = ["CLEANER_VERSION", "Attachment", "Block", "CleanDocument", "Meta", "Rules", "clean"]
