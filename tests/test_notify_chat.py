"""Chat apps through Apprise, against a real local HTTP receiver (json:// and form:// targets):
Markdown escaped and within the app's size, a channel down then up, a refusal not retried, the
outbox command, following one document whatever the filters say."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from monitor.demo.samples import Sample
from notifier.chat import CUT_TAIL, AppriseChannel
from storage import Document, OutboxMessage

from .receiver import Receiver
from .test_notify import _outbox

HOSTILE = Sample(
    name="hostile-md",
    title="关于[点此领取](http://evil.example/x)补贴的通知 @all **紧急**",
    paragraphs=["各有关单位：# 标题注入 请于本月底前报送材料。<b>粗体</b>", "本通知自发布之日起施行。"],
    publish_date="2022-03-01",
)


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def test_a_chat_message_is_markdown_with_crawled_text_escaped(workspace, site, receiver, mail):
    workspace.cli("subscribe", receiver.url())
    site.publish("kjfw", HOSTILE)

    workspace.crawl()

    [request] = receiver.requests
    payload = request.json()
    body = payload["message"]
    assert "](http://evil.example" not in body and "\\[点此领取\\]\\(http://evil\\.example/x\\)" in body
    assert "\\@all" in body and "\\*\\*紧急\\*\\*" in body
    assert "\\# 标题注入" in body and "\\<b\\>" in body
    assert f"]({site.url('')}" in body  # our own link to the page is a real Markdown link
    assert "\n" not in payload["title"] and "\\[" in payload["title"]  # escaped title, one line
    assert request.headers["Idempotency-Key"].startswith("policywatch-outbox-")
    assert mail.messages() == []  # chat only


def test_a_long_message_is_cut_at_a_paragraph_within_the_apps_limit(receiver):
    paragraphs = [f"第{i}段：" + "高新区建设" * 60 for i in range(400)]
    message = OutboxMessage(
        id=7,
        channel="chat",
        recipient=receiver.url(),
        subject="long",
        body_text="\n\n".join(paragraphs),
        body_markdown="\n\n".join(paragraphs),
        created_at=datetime(2026, 1, 1),
    )

    [(_, error)] = list(AppriseChannel().deliver([message]))

    body = receiver.requests[0].json()["message"]
    assert error is None
    assert len(body) <= 32768 and body.endswith(CUT_TAIL)
    assert body[: -len(CUT_TAIL)].rstrip().endswith("高新区建设")  # a whole paragraph, not half a word


def test_a_bad_chat_address_is_refused_in_one_line(workspace):
    for address in ("dingtalk://", "nosuchapp://token", "wecombot://"):
        result = workspace.cli("subscribe", address, check=False)
        assert result.returncode == 2, address
        assert result.stderr.count("\n") == 1 and "Apprise" in result.stderr, result.stderr
    injected = workspace.cli("subscribe", "a@example.org\nBcc: all@example.org", check=False)
    assert injected.returncode == 2 and "one line" in injected.stderr
    assert workspace.cli("subscribe", "dingtalk://abcdefabcdef1234567890/").returncode == 0


def test_a_chat_app_that_is_down_gets_every_message_once_when_it_is_back(workspace, site, receiver):
    workspace.cli("subscribe", receiver.url())
    receiver.statuses = [503, 502]
    site.publish("kjfw", "wansheng-plan")

    workspace.crawl()
    assert [m.status for m in _outbox(workspace)] == ["pending"]
    workspace.cli("outbox", "retry", "1", check=False)  # not failed: nothing to retry
    site.publish("zfxxgk", "yunnan-opinion")
    workspace.crawl()  # the first is tried again and fails (502); the second goes through

    assert [m.status for m in _outbox(workspace)] == ["pending", "sent"]
    [row] = json.loads(workspace.cli("outbox", "--json").stdout)
    assert row["status"] == "pending" and row["attempts"] == 2 and "error=502" in row["last_error"]
    workspace.crawl()  # the app is back

    assert [m.status for m in _outbox(workspace)] == ["sent", "sent"]
    accepted = [r.json()["message"] for r in receiver.requests if r is not receiver.requests[0]]
    assert sum("万盛" in body for body in accepted) == 2  # the 502 and the success
    workspace.crawl()
    assert len(receiver.requests) == 4  # 503, 502, then one success each: nothing twice
    assert "nothing waiting" in workspace.cli("outbox").stdout


def test_a_refusal_is_recorded_not_retried_and_retry_sends_it_again(workspace, site, receiver):
    workspace.cli("subscribe", receiver.url())
    receiver.statuses = [400]
    site.publish("kjfw", "wansheng-plan")

    workspace.crawl()
    workspace.crawl()

    assert len(receiver.requests) == 1
    [row] = json.loads(workspace.cli("outbox", "--json").stdout)
    assert row["status"] == "failed" and row["attempts"] == 1 and "error=400" in row["last_error"]
    assert row["recipient"].startswith("json://127.0.0.1")
    assert "failed" in workspace.cli("outbox").stdout
    assert workspace.cli("outbox", "retry", "99", check=False).returncode == 1
    out = workspace.cli("outbox", "retry", str(row["id"])).stdout
    assert "1 sent" in out and len(receiver.requests) == 2
    assert [m.status for m in _outbox(workspace)] == ["sent"]


def test_following_a_draft_brings_its_final_whatever_the_filters(workspace, site, receiver, mail):
    site.publish("nx-kjt", "nx-kjt-draft")
    edited = site.publish("kjfw", "wansheng-plan")
    workspace.crawl()
    with workspace.db.session() as session:
        draft = session.scalar(select(Document).where(Document.source.has(name="nx-kjt")))
        draft_url = draft.url
    group = receiver.url(path="/group")
    out = workspace.cli("follow", group, draft_url).stdout
    assert "follows document" in out
    workspace.cli("subscribe", "szf-only@example.org", "--source", "szf")
    workspace.cli("follow", "szf-only@example.org", draft_url)

    site.edit(edited, "总体完成率达80%以上", "总体完成率达85%以上")  # not followed: nobody hears
    site.publish("zfxxgk", "nx-final")
    workspace.crawl()

    [request] = receiver.requests
    body = request.json()["message"]
    assert "正式稿" in body and "万盛" not in body
    [message] = mail.messages()
    assert message["To"] == "szf-only@example.org" and "正式稿" in message["Subject"]
    assert "1 正式稿" in message["Subject"] and "已修改" not in message["Subject"]
