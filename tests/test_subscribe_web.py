"""A watcher subscribes from the web page, confirms from the message it sends (double opt-in),
then changes and cancels the subscription from the link every message carries: the web page
served on 127.0.0.1, the mail through a real SMTP server, the links read from the mail."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import select

from monitor.demo.mailsink import free_port
from storage import Subscription

from .webserver import serving

SECRET = "s3cret-for-tests-only"


def _post(url: str, fields: dict[str, str | list[str]]) -> tuple[int, str, str]:
    data = urllib.parse.urlencode(fields, doseq=True).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as response:
            return response.status, response.url, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, url, error.read().decode()


def _mail_to(mail, address: str, count: int = 1) -> list:
    deadline = time.monotonic() + 60  # sent after the answer, by the server: wait for it
    while time.monotonic() < deadline:
        found = [m for m in mail.messages() if m["To"] == address]
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no message to {address}")


def _subscriptions(workspace) -> list[Subscription]:
    with workspace.db.session() as session:
        found = list(session.scalars(select(Subscription)))
        session.expunge_all()
        return found


def test_subscribe_to_a_search_confirm_by_mail_then_change_and_cancel_it(workspace, site, mail):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workspace.config.write_text(
        workspace.config.read_text() + f'[web]\nbase_url = "{base}"\n[notify]\nsecret = "{SECRET}"\n'
    )
    page = site.publish("kjfw", "wansheng-plan")
    workspace.crawl("kjfw")
    with serving(workspace.settings(), port):
        form = urllib.request.urlopen(f"{base}/subscribe?q=" + urllib.parse.quote("万盛 方案"), timeout=30).read()
        assert "万盛 方案" in form.decode()
        status, _, answer = _post(f"{base}/subscribe", {"address": "watcher@example.org", "q": "万盛 方案"})
        assert status == 200 and 'id="sent"' in answer
        assert _subscriptions(workspace) == []  # nothing until the address confirms
        [asking] = _mail_to(mail, "watcher@example.org")
        link = re.search(r"(http://\S+/subscribe/confirm/\S+)", asking.get_body(("plain",)).get_content())[1]

        forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
        assert _post(forged, {})[0] == 404 and _subscriptions(workspace) == []
        assert 'id="confirm"' in urllib.request.urlopen(link, timeout=30).read().decode()  # a GET only asks
        assert _subscriptions(workspace) == []
        status, landed, managed = _post(link, {})
        assert status == 200 and "/manage/" in landed and 'id="confirmed"' in managed
        [subscription] = _subscriptions(workspace)
        assert subscription.address == "watcher@example.org" and subscription.keywords == ["万盛 方案"]

        status, _, _ = _post(
            landed.split("?")[0], {"keywords": "万盛 方案", "kinds": ["changed"], "rhythm": "immediate"}
        )
        assert status == 200 and _subscriptions(workspace)[0].kinds == ["changed"]

        site.edit(page, "总体完成率达80%以上", "总体完成率达85%以上")
        workspace.crawl("kjfw")
        told = _mail_to(mail, "watcher@example.org", 2)[-1]
        body = told.get_body(("plain",)).get_content()
        assert "已修改" in body and landed.split("?")[0] in body  # the manage link in every message

        cancel = re.search(r"(http://\S+/unsubscribe/\S+)", body)[1]
        assert _post(cancel, {})[0] == 200 and _subscriptions(workspace) == []


def test_self_service_refuses_chat_urls_and_needs_a_secret(workspace, site, mail):
    with serving(workspace.settings()) as base:  # no [notify] secret, no base_url
        status, _, answer = _post(f"{base}/subscribe", {"address": "someone@example.org"})
        assert status == 400 and "self-service subscriptions are off" in answer
    port = free_port()
    workspace.config.write_text(
        workspace.config.read_text() + f'[web]\nbase_url = "http://127.0.0.1:{port}"\n[notify]\nsecret = "{SECRET}"\n'
    )
    with serving(workspace.settings(), port) as base:
        for refused in (
            {"address": "dingtalk://TOKEN/"},
            {"address": "a@b@c"},
            {"address": "x@y.org", "source": "nope"},
        ):
            status, _, answer = _post(f"{base}/subscribe", refused)
            assert status == 400 and 'id="refused"' in answer
        assert mail.messages() == []
        asked = [_post(f"{base}/subscribe", {"address": "victim@example.org"})[0] for _ in range(5)]
        assert asked == [200, 200, 200, 400, 400]  # the form is no way to flood an address
        assert len(_mail_to(mail, "victim@example.org", 3)) == 3
    assert _subscriptions(workspace) == []
