"""Crawling on Scrapyd nodes: one scheduler (the daemon, or `policywatch crawl`) starts each
source's crawl on the node its domain is pinned to, watches the jobs, and runs detection and
notifications itself once a run ends. Without [cluster] nodes, crawls run on this host."""
