"""Ops on the web: the sources page says what `status` says, and an admin adds a source through
the same dry run as `policywatch try`, saving the seed `add` would write (a real local site, the
web page served on 127.0.0.1, the dry crawl in a child process of the server)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from monitor.config import load_source

from .webserver import serving

TOKEN = "admin-token-for-tests"


def _post(url: str, fields: dict[str, str]) -> tuple[int, str, str]:
    data = urllib.parse.urlencode(fields).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=300) as response:
            return response.status, response.url, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, url, error.read().decode()


def test_the_sources_page_and_adding_a_source_through_the_try_preview(workspace, site, closed_port):
    for sample in ("wansheng-plan", "alxa-opinion", "dabancheng-final"):
        site.publish("szf", sample)
    workspace.write_seed("dead", f'start_urls = ["http://127.0.0.1:{closed_port}/list/"]\n')
    workspace.crawl("szf", "dead")
    workspace.config.write_text(workspace.config.read_text() + f'[web]\nadmin_token = "{TOKEN}"\n')
    listing = site.listing_url("szf")
    with serving(workspace.settings()) as base:
        sources = urllib.request.urlopen(f"{base}/sources", timeout=30).read().decode()
        assert "szf" in sources and "3 new" in sources and "never run" in sources  # nx-kjt was not crawled
        assert "failed" in sources  # nothing answers at dead's address

        assert _post(f"{base}/admin/sources/preview", {"url": listing, "token": "wrong"})[0] == 403
        status, _, preview = _post(f"{base}/admin/sources/preview", {"url": listing, "token": TOKEN})
        assert status == 200 and 'id="report"' in preview and "重庆市万盛经开区" in preview
        assert 'id="save-source"' in preview and "start_urls" in preview

        taken, _, refused = _post(f"{base}/admin/sources", {"url": listing, "name": "szf", "token": TOKEN})
        assert taken == 400 and 'id="problem"' in refused and "exists" in refused
        status, landed, page = _post(f"{base}/admin/sources", {"url": listing, "name": "city", "token": TOKEN})
        assert status == 200 and landed.endswith("/sources?added=city") and 'id="added"' in page
        assert load_source(workspace.seeds / "city.toml").start_urls == [listing]
        assert "city" in page  # listed among the sources at once

        bad, _, why = _post(f"{base}/admin/sources/preview", {"url": "javascript:alert(1)", "token": TOKEN})
        assert bad == 400 and "not an http(s) URL" in why
