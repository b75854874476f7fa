"""The offline demonstration: a local government site, a local mail sink, two crawls.

A third subscriber takes a daily digest and deadline reminders: after the first crawl the demo
sets its clock to three days before the draft's comment deadline (a reminder), after the second
to the next morning (the digest). Both land in the mail sink with one-click unsubscribe links.

One policy is published only as a PDF attached to a cover note. Between the crawls the site edits
two documents and that PDF, publishes the final version of a draft at another address, republishes
a plan in another section (a reprint), publishes a decision repealing a policy by its 文号 (a
repeal), and takes one page down, while its chrome (counters, sidebars, timestamps) changes on every request.
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import secrets
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

from notifier.outbox import dispatch
from storage import Change, Database, queries, utcnow

from ..config import Settings, load_settings
from ..detect.changes import change_diff
from ..diff.render_html import render_page
from ..diff.render_text import render_terminal
from ..ops import periodic
from ..present import change_line
from .files import cover_note, local_copy, pdf_bytes, repealing_notice
from .mailsink import MailSink
from .samples import load_sample
from .site import DemoSite

WATCHER = "watcher@example.org"
KEYWORD_WATCHER = "kaifaqu@example.org"
DIGEST_WATCHER = "digest@example.org"
# The Ningxia draft's comments close on 2021-05-12: the reminder's day is three days before.
REMINDER_DAY = datetime(2021, 5, 9, 1, 0)  # 09:00 in Beijing, as naive UTC
# (path key, old text, new text): two quiet edits of the kind that matter to readers.
EDITS = [
    ("wansheng", "创建市级高新区各项指标任务总体完成率达80%以上", "创建市级高新区各项指标任务总体完成率达85%以上"),
    (
        "wansheng",
        "——到2023年底,以企业为主体的技术创新体系基本建成",
        "——到2024年6月底,以企业为主体的技术创新体系基本建成",
    ),
    (
        "yunnan",
        "對高新區內新認定的國家重點實驗室給予1000萬元一次性補助",
        "對高新區內新認定的國家重點實驗室給予1500萬元一次性補助",
    ),
]
PDF_PATH = "/col/col1229/files/dabancheng-plan.pdf"
PDF_EDIT = ("高新技术企业新增 3 家", "高新技术企业新增 5 家")


def _publish_pdf(site: DemoSite) -> str:
    """The Urumqi plan as a PDF attached to a cover note: the text lives only in the file."""
    plan = load_sample("dabancheng-final")
    page = site.publish("szf", cover_note(plan))
    return site.attach(page, f"{plan.title}.pdf", PDF_PATH, pdf_bytes(plan.title, plan.paragraphs))


def _edit_pdf(site: DemoSite) -> None:
    plan = load_sample("dabancheng-final")
    site.replace_file(PDF_PATH, pdf_bytes(plan.title, [p.replace(*PDF_EDIT) for p in plan.paragraphs]))


def _config(folder: Path, site: DemoSite, sink: MailSink) -> Path:
    seeds = folder / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for section in site.sections.values():
        (seeds / f"{section.name}.toml").write_text(
            f'name = "{section.name}"\ntitle = "{section.title}"\nstart_urls = ["{site.listing_url(section.name)}"]\n',
            encoding="utf-8",
        )
    config = folder / "policywatch.toml"
    config.write_text(
        "# Written by `policywatch demo`: the local demo site and mail sink.\n"
        'database_url = "sqlite:///policywatch.db"\nseeds_dir = "seeds"\n\n'
        "[crawl]\n# Politeness lifted for the local demo site only; the defaults are 1 s per domain.\n"
        "delay = 0.1\nconcurrency_per_domain = 4\n\n"
        f'[smtp]\nhost = "127.0.0.1"\nport = {sink.port}\nfrom_addr = "policywatch@demo.local"\n\n'
        "# Links in messages point at `policywatch serve`; the secret signs their unsubscribe links.\n"
        f'[web]\nbase_url = "http://127.0.0.1:8000"\n\n[notify]\nsecret = "{secrets.token_urlsafe(24)}"\n',
        encoding="utf-8",
    )
    return config


def _crawl(settings: Settings, db: Database, label: str) -> None:
    from ..ops.crawl import crawl

    print(f"\n== {label}")
    summaries, report = crawl(settings, settings.sources(), db=db)
    for summary in summaries:
        print("  " + summary.line())
    print(f"  notifications: {report.sent} sent, {report.pending} pending")


def _on_the_clock(settings: Settings, db: Database, now: datetime, label: str) -> None:
    """What the daemon sends on the clock, at the demo's chosen time."""
    from notifier.channels import channels

    print(f"\n== {label}")
    reminders = periodic.send_reminders(db, settings, now=now)
    digests = periodic.send_digests(db, settings, now=now)
    report = dispatch(db, channels(settings.smtp))
    print(f"  {reminders} deadline reminder(s), {digests} digest(s); notifications: {report.sent} sent")


def run_demo(folder: Path) -> int:
    folder = folder.resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    with DemoSite() as site, MailSink(folder / "mail") as sink:
        paths = _publish_first(site)
        print(f"mail sink: 127.0.0.1:{sink.port}")
        settings = load_settings(_config(folder, site, sink), environ={})
        db = Database(settings.database_url)
        _subscribe(db)
        _crawl(settings, db, "first crawl: everything is new")
        _on_the_clock(settings, db, REMINDER_DAY, "the clock set to 2021-05-09, three days before a draft's deadline")
        with db.session() as session:
            seen = len(queries.list_changes(session))
        _change_the_site(site, paths)
        _crawl(settings, db, "second crawl")
        _on_the_clock(settings, db, utcnow() + timedelta(days=1), "the clock set to the next day: the daily digest")
        _show_second_crawl(db, seen, folder)
    mails = sorted((folder / "mail").glob("*.eml"))
    print(f"\ne-mails: {len(mails)} in {folder / 'mail'}")
    print(f"database: {settings.database_url}")
    print(f"try: .venv/bin/policywatch --config {folder / 'policywatch.toml'} changes")
    print(
        f"     .venv/bin/policywatch --config {folder / 'policywatch.toml'} serve"
        "   (the e-mails' diff and unsubscribe links point there)"
    )
    return 0


def _publish_first(site: DemoSite) -> dict[str, str]:
    paths = {
        "nx-draft": site.publish("nx-kjt", "nx-kjt-draft"),
        "dabancheng": site.publish("szf", "dabancheng-draft"),
        "alxa": site.publish("kjfw", "alxa-opinion"),
        "wansheng": site.publish("kjfw", "wansheng-plan"),
        "yunnan": site.publish("zfxxgk", "yunnan-opinion"),
        "pdf": _publish_pdf(site),
    }
    print(
        f"demo site: {site.base_url} (four sections, four page templates, five documents and a plan "
        "published only as a PDF attachment)"
    )
    return paths


def _subscribe(db: Database) -> None:
    with db.session() as session:
        queries.subscribe(session, WATCHER, [], [], "email")
        queries.subscribe(session, KEYWORD_WATCHER, [], ["实施意见"], "email")
        queries.subscribe(session, DIGEST_WATCHER, [], [], "email", queries.Rhythm("daily", "08:00", None, 3))
    print(
        f"subscribed {WATCHER} (everything), {KEYWORD_WATCHER} (keyword 实施意见) and {DIGEST_WATCHER} "
        "(a daily digest at 08:00, and reminders of comment deadlines three days ahead)"
    )


def _change_the_site(site: DemoSite, paths: dict[str, str]) -> None:
    for key, old, new in EDITS:
        site.edit(paths[key], old, new)
    _edit_pdf(site)
    final_path = site.publish("zfxxgk", "nx-final", "/zfxxgk/zcwj/202106/t20210630_2468.html")
    site.publish("szf", local_copy(load_sample("wansheng-plan")))
    site.publish("szf", repealing_notice(load_sample("yunnan-opinion")))
    site.remove(paths["alxa"])
    print(
        "\nthe site changes: two documents and the PDF edited, the final text of the Ningxia draft published at "
        f"{final_path}, a plan republished by another section, a decision repealing the Yunnan opinion by its "
        "文号, one page removed; counters, sidebars and timestamps changed on every request"
    )


def _show_second_crawl(db: Database, seen: int, folder: Path) -> None:
    with db.session() as session:
        later = queries.list_changes(session)[seen:]
        print("\n== events of the second crawl (policywatch changes)")
        for change in later:
            print("  " + change_line(change))
        shown = next((c for c in later if c.kind == "finalized"), None)
        if shown is not None:
            _show_diff(shown, folder)
        edited_pdf = next((c for c in later if c.kind == "changed" and c.document.file_type == "pdf"), None)
        if edited_pdf is not None:
            _show_diff(edited_pdf, folder)


def _show_diff(change: Change, folder: Path) -> None:
    old, new = change.old_version, change.new_version
    if old is None or new is None:
        return
    diff = change_diff(change)
    print(f"\n== policywatch diff {change.id}: {new.title}")
    print(render_terminal(diff, color=sys.stdout.isatty()))
    page = folder / f"diff-{change.id}.html"
    page.write_text(render_page(diff, old.title, new.title, change.document.url), encoding="utf-8")
    print(f"the same diff as a web page: {page}")
