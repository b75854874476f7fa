"""Evidence a researcher can cite, from a real crawl of a local site: each version's original
bytes on the web (sandboxed, with its hash), a WARC of them read back with warcio, and the
documents as JSON lines and CSV (a hostile title never runs as a spreadsheet formula)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import urllib.request

from warcio.archiveiterator import ArchiveIterator

from .webserver import serving


def _get(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read(), {name.lower(): value for name, value in response.headers.items()}


def test_originals_on_the_web_in_a_warc_and_as_tables(workspace, site, tmp_path):
    path = site.publish("kjfw", "wansheng-plan")
    workspace.crawl()
    site.edit(path, "总体完成率达80%以上", "总体完成率达85%以上")
    workspace.crawl()
    [changed] = workspace.changes("--kind", "changed")
    old_id, new_id = changed["old_version"], changed["new_version"]

    with serving(workspace.settings()) as base:
        body, headers = _get(f"{base}/versions/{new_id}/original")
        version_page, _ = _get(f"{base}/versions/{new_id}")
    assert body.startswith(b"<!DOCTYPE html>") and "总体完成率达85%以上".encode() in body  # the page as fetched
    assert headers["content-security-policy"] == "sandbox" and headers["x-content-type-options"] == "nosniff"
    assert headers["content-type"].startswith("text/html")
    digest = hashlib.sha256(body).hexdigest()
    assert digest in version_page.decode("utf-8")

    archive = tmp_path / "evidence.warc.gz"
    workspace.cli("export", "warc", str(archive))
    with archive.open("rb") as stream:
        records = [
            (r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        ]
    assert [uri for uri, _ in records] == [site.url(path)] * 2
    assert hashlib.sha256(records[1][1]).hexdigest() == digest
    assert "总体完成率达80%以上".encode() in records[0][1]  # the version before the edit, as it was

    rows = [json.loads(line) for line in workspace.cli("export", "documents").stdout.splitlines()]
    assert rows[0]["url"] == site.url(path) and rows[0]["current_version"] == new_id
    assert old_id != new_id


def test_a_hostile_title_stays_text_in_the_csv(workspace, site, tmp_path):
    from monitor.demo.samples import load_sample

    sample = load_sample("yunnan-opinion")
    sample.title = '=HYPERLINK("http://evil.example/","点击")关于印发某某方案的通知'
    site.publish("kjfw", sample)
    workspace.crawl()
    table = tmp_path / "documents.csv"
    workspace.cli("export", "documents", str(table), "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert row["title"].startswith("'=HYPERLINK")
