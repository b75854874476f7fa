"""Leaving in one click and following from the page, through the real web page in Chromium: the
unsubscribe link of a real e-mail, a forged token, a mail client's RFC 8058 one-click POST, and
an admin following a draft from its document page."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from sqlalchemy import select

from monitor.demo.mailsink import free_port
from storage import Document, Follow, Subscription

from .webserver import chromium, serving

ADMIN_TOKEN = "admin-token-for-tests"


@pytest.fixture
def served(workspace):
    """The workspace's web page on 127.0.0.1, its address the one messages link to."""
    port = free_port()
    with workspace.config.open("a", encoding="utf-8") as config:
        config.write(
            f'\n[web]\nbase_url = "http://127.0.0.1:{port}"\nadmin_token = "{ADMIN_TOKEN}"\n'
            '\n[notify]\nsecret = "a-long-random-secret-for-tests"\n'
        )
    with serving(workspace.settings(), port) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def _addresses(workspace) -> list[str]:
    with workspace.db.session() as session:
        return list(session.scalars(select(Subscription.address).order_by(Subscription.id)))


def test_unsubscribe_from_the_mail_link_in_the_real_page_and_forged_links_change_nothing(
    workspace, site, mail, served, browser
):
    workspace.cli("subscribe", "leaving@example.org")
    workspace.cli("subscribe", "staying@example.org")
    edited = site.publish("kjfw", "wansheng-plan")
    workspace.crawl()
    [message] = [m for m in mail.messages() if m["To"] == "leaving@example.org"]
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert (
        link.startswith(served + "/unsubscribe/") and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    assert link in message.get_body(("plain",)).get_content() and link in message.get_body(("html",)).get_content()

    page = browser.new_page()
    forged = link[:-1] + ("0" if link[-1] != "0" else "1")
    response = page.goto(forged)
    assert response.status == 404 and page.locator("#invalid").is_visible()
    response = page.goto(link)  # opening the link (as a mail scanner would) changes nothing
    assert response.status == 200 and "leaving@example.org" in page.inner_text("main")
    assert _addresses(workspace) == ["leaving@example.org", "staying@example.org"]
    page.click("#unsubscribe")
    assert "leaving@example.org is unsubscribed" in page.inner_text("#done")
    assert _addresses(workspace) == ["staying@example.org"]
    assert page.goto(link).status == 404  # an old link names nothing

    site.edit(edited, "总体完成率达80%以上", "总体完成率达85%以上")
    workspace.crawl()
    assert [m["To"] for m in mail.messages()][-1] == "staying@example.org"
    assert sum(m["To"] == "leaving@example.org" for m in mail.messages()) == 1


def test_a_mail_clients_one_click_post_unsubscribes(workspace, site, mail, served):
    workspace.cli("subscribe", "oneclick@example.org")
    site.publish("kjfw", "wansheng-plan")
    workspace.crawl()
    link = mail.messages()[0]["List-Unsubscribe"].strip().strip("<>")

    forged = link.replace("/unsubscribe/1.", "/unsubscribe/2.")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(forged, data=b"List-Unsubscribe=One-Click"), timeout=30)
    assert refused.value.code == 404 and _addresses(workspace) == ["oneclick@example.org"]
    request = urllib.request.Request(
        link, data=b"List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    assert _addresses(workspace) == []


def test_an_admin_follows_a_draft_from_its_page(workspace, site, mail, served, browser):
    site.publish("nx-kjt", "nx-kjt-draft")
    workspace.crawl()
    with workspace.db.session() as session:
        draft_id = session.scalar(select(Document.id))

    page = browser.new_page()
    page.goto(f"{served}/documents/{draft_id}")
    page.fill("form.follow input[name=address]", "dingtalk://abcdefabcdef1234567890/")
    page.fill("form.follow input[name=token]", "wrong")
    page.click("form.follow button")
    assert page.locator("text=wrong admin token").count() == 1
    with workspace.db.session() as session:
        assert session.scalar(select(Follow.id)) is None
    page.goto(f"{served}/documents/{draft_id}")
    page.fill("form.follow input[name=address]", "dingtalk://abcdefabcdef1234567890/")
    page.fill("form.follow input[name=token]", ADMIN_TOKEN)
    page.click("form.follow button")
    assert "and of its final" in page.inner_text("#followed")
    with workspace.db.session() as session:
        [(channel, document_id)] = session.execute(
            select(Subscription.channel, Follow.document_id).join(Follow, Follow.subscription_id == Subscription.id)
        ).all()
    assert (channel, document_id) == ("chat", draft_id)
    page.goto(f"{served}/admin")
    assert "dingtalk://" not in page.inner_text("main")  # who is subscribed: for the token only
    page.fill("form:has(#show-subscribers) input[name=token]", ADMIN_TOKEN)
    page.click("#show-subscribers")
    admin = page.inner_text("main")
    assert "abcdefabcdef1234567890" not in admin and "dingtalk://" in admin  # the token is masked
