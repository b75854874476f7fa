"""A crawl fetches only what its source's scope allows: no redirect, refresh, link or attachment
reaches another port, another host or an internal address (SSRF), and a refusal is a failed
fetch with its reason, never a version. Two servers on 127.0.0.1 are the watched site and an
internal service."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.scope import Scope
from storage import Fetch, Version
from tests.hostile import HostileSite, listing_page, policy_page

SECRET = "内部服务的机密数据不得外传"


@pytest.fixture
def internal():
    with HostileSite() as service:
        service.page("/secret", policy_page("内部机密", SECRET))
        yield service


@pytest.fixture
def watched():
    with HostileSite() as site:
        yield site


def _crawl(workspace, watched, name: str = "hostile", extra: str = ""):
    workspace.write_seed(name, f'start_urls = ["{watched.url("/list/")}"]\n{extra}')
    summaries, _ = workspace.crawl(name)
    with workspace.db.session() as session:
        versions = [v.text for v in session.scalars(select(Version))]
        fetches = {f.url: f for f in session.scalars(select(Fetch))}
    return summaries, versions, fetches


def _no_secret(versions, internal) -> None:
    assert not any(SECRET in text for text in versions)
    assert "/secret" not in internal.asked


def test_a_redirect_to_another_port_is_refused_and_recorded(workspace, watched, internal):
    watched.page("/list/", listing_page([("/doc/1.html", "关于加强安全生产工作的通知")]))
    watched.page("/doc/1.html", "", status=302, Location=internal.url("/secret"))

    _, versions, fetches = _crawl(workspace, watched)

    _no_secret(versions, internal)
    refused = fetches[watched.url("/doc/1.html")]
    assert refused.outcome == "failed" and "refused" in refused.error and f":{internal.port}" in refused.error


def test_a_meta_refresh_to_an_internal_service_is_refused(workspace, watched, internal):
    refresh = f"<html><head><meta http-equiv='refresh' content='0;url={internal.url('/secret')}'></head></html>"
    watched.page("/list/", listing_page([("/doc/2.html", "关于印发实施方案的通知")]))
    watched.page("/doc/2.html", refresh)

    _, versions, fetches = _crawl(workspace, watched)

    _no_secret(versions, internal)
    assert "refused" in fetches[watched.url("/doc/2.html")].error


def test_links_to_the_same_host_on_another_port_are_not_followed(workspace, watched, internal):
    links = [(internal.url("/secret"), "关于内部事项的通知公告"), ("/doc/3.html", "关于开展专项检查的通知")]
    watched.page("/list/", listing_page(links))
    watched.page("/doc/3.html", policy_page("关于开展专项检查的通知", "为做好专项检查工作"))

    summaries, versions, _ = _crawl(workspace, watched)

    assert summaries[0].status == "ok"
    _no_secret(versions, internal)
    assert any("专项检查" in text for text in versions)


def test_an_attachment_on_another_host_is_a_refused_fetch(workspace, watched, internal):
    internal.raw("/secret.txt", SECRET.encode("utf-8") * 20, **{"Content-Type": "text/plain; charset=utf-8"})
    attachment = f"<p>附件：<a href='{internal.url('/secret.txt')}'>附件1.txt</a></p>"
    watched.page("/list/", listing_page([("/doc/4.html", "关于公布名单的通知")]))
    watched.page("/doc/4.html", policy_page("关于公布名单的通知", "现将名单公布如下", attachment))

    _, versions, fetches = _crawl(workspace, watched)

    assert "/secret.txt" not in internal.asked
    assert not any(SECRET in text for text in versions)
    assert "refused" in fetches[internal.url("/secret.txt")].error


def test_a_host_name_that_resolves_to_an_internal_address_is_refused(workspace, watched, internal):
    # Named in allowed_hosts, so in scope; but "localhost" is no seed's host and resolves to 127.0.0.1.
    watched.page("/list/", listing_page([(f"http://localhost:{internal.port}/secret", "关于内部事项的通知公告")]))

    _, versions, fetches = _crawl(workspace, watched, extra=f'allowed_hosts = ["localhost:{internal.port}"]\n')

    _no_secret(versions, internal)
    refused = fetches[f"http://localhost:{internal.port}/secret"]
    assert "internal address" in refused.error


def test_scope_rules():
    scope = Scope.of(
        ["http://www.example.gov.cn/zcwj/", "http://127.0.0.1:8123/list/"], ["*.files.example.cn", "x.cn:81"]
    )
    allowed = [
        "https://www.example.gov.cn/a.html",  # http → https on a default port
        "http://127.0.0.1:8123/doc.html",  # a seed's own internal host and port
        "http://a.files.example.cn/1.pdf",
        "http://x.cn:81/",
        "https://mp.weixin.qq.com/s?__biz=1",
    ]
    refused = [
        "http://127.0.0.1:8124/doc.html",
        "http://www.example.gov.cn:8080/",
        "http://evil.example.cn/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "ftp://www.example.gov.cn/x",
        "http://[::1]:8123/",
        "http://x.cn/",
        "http://files.example.cn.evil.cn/",
    ]
    assert [u for u in allowed if not scope.allows(u)] == []
    assert [u for u in refused if scope.allows(u)] == []


def test_the_browser_keeps_the_scope(workspace, watched, internal):
    """Rendered in chromium: a script that fetches an internal service and writes what it got
    into the list is cut off, and a page the browser is redirected to on another port is
    refused, not stored."""
    internal.page("/feed.json", '[{"href": "/doc/9.html", "title": "' + SECRET + '"}]')
    script = (
        "<script>fetch('" + internal.url("/feed.json") + "').then(r => r.json()).then(items => {"
        "document.getElementById('list').innerHTML = items.map(i => "
        "`<li><a href='${i.href}'>${i.title}</a><span>2026-01-02</span></li>`).join('')})"
        ".catch(() => {document.getElementById('list').innerHTML = "
        "\"<li><a href='/doc/5.html'>关于开展普查工作的通知</a><span>2026-01-02</span></li>\"})</script>"
    )
    watched.page("/list/", f"<html><body><ul id='list'></ul>{script}</body></html>")
    watched.page("/doc/5.html", policy_page("关于开展普查工作的通知", "为做好普查工作"))
    watched.page("/moved/", "", status=302, Location=internal.url("/secret"))

    _, versions, _ = _crawl(workspace, watched, extra='render = "browser"\n')
    workspace.write_seed("moved", f'start_urls = ["{watched.url("/moved/")}"]\nrender = "browser"\n')
    summaries, _ = workspace.crawl("moved")

    assert "/feed.json" not in internal.asked
    assert any("普查工作" in text for text in versions)  # the page's own fallback list was read
    with workspace.db.session() as session:
        texts = [v.text for v in session.scalars(select(Version))]
        moved = session.scalar(select(Fetch).where(Fetch.url == watched.url("/moved/")))
    assert not any(SECRET in text for text in texts)
    assert summaries[0].status == "failed" and "refused" in moved.error
