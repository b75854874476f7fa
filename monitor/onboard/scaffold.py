"""`policywatch init`: a commented policywatch.toml with every key at its default, and an example
seed. The config is written from the settings models themselves, so it cannot drift from them; a
key without a line here fails the tests."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ..config import CONFIG_NAME, ConfigError, Settings

HELP = {
    "database_url": "where everything is stored: SQLite by default, or postgresql://user@host/db",
    "seeds_dir": "the folder of seed files, one per watched source (relative to this file)",
    "crawl_time_limit": "seconds before a crawl is stopped",
    "crawl_memory_limit_mb": "a crawl process using more memory is stopped; 0: no limit",
    "http_cache_dir": "kept pages' validators, so re-crawls ask If-Modified-Since (conditional requests)",
    "crawl": "Politeness and limits for every crawl; a seed may override delay and concurrency.",
    "crawl.delay": "seconds at least between two requests to one domain (whatever source asks)",
    "crawl.concurrency_per_domain": "requests in flight to one domain",
    "crawl.requests_in_flight": "requests in flight over all domains, per crawl process",
    "crawl.autothrottle": "slow down further when a site answers slowly",
    "crawl.obey_robots": "keep to robots.txt",
    "crawl.retries": "retries of a server error or timeout",
    "crawl.timeout": "seconds before a request is given up",
    "crawl.max_page_bytes": "pages bigger than this are failed fetches",
    "crawl.user_agent": "how policywatch names itself to sites",
    "crawl.store_workers": "processes cleaning and storing fetched pages (2 helps only on very fast sites)",
    "crawl.browser": "the chromium for sites that need a browser (Debian's; never a downloaded one)",
    "crawl.browser_pages": "pages rendering at once, per crawl",
    "crawl.browser_page_seconds": "seconds a page may take to render",
    "crawl.browser_restart_pages": "a fresh browser context (new renderer processes) after this many pages",
    "crawl.attachment_max_mb": "attachments bigger than this are not downloaded",
    "crawl.attachments_per_document": "attachments fetched per document page",
    "crawl.attachment_seconds": "seconds reading one file may take",
    "crawl.attachment_memory_mb": "memory reading one file may use",
    "smtp": "The mail server notifications go through (password: $POLICYWATCH_SMTP_PASSWORD).",
    "smtp.host": "mail server",
    "smtp.port": "its port (25; 465 for ssl, 587 for starttls)",
    "smtp.from_addr": "the sender of every message",
    "smtp.username": "login, if the server wants one",
    "smtp.password": "better given as $POLICYWATCH_SMTP_PASSWORD",
    "smtp.security": "none, starttls or ssl",
    "smtp.timeout": "seconds before the server is given up (messages stay pending)",
    "web": "The researchers' web page (policywatch serve).",
    "web.host": "address to listen on",
    "web.port": "port to listen on",
    "web.admin_token": "token for the admin pages; unset: no admin",
    "web.base_url": "the page's public address, for links in messages",
    "daemon": "The scheduler (policywatch run).",
    "daemon.max_parallel_crawls": "sources crawled at once by the crawl process of a host (this one, or each node)",
    "daemon.recycle_hours": "the long-lived crawl process is replaced after this long (nothing is lost)",
    "daemon.seed_poll_seconds": "how often the seeds folder is checked for edits",
    "daemon.grace_seconds": "how long a running crawl may take to stop on shutdown",
    "daemon.jitter_seconds": "random delay added to each scheduled crawl, so sources spread out",
    "daemon.outbox_retry_seconds": "how often pending messages are tried again",
    "daemon.index_seconds": "how often the related-documents index is updated",
    "daemon.timezone": "the zone of crontab schedules",
    "daemon.failover_seconds": "a standby daemon takes over within this long after the leader dies",
    "alerts": "Telling ops when a source breaks.",
    "alerts.ops_email": "who is told; unset: nobody (status still shows it)",
    "alerts.after_failures": "failed runs in a row that open an incident",
    "notify": "Messages to subscribers.",
    "notify.secret": "signs one-click unsubscribe links (needs [web] base_url); better $POLICYWATCH_SECRET",
    "notify.language": 'the words around the content of messages: "zh" or "en"',
    "detect": "How change detection judges what it sees.",
    "detect.confirm_crawls": "a change becomes an event once this many crawls in a row saw it (against flapping pages)",
    "cluster": "Scrapyd nodes that crawl for this scheduler; none: crawl on this host.",
    "cluster.nodes": 'Scrapyd addresses, e.g. ["http://crawl-1:6800"]; deploy with `policywatch nodes deploy`',
    "cluster.project": "the Scrapyd project name",
    "cluster.username": "Scrapyd's basic auth; better $POLICYWATCH_SCRAPYD_USERNAME",
    "cluster.password": "better $POLICYWATCH_SCRAPYD_PASSWORD",
    "cluster.poll_seconds": "how often running jobs are checked",
    "cluster.lost_job_seconds": "a job its node no longer lists (or a silent node) is crashed after this",
    "storage": "What is kept.",
    "storage.keep_fetches": "fetch rows of unchanged pages older than this are pruned (never versions)",
}

EXAMPLE_SEED = """\
# One watched source: a listing page of a government site. Only start_urls is required; the
# listing's documents, its pagination and each document's text are found by themselves.
# `policywatch try URL` shows what a URL gives before you write a seed; `policywatch add URL`
# writes one. seeds/README.md lists every key.
title = "Example: 国务院 最新政策"
start_urls = ["https://www.gov.cn/zhengce/zuixin/"]
schedule = "every 6h"       # or "every 30m", "every 1d", or a crontab line "0 8 * * *"
enabled = false             # an example: set true (or delete this line) to watch it
"""


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(str(value), ensure_ascii=False)


def _key_line(model: type[BaseModel], key: str, where: str) -> str:
    default = model.model_fields[key].default
    line = f"# {key} = " + ("(unset)" if default is None else _value(default))
    return f"{line:<44} # {HELP[where]}"


def config_text() -> str:
    """Every key of every section at its default, commented out, with what it does."""
    lines = ["# policywatch settings. Every key is shown at its default; uncomment to change it.", ""]
    sections = []
    for key, info in Settings.model_fields.items():
        if key == "base_dir":
            continue
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            sections.append((key, info.annotation))
        else:
            lines.append(_key_line(Settings, key, key))
    for name, model in sections:
        lines += ["", f"# {HELP[name]}", f"[{name}]"]
        lines += [_key_line(model, key, f"{name}.{key}") for key in model.model_fields]
    return "\n".join(lines) + "\n"


def init_folder(folder: Path) -> list[Path]:
    """Write the config and the example seed; refuse if either exists."""
    config, seed = folder / CONFIG_NAME, folder / "seeds" / "example.toml"
    existing = [str(p) for p in (config, seed) if p.exists()]
    if existing:
        raise ConfigError(f"{', '.join(existing)} already exists; init never overwrites (remove it or pick a folder)")
    seed.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(config_text(), encoding="utf-8")
    seed.write_text(EXAMPLE_SEED, encoding="utf-8")
    return [config, seed]
