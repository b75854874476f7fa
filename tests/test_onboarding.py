"""A newcomer's first sites: init scaffolds a folder, try dry-runs a crawl on one URL (a listing,
a document, a script-built listing, and the ways a URL gives nothing), add writes the seed try
proposed and a crawl then finds the same documents, seeds checks the whole folder; startup
mistakes are one line with exit 2. Against the demo site on 127.0.0.1 and Debian's chromium."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import func, select

from monitor.config import Settings, load_settings
from monitor.demo.samples import load_sample, sample_names
from monitor.demo.site import DemoSite, Section
from monitor.onboard.scaffold import config_text
from storage import Document

from .conftest import POLICYWATCH, Workspace, free_port


def _publish(site: DemoSite, section: str, count: int) -> list[str]:
    return [site.publish(section, load_sample(name)) for name in sample_names()[:count]]


def _every_key() -> list[str]:
    keys = []
    for name, info in Settings.model_fields.items():
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            keys += list(info.annotation.model_fields)
        elif name != "base_dir":
            keys.append(name)
    return sorted(keys)


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(POLICYWATCH), *args], capture_output=True, text=True, cwd=folder, timeout=300)


def _one_line_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(r"policywatch( [\w-]+)?: error: ", lines[0]), result.stderr
    assert all(word in lines[0] for word in words), lines[0]


def test_try_a_listing_shows_its_documents_and_cleans_the_first(workspace, site):
    paths = _publish(site, "nx-kjt", 4)

    found = json.loads(workspace.cli("try", site.listing_url("nx-kjt"), "--json").stdout)

    assert found["kind"] == "listing" and not found["rendered"]
    assert [d["url"] for d in found["documents"]] == [site.url(p.path) for p in site.listed("nx-kjt")]
    by_url = {site.url(p): load_sample(n) for p, n in zip(paths, sample_names(), strict=False)}
    assert all(d["title"] == by_url[d["url"]].title for d in found["documents"])
    assert all(d["date"] == by_url[d["url"]].publish_date for d in found["documents"])
    first = found["first"][0]
    sample = by_url[first["url"]]
    assert first["title"] == sample.title and first["meta"]["publish_date"] == sample.publish_date
    assert first["lines"][0].replace(" ", "") in sample.text.replace(" ", "")
    assert any("首页" in cut for cut in first["cut"])  # the menu was cut as chrome
    assert len(found["first"]) == 3
    with workspace.db.session() as session:  # a dry run: nothing stored
        assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_try_a_document_page_proposes_watching_the_page_itself(workspace, site):
    [path] = _publish(site, "zfxxgk", 1)

    text = workspace.cli("try", site.url(path)).stdout

    assert f"{site.url(path)}: a document page." in text
    assert load_sample(sample_names()[0]).title in text
    assert f'documents = ["{site.url(path)}"]' in text


def test_add_writes_the_seed_try_showed_and_a_crawl_finds_the_same_documents(workspace, site):
    _publish(site, "szf", 5)
    shown = json.loads(workspace.cli("try", site.listing_url("szf"), "--json").stdout)

    added = workspace.cli("add", site.listing_url("szf"), "--name", "city")
    seed = workspace.seeds / "city.toml"
    assert f"wrote {seed}" in added.stdout
    assert seed.read_text(encoding="utf-8") == shown["seed"]
    workspace.cli("crawl", "city")

    crawled = {c["url"] for c in workspace.changes("--kind", "new") if c["source"] == "city"}
    assert crawled == {d["url"] for d in shown["documents"]}
    again = workspace.cli("add", site.listing_url("szf"), "--name", "city", check=False)
    _one_line_error(again, 2, "city", "exists")
    assert seed.read_text(encoding="utf-8") == shown["seed"]


def test_try_renders_a_script_built_listing_and_its_seed_says_so(tmp_path, mail):
    with DemoSite([Section("fetched", "通知公告", "/tzgg/", "fetch", page_size=2)]) as site:
        _publish(site, "fetched", 3)
        workspace = Workspace(tmp_path, site, mail.port)

        found = json.loads(workspace.cli("try", site.listing_url("fetched"), "--json").stdout)

    assert found["kind"] == "listing" and found["rendered"]
    assert len(found["documents"]) == 2 and found["first"][0]["title"]
    assert 'render = "browser"' in found["seed"]


def test_try_says_in_one_paragraph_why_a_url_gives_nothing(workspace, site):
    login, empty = _publish(site, "nx-kjt", 2)
    site.break_page(login, 403, b"<html><body><form>user <input type='password' name='pw'></form></body></html>")
    site.break_page(empty, 200, "<html><body><h1>栏目建设中</h1><p>敬请期待</p></body></html>".encode())
    cases = [
        (site.url(login), "asks for a login"),
        (site.url("/no/such/page.html"), "answered HTTP 404"),
        (site.url(empty), "none of its links forms a list of documents"),
        (f"http://127.0.0.1:{free_port()}/", "could not be fetched: Connection was refused"),
    ]
    for url, reason in cases:
        result = workspace.cli("try", url, "--render", "static", check=False)
        assert result.returncode == 1 and "nothing policywatch could watch" in result.stdout, result.stdout
        assert reason in result.stdout, result.stdout
        assert "Traceback" not in result.stderr and "ERROR" not in result.stderr  # the paragraph alone
    site.robots = "User-agent: *\nDisallow: /\n"
    refused = workspace.cli("try", site.listing_url("nx-kjt"), check=False)
    assert refused.returncode == 1 and "robots.txt does not allow" in refused.stdout, refused.stdout


def test_init_writes_every_key_at_its_default_and_never_overwrites(tmp_path):
    first = _run(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert "policywatch try" in first.stdout and "policywatch add" in first.stdout
    config = (tmp_path / "policywatch.toml").read_text(encoding="utf-8")
    uncommented = re.sub(r"^# (\w+ = (?!\(unset\)).*?)\s+# .*$", r"\1", config, flags=re.MULTILINE)
    (tmp_path / "all.toml").write_text(uncommented, encoding="utf-8")
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    loaded, defaults = load_settings(tmp_path / "all.toml", environ={}), load_settings(tmp_path / "none.toml", {})
    assert loaded.model_dump(exclude={"base_dir"}) == defaults.model_dump(exclude={"base_dir"})
    assert sorted(re.findall(r"^# (\w+) = ", config, flags=re.MULTILINE)) == _every_key()
    assert config == config_text()
    seeds = _run(tmp_path, "seeds")
    assert seeds.returncode == 0 and "example" in seeds.stdout and "disabled" in seeds.stdout

    again = _run(tmp_path, "init")
    _one_line_error(again, 2, "policywatch.toml", "already exists")
    assert (tmp_path / "policywatch.toml").read_text(encoding="utf-8") == config


def test_seeds_lists_every_source_and_every_problem_naming_file_and_key(workspace):
    workspace.write_seed("typo", 'start_urls = ["http://127.0.0.1/"]\nschedul = "every 1h"\n')
    workspace.write_seed("broken", "start_urls = [\n")
    workspace.write_seed("nourl", 'title = "x"\n')

    result = workspace.cli("seeds", "--json", check=False)

    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert {s["source"] for s in report["sources"]} == {"nx-kjt", "kjfw", "zfxxgk", "szf"}
    problems = "\n".join(report["problems"])
    assert "typo.toml: schedul: unknown key" in problems
    assert "broken.toml: invalid TOML" in problems
    assert "nourl.toml: start_urls: give at least one listing URL" in problems


def test_startup_mistakes_are_one_line_with_exit_2(tmp_path):
    _one_line_error(_run(tmp_path, "serve", "--port", "99999"), 2, "not a port number", "99999")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        _one_line_error(_run(tmp_path, "serve", "--port", port), 2, f"cannot listen on 127.0.0.1:{port}")
    _one_line_error(_run(tmp_path, "crawl"), 2, "seeds folder not found")
    _one_line_error(_run(tmp_path, "no-such-command"), 2, "invalid choice")
    (tmp_path / "policywatch.toml").write_text("[web]\nport = -1\n", encoding="utf-8")
    _one_line_error(_run(tmp_path, "serve"), 2, "web.port")


def test_commands_that_name_no_source_need_no_seeds_folder(tmp_path):
    (tmp_path / "policywatch.toml").write_text('database_url = "sqlite:///pw.db"\n', encoding="utf-8")

    result = _run(tmp_path, "subscribe", "watcher@example.org", "--keyword", "高新区")

    assert result.returncode == 0, result.stderr
    assert "subscribed watcher@example.org" in result.stdout


def test_try_reads_one_entry_a_page_with_a_plain_pager_as_a_listing(workspace):
    """An old GBK table template: one document a page, a 下一页 link, and a footer that cleans
    into a short "document" of 主办/地址/邮编 — a listing, never a seed watching the footer."""
    from .hostile import HostileSite

    footer = (
        "<table><tr><td>主办：某某县人民政府办公室　承办：某某县信息中心</td></tr>"
        "<tr><td>地址：某某县人民路1号，邮编：100000，电话：0000-1234567。建议使用IE8以上浏览器浏览本站。</td></tr></table>"
    )
    listing = (
        "<html><head><meta charset='gbk'><title>通知公告</title></head><body>"
        "<table><tr><td><a href='/tzgg/t1.html'>关于做好2024年度防汛工作的通知</a></td><td>2024-05-06</td></tr></table>"
        f"<a href='/tzgg/index_1.html'>下一页</a>{footer}</body></html>"
    )
    document = (
        "<html><head><meta charset='gbk'><title>关于做好2024年度防汛工作的通知</title></head><body>"
        "<h1>关于做好2024年度防汛工作的通知</h1><p>各乡镇人民政府，县直各部门：为切实做好今年防汛工作，"
        f"确保人民群众生命财产安全，现将有关事项通知如下。</p>{footer}</body></html>"
    )
    with HostileSite() as site:
        site.raw("/tzgg/index.html", listing.encode("gbk"), **{"Content-Type": "text/html; charset=gbk"})
        site.raw("/tzgg/t1.html", document.encode("gbk"), **{"Content-Type": "text/html; charset=gbk"})
        found = json.loads(workspace.cli("try", site.url("/tzgg/index.html"), "--json", "--render", "static").stdout)
    assert found["kind"] == "listing"
    assert [d["url"].rsplit("/", 1)[1] for d in found["documents"]] == ["t1.html"]
    assert found["next_pages"] == [site.url("/tzgg/index_1.html")]
