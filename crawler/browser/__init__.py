"""Rendering pages in a real browser, for sites whose listings or documents are built by scripts:
scrapy-playwright driving Debian's chromium, installed only on the crawls that need it."""
