"""The web page under hostile or careless requests, served for real on 127.0.0.1: ids and page
numbers no database integer holds, odd unsubscribe tokens, guessing the admin token, and a
stored link that is a script."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from storage import Document, Source, Version

from .conftest import Workspace
from .webserver import serving

HUGE = str(2**64 + 7)
ROUTES = [
    f"/documents/{HUGE}",
    f"/versions/{HUGE}",
    f"/diff/{HUGE}/{HUGE}",
    f"/changes/{HUGE}",
    f"/compare?a={HUGE}&b={HUGE}",
    f"/api/documents/{HUGE}",
    f"/api/versions/{HUGE}",
    f"/api/diff/{HUGE}/1",
    f"/api/changes/{HUGE}",
    f"/api/documents/{HUGE}/related",
    f"/diff?old={HUGE}&new={HUGE}",
]


def _status(url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(url, data=body, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture
def served(tmp_path, site, mail):
    workspace = Workspace(tmp_path, site, mail.port)
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(text + '[web]\nadmin_token = "right-token"\n[notify]\nsecret = "s3cret"\n')
    with workspace.db.session() as session:
        source = Source(name="kjfw", title="")
        session.add(source)
        session.flush()
        document = Document(source_id=source.id, url="http://gov.example.cn/a.html", title="通知")
        session.add(document)
        session.flush()
        attachments = [{"name": "附件1.pdf", "url": "javascript:alert(1)//附件1.pdf"}]
        version = Version(
            document_id=document.id, content_hash="x", title="通知", text="正文", raw_html=b"", attachments=attachments
        )
        session.add(version)
        session.flush()
        document.current_version_id = version.id
        document_id = document.id
    with serving(workspace.settings()) as base:
        yield base, document_id


def test_ids_and_pages_out_of_range_are_not_found_never_a_server_error(served):
    base, _ = served
    statuses = {route: _status(base + route)[0] for route in ROUTES}
    assert statuses == dict.fromkeys(ROUTES, 404)
    for route in (f"/?page={HUGE}", f"/changes?page={HUGE}", f"/api/documents?page={HUGE}"):
        assert _status(base + route)[0] == 422, route


def test_odd_unsubscribe_tokens_name_nothing(served):
    base, _ = served
    for token in ("²", "１２.abc", "1.签名", "99999999999999999999999.x", "1.\u00e9", "%00"):
        quoted = urllib.parse.quote(token)
        assert _status(f"{base}/unsubscribe/{quoted}")[0] == 404, token
        assert _status(f"{base}/unsubscribe/{quoted}", {})[0] == 404, token


def test_guessing_the_admin_token_is_throttled(served):
    base, _ = served
    answers = [_status(f"{base}/admin", {"token": f"guess-{i}"})[0] for i in range(5)]
    assert answers == [403] * 5
    assert _status(f"{base}/admin", {"token": "guess-6"})[0] == 429
    assert _status(f"{base}/admin", {"token": "right-token"})[0] == 429  # locked out for the window


def test_a_stored_script_link_is_never_rendered_as_a_link(served):
    base, document_id = served
    status, html = _status(f"{base}/documents/{document_id}")
    assert status == 200 and "附件1.pdf" in html
    assert "javascript:" not in html.lower()
