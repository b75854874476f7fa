"""Crawling on real Scrapyd nodes (three processes on 127.0.0.1) over the test PostgreSQL: twelve
sources on three sites, each domain always on its own node; a node killed mid-crawl; a node with
wrong credentials, without the project, or without the database; two daemons, one leading and one
standing by."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from sqlalchemy import func, select

from monitor.demo.mailsink import MailSink
from monitor.demo.site import DemoSite
from monitor.ops.cluster.placement import ranked
from storage import Change, Database, Document, Run, Version
from storage.models import NodeIncident
from storage.runs import ensure_source, finish_run, start_run

from .conftest import POLICYWATCH, Workspace
from .postgres import postgres_server
from .scrapyd import ScrapydNode

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")  # three domains, all on this machine
PUBLISHED = {"kjfw": "wansheng-plan", "nx-kjt": "nx-kjt-draft", "szf": "alxa-opinion", "zfxxgk": "yunnan-opinion"}


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, postgres_url):
    started = [ScrapydNode(tmp_path_factory.mktemp(f"node{i}"), postgres_url).start() for i in range(3)]
    yield started
    for node in started:
        node.kill()


@pytest.fixture
def sites():
    running = [DemoSite(host=host).__enter__() for host in HOSTS]
    for site in running:
        for section, sample in PUBLISHED.items():
            site.publish(section, sample)
    yield running
    for site in running:
        site.__exit__(None, None, None)


@pytest.fixture
def cluster(tmp_path, sites, nodes, postgres_url, monkeypatch):
    """Twelve sources (four sections of three sites) crawled through the three nodes."""
    with Database(postgres_url).engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    monkeypatch.setenv("POLICYWATCH_DATABASE_URL", postgres_url)
    mail = MailSink(tmp_path / "mail").start()
    workspace = Workspace(tmp_path, sites[0], mail.port)
    for seed in workspace.seeds.glob("*.toml"):
        seed.unlink()
    for number, site in enumerate(sites):
        for section in site.sections:
            workspace.write_seed(f"s{number}-{section}", f'start_urls = ["{site.listing_url(section)}"]\n')
    urls = json.dumps([n.url for n in nodes])
    with workspace.config.open("a", encoding="utf-8") as config:
        config.write(f"\n[cluster]\nnodes = {urls}\npoll_seconds = 0.2\nlost_job_seconds = 3\n")
    workspace.mail = mail
    yield workspace
    mail.stop()
    for node in nodes:  # a daemon's long-lived feed jobs outlive it: not into the next test
        if node.process is not None and node.process.poll() is None:
            node.end_jobs()


def _runs(workspace: Workspace) -> list[Run]:
    with workspace.db.session() as session:
        return list(session.scalars(select(Run).order_by(Run.id)))


def _domain(run: Run, workspace: Workspace) -> str:
    with workspace.db.session() as session:
        return HOSTS[int(session.get(Run, run.id).source.name[1])]


def test_twelve_sources_each_crawled_once_each_domain_on_its_own_node(cluster, nodes):
    cluster.cli("subscribe", "reader@example.org", "--reprints", "each")  # the sites share their documents
    listed = json.loads(cluster.cli("nodes", "--json").stdout)  # each checked end to end
    assert [row["error"] for row in listed] == [None, None, None]

    first = cluster.cli("crawl").stdout
    second = cluster.cli("crawl").stdout

    assert first.count(": ok,") == 12 and second.count(": ok,") == 12
    runs = _runs(cluster)
    assert len(runs) == 24 and all(r.status == "ok" and r.job_id for r in runs)
    node_urls = [n.url for n in nodes]
    for host in HOSTS:
        used = {r.node for r in runs if _domain(r, cluster) == host}
        assert used == {ranked(host, node_urls)[0]}, host  # one node per domain, the first in its order
    with cluster.db.session() as session:
        assert session.scalar(select(func.count(Document.id))) == 12
        assert session.scalar(select(func.count(Version.id))) == 12
        assert [c.kind for c in session.scalars(select(Change))] == ["new"] * 12
    [message] = cluster.mail.messages()  # one crawl, one message; the second crawl found nothing
    assert "12 新发布" in message["Subject"]


def test_a_node_killed_mid_crawl_crashes_its_runs_and_they_move_for_the_next_slot(cluster, nodes, sites):
    cluster.cli("subscribe", "reader@example.org", "--reprints", "each")  # the sites share their documents
    node_urls = [n.url for n in nodes]
    victim_url = ranked(HOSTS[0], node_urls)[0]
    victim = next(n for n in nodes if n.url == victim_url)
    sites[0].delay = 0.4  # the first site is slow: its crawls are still running when the node dies
    env = {**os.environ, "POLICYWATCH_CONFIG": str(cluster.config)}
    crawl = subprocess.Popen(
        [str(POLICYWATCH), "crawl"], env=env, cwd=cluster.folder, stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not any(r.status == "running" and r.node == victim_url for r in _runs(cluster)):  # crawling there
        assert time.monotonic() < deadline and crawl.poll() is None
        time.sleep(0.05)
    victim.kill()
    out, _ = crawl.communicate(timeout=300)
    sites[0].delay = 0.0
    try:
        runs = _runs(cluster)
        crashed = [r for r in runs if r.status == "crashed"]
        assert crashed and all(r.node == victim_url and "stopped answering" in r.error for r in crashed)
        assert "crashed" in out
        with cluster.db.session() as session:
            [incident] = session.scalars(select(NodeIncident))
            assert incident.node == victim_url and incident.kind == "node_down" and incident.closed_at is None

        assert cluster.cli("crawl").stdout.count(": ok,") == 12  # the next slot: on the next node
        later = _runs(cluster)[len(runs) :]
        moved = [r for r in later if _domain(r, cluster) == HOSTS[0]]
        assert {r.node for r in moved} == {ranked(HOSTS[0], node_urls)[1]}
        with cluster.db.session() as session:
            assert session.scalar(select(func.count(Document.id))) == 12
            documents = list(session.scalars(select(Document)))
            assert all(d.current_version is not None and d.current_version.text for d in documents)
            assert sorted(c.kind for c in session.scalars(select(Change))) == ["new"] * 12  # each once
        told = [m for m in cluster.mail.messages() if m["To"] == "reader@example.org"]
        assert sum(int(m["Subject"].split(" 新发布")[0].split()[-1]) for m in told) == 12  # nothing lost or doubled
    finally:
        victim.start()


def test_a_node_refusing_the_credentials_or_without_the_code_is_reported_and_passed_over(cluster, nodes, tmp_path):
    database_url = os.environ["POLICYWATCH_DATABASE_URL"]
    locked = ScrapydNode(tmp_path / "locked", database_url, "crawler", "s3cret").start()
    fresh = ScrapydNode(tmp_path / "fresh", database_url, project=False).start()
    cut_off = ScrapydNode(tmp_path / "cut-off", None).start()  # no POLICYWATCH_DATABASE_URL there
    try:
        text = cluster.config.read_text(encoding="utf-8")
        chosen = [locked.url, fresh.url, cut_off.url, nodes[0].url]
        cluster.config.write_text(
            text.replace(json.dumps([n.url for n in nodes]), json.dumps(chosen)), encoding="utf-8"
        )
        for seed in cluster.seeds.glob("s[12]-*.toml"):
            seed.unlink()

        result = cluster.cli("nodes", check=False)

        assert result.returncode == 1
        locked_line, fresh_line, cut_off_line, good_line = result.stdout.splitlines()
        assert "refuses the credentials" in locked_line and "POLICYWATCH_SCRAPYD_USERNAME" in locked_line
        assert "does not run policywatch" in fresh_line and "scrapy.cfg" in fresh_line
        assert "cannot reach the database" in cut_off_line and "POLICYWATCH_DATABASE_URL" in cut_off_line
        assert good_line.startswith(f"{nodes[0].url}: ok")
        assert cluster.cli("crawl").stdout.count(": ok,") == 4
        assert {r.node for r in _runs(cluster)} == {nodes[0].url}  # the others were passed over
        with cluster.db.session() as session:
            open_ = {
                (i.node, i.kind) for i in session.scalars(select(NodeIncident).where(NodeIncident.closed_at.is_(None)))
            }
        assert open_ == {(locked.url, "node_error"), (fresh.url, "node_error"), (cut_off.url, "node_error")}
    finally:
        for node in (locked, fresh, cut_off):
            node.kill()


def _daemon(workspace: Workspace, log: str) -> subprocess.Popen:
    env = {**os.environ, "POLICYWATCH_CONFIG": str(workspace.config)}
    return subprocess.Popen(
        [str(POLICYWATCH), "run"],
        env=env,
        cwd=workspace.folder,
        stdout=subprocess.DEVNULL,
        stderr=(workspace.folder / log).open("w"),
        start_new_session=True,
    )


def _until(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_a_standby_daemon_takes_over_when_the_leader_is_killed_and_no_slot_runs_twice(cluster):
    for seed in cluster.seeds.glob("*.toml"):
        if seed.stem != "s0-kjfw":
            seed.unlink()
    cluster.write_seed("s0-kjfw", f'start_urls = ["{cluster.site.listing_url("kjfw")}"]\nschedule = "every 2s"\n')
    with cluster.config.open("a", encoding="utf-8") as config:
        config.write("\n[daemon]\nseed_poll_seconds = 0.5\njitter_seconds = 0\nfailover_seconds = 1.5\n")
    leader = _daemon(cluster, "leader.log")
    standby = None
    try:
        _until(lambda: sum(r.status == "ok" for r in _runs(cluster)) >= 2, "the leader's runs")
        standby = _daemon(cluster, "standby.log")
        _until(lambda: "standby" in (cluster.folder / "standby.log").read_text(), "the standby to stand by")
        os.killpg(leader.pid, signal.SIGKILL)
        leader.wait(30)
        before = len(_runs(cluster))
        _until(lambda: "leading" in (cluster.folder / "standby.log").read_text(), "the standby to lead")
        _until(lambda: sum(r.status == "ok" for r in _runs(cluster)[before:]) >= 2, "the new leader's runs")
    finally:
        for process in (leader, standby):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(120)
    runs = _runs(cluster)
    slots = [r.scheduled_at for r in runs]
    assert None not in slots and len(set(slots)) == len(slots)  # every slot ran once
    assert "leading" in (cluster.folder / "leader.log").read_text()
    assert "standby" not in (cluster.folder / "leader.log").read_text()


def test_a_crawl_past_its_time_limit_is_closed_on_its_node(cluster, sites, nodes):
    for seed in cluster.seeds.glob("*.toml"):
        if seed.stem != "s0-kjfw":
            seed.unlink()
    text = cluster.config.read_text(encoding="utf-8").replace("crawl_time_limit = 120", "crawl_time_limit = 2")
    cluster.config.write_text(text, encoding="utf-8")
    sites[0].delay = 1.0  # six documents at a second each and the politeness delay: well past 2 s

    result = cluster.cli("crawl", check=False)

    sites[0].delay = 0.0
    [run] = _runs(cluster)
    assert result.returncode == 1 and run.status == "timeout" and "time limit" in run.error
    node = next(n for n in nodes if n.url == run.node)
    _until(lambda: run.job_id not in node.running_jobs(), "the cancelled job to end", 60)  # not left running


def test_a_run_its_scheduler_crashed_stays_crashed_when_its_lost_crawl_closes_it_late(tmp_path):
    """A node cut off rather than dead may finish a crawl its scheduler already gave up on."""
    db = Database(f"sqlite:///{tmp_path / 'late.db'}")
    with db.session() as session:
        run = start_run(session, ensure_source(session, "kjfw", ""))
        run.status, run.error = "crashed", "node http://crawl-2:6800 stopped answering"
        run_id = run.id
    with db.session() as session:
        finish_run(session, run_id, "ok")
    with db.session() as session:
        run = session.get(Run, run_id)
        assert (run.status, run.error) == ("crashed", "node http://crawl-2:6800 stopped answering")
