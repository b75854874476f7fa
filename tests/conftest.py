"""Shared fixtures: a real local site, a real SMTP server, a real SQLite file, the real CLI."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config import Settings, load_settings
from monitor.demo.mailsink import MailSink, free_port
from monitor.demo.site import DEFAULT_SECTIONS, DemoSite, Section
from monitor.ops.crawl import RunSummary, crawl
from notifier.outbox import DispatchReport
from storage import Database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
POLICYWATCH = Path(sys.executable).with_name("policywatch")


class Workspace:
    """A config folder with seeds pointing at a local site, and helpers to crawl and query it."""

    def __init__(self, folder: Path, site: DemoSite, smtp_port: int) -> None:
        self.folder = folder
        self.site = site
        self.smtp_port = smtp_port
        self.seeds = folder / "seeds"
        self.seeds.mkdir(exist_ok=True)
        for section in site.sections.values():
            self.write_seed(section.name, f'start_urls = ["{site.listing_url(section.name)}"]\n')
        self.config = folder / "policywatch.toml"
        self.config.write_text(
            'database_url = "sqlite:///pw.db"\nseeds_dir = "seeds"\n'
            "crawl_time_limit = 120\n"
            "[crawl]\ndelay = 0\nconcurrency_per_domain = 8\nautothrottle = false\nretries = 1\ntimeout = 10\n"
            f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nfrom_addr = "pw@test.local"\ntimeout = 5\n',
            encoding="utf-8",
        )
        self.db = Database(self.settings().database_url)

    def write_seed(self, name: str, body: str) -> Path:
        path = self.seeds / f"{name}.toml"
        path.write_text(f'name = "{name}"\n{body}', encoding="utf-8")
        return path

    def settings(self) -> Settings:
        return load_settings(self.config, environ=os.environ)

    def crawl(self, *names: str) -> tuple[list[RunSummary], DispatchReport]:
        settings = self.settings()
        sources = [s for s in settings.sources() if not names or s.name in names]
        return crawl(settings, sources, db=self.db)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "POLICYWATCH_CONFIG": str(self.config)}
        result = subprocess.run(
            [str(POLICYWATCH), *args], capture_output=True, text=True, env=env, cwd=self.folder, timeout=300
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"policywatch {' '.join(args)} exited {result.returncode}:\n{result.stderr}\n{result.stdout[-2000:]}"
            )
        return result

    def changes(self, *args: str) -> list[dict]:
        return json.loads(self.cli("changes", "--json", *args).stdout)


# A test using one of these needs a service started for it (a local site, an SMTP server, PostgreSQL,
# chromium, LibreOffice, Scrapyd, the daemon): it is marked `services`, and `make check` leaves it out.
SERVICE_FIXTURES = frozenset(
    "workspace site mail served web browser browsing browser_site cluster nodes postgres_url only internal "
    "watched libreoffice_files sites".split()
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.services)


@pytest.fixture(autouse=True)
def no_daemon_outlives_its_test():
    """A daemon a failed test left running would crawl on for hours: its whole group goes."""
    yield
    from .test_daemon import Daemon

    for process in Daemon.started:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)
    Daemon.started.clear()


@pytest.fixture
def site() -> DemoSite:
    with DemoSite([Section(s.name, s.title, s.prefix, s.style, s.charset) for s in DEFAULT_SECTIONS]) as running:
        yield running


@pytest.fixture
def mail(tmp_path: Path) -> MailSink:
    with MailSink(tmp_path / "mail") as sink:
        yield sink


@pytest.fixture
def workspace(tmp_path: Path, site: DemoSite, mail: MailSink) -> Workspace:
    return Workspace(tmp_path, site, mail.port)


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: an SMTP server that is down."""
    return free_port()
