"""The seed file that watches what `try` found, its name, and writing it without overwriting."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ..config import ConfigError, load_source
from .findings import Findings

_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_PAGE_FILE = re.compile(r"\.[A-Za-z]{2,5}$")  # index.html, list.shtml: a file, not a section


def seed_name(url: str) -> str:
    """A short readable name from the address: the site without www. and its public suffix
    (.gov.cn, .com.cn, .cn…), then the section's folders that say something (kjt.nx.gov.cn/kjt/
    tzgg/ → kjt.nx-tzgg; www.gov.cn/zhengce/zuixin/ → gov-zhengce-zuixin)."""
    parts = urlsplit(url)
    host = (parts.hostname or "site").removeprefix("www.")
    site = _SUFFIX.sub("", host) or host
    labels = set(site.split("."))
    folders = [
        p
        for p in parts.path.split("/")
        if p and not _PAGE_FILE.search(p) and p.lower() not in _GENERIC and p not in labels and not p.isdigit()
    ]
    name = "-".join([site, *folders[-MAX_FOLDERS:]])
    return _NOT_NAME.sub("-", name).strip("-.")[:80] or "site"


_SUFFIX = re.compile(r"\.(?:gov|com|org|edu|net)\.cn$|\.(?:cn|com|org|net)$")
# Folders every CMS has, which tell nothing about the section.
_GENERIC = {"col", "html", "site", "sites", "web", "portal", "channel", "channels", "cms", "www", "pub", "public"}
MAX_FOLDERS = 3


def _toml(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, so a hostile title stays one string."""
    return json.dumps(value, ensure_ascii=False)


def seed_text(found: Findings) -> str:
    """The seed file for what was found: a listing's start URL, or the document page itself."""
    lines = [f"# Written by `policywatch add` on {date.today().isoformat()}; seeds/README.md lists every key."]
    if found.page_title:
        lines.append(f"title = {_toml(found.page_title[:200])}")
    key = "documents" if found.kind == "document" else "start_urls"
    lines.append(f"{key} = [{_toml(found.url)}]")
    if found.rendered:
        lines.append('render = "browser"  # the list is built by scripts')
    lines.append('schedule = "every 6h"')
    return "\n".join(lines) + "\n"


def free_path(seeds_dir: Path, name: str, names_used: set[str]) -> Path:
    """Where a new seed of this name goes; a ConfigError if the name is bad or taken."""
    path = seeds_dir / f"{name}.toml"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", name):
        raise ConfigError(f"{name!r}: a seed name is letters, digits, '.', '_' and '-' (up to 100)")
    if path.exists() or name in names_used:
        raise ConfigError(f"{path}: a source named {name!r} exists; choose another with --name")
    return path


def write_seed(seeds_dir: Path, name: str, text: str, names_used: set[str]) -> Path:
    """seeds_dir/NAME.toml, checked as the crawl will read it; never overwrites a seed or reuses
    a source's name."""
    path = free_path(seeds_dir, name, names_used)
    seeds_dir.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as fh:
        fh.write(text)
    try:
        load_source(path)
    except ConfigError:
        path.unlink()
        raise
    return path
