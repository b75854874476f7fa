"""The settings Scrapyd runs policywatch's crawl with on a node: the scrapy.cfg of Scrapyd's folder
names this module (`[settings] policywatch = crawler.node_settings`), so the node runs the package
installed in its own environment, no egg. Its job logs say what the crawl did (runs claimed and closed, at INFO)."""

from .settings import *  # noqa: F403 - the crawl's settings, all of them

LOG_LEVEL = "INFO"
