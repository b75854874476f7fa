"""Commands for a newcomer's first sites: init, try, add, and seeds (the folder checked)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from crawler.cleaning.urls import absolute_link

from ..config import Settings, check_seeds
from ..onboard.findings import Findings, look
from ..onboard.scaffold import init_folder
from ..onboard.seed import free_path, seed_name, seed_text, write_seed
from ..onboard.show import report_json, report_text
from .common import AddCommand, UsageError


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    folder = Path(args.dir)
    for path in init_folder(folder):
        print(f"wrote {path}")
    where = "" if folder.resolve() == Path.cwd() else f" (in {args.dir})"
    print(f"next{where}:")
    print("  policywatch try https://www.example.gov.cn/zwgk/zcwj/   # what policywatch sees on a listing")
    print("  policywatch add https://www.example.gov.cn/zwgk/zcwj/   # watch it: writes seeds/NAME.toml")
    print("  policywatch crawl                                       # crawl now (`policywatch run`: on schedule)")
    return 0


def _look(url: str, settings: Settings, render: str) -> Findings:
    if absolute_link(url) != url:
        raise UsageError(f"not an http(s) URL: {url!r}")
    return look(url, settings.crawl, render)


def cmd_try(args: argparse.Namespace, settings: Settings) -> int:
    found = _look(args.url, settings, args.render)
    if args.json:
        print(json.dumps(report_json(found), ensure_ascii=False, indent=2))
    else:
        print(report_text(found), end="")
    return 0 if found.kind != "nothing" else 1


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    sources, _problems = check_seeds(settings.seeds_dir)
    name = args.name or seed_name(args.url)
    names_used = {s.name for s in sources}
    free_path(settings.seeds_dir, name, names_used)  # refused before the dry run, not after
    found = _look(args.url, settings, args.render)
    print(report_text(found), end="")
    if found.kind == "nothing":
        print("no seed written.")
        return 1
    path = write_seed(settings.seeds_dir, name, seed_text(found), names_used)
    print(f"wrote {path}; `policywatch crawl {name}` crawls it now, `policywatch run` on its schedule")
    return 0


def cmd_seeds(args: argparse.Namespace, settings: Settings) -> int:
    sources, problems = check_seeds(settings.seeds_dir)
    if args.json:
        rows = [{"source": s.name, "schedule": s.schedule, "enabled": s.enabled, "render": s.render} for s in sources]
        print(json.dumps({"sources": rows, "problems": problems}, ensure_ascii=False, indent=2))
    else:
        for s in sources:
            state = "enabled" if s.enabled else "disabled"
            print(f"{s.name:<32} {s.schedule:<16} {state:<9} {', '.join(s.start_urls or s.documents)}")
        for problem in problems:
            print(f"problem: {problem}")
        if not sources and not problems:
            print(f"no seed files in {settings.seeds_dir}")
    return 1 if problems else 0


def register(add: AddCommand) -> None:
    p = add("init", cmd_init, "write a commented policywatch.toml and seeds/example.toml (never overwrites)")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR")
    for name, handler, text in (
        ("try", cmd_try, "a dry run on one URL: what a crawl would watch there (stores and sends nothing)"),
        ("add", cmd_add, "try a URL, then write the seed that watches it"),
    ):
        p = add(name, handler, text)
        p.add_argument("url", metavar="URL")
        p.add_argument("--render", choices=("auto", "static", "browser"), default="auto")
        if name == "try":
            p.add_argument("--json", action="store_true")
        else:
            p.add_argument("--name", help="the seed's name (default: from the URL)")
    p = add("seeds", cmd_seeds, "every source, its schedule and whether enabled, and each problem in the seed files")
    p.add_argument("--json", action="store_true")
