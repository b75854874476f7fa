"""E-mail through a real aiosmtpd server: one digest per crawl, exactly once, escaped."""

from __future__ import annotations

import threading

from sqlalchemy import select

from monitor.demo.mailsink import MailSink
from monitor.demo.samples import Sample
from notifier.channels import channels
from notifier.outbox import dispatch
from storage import OutboxMessage


def _outbox(workspace) -> list[OutboxMessage]:
    with workspace.db.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_one_digest_per_crawl_with_text_and_html(workspace, site, mail):
    workspace.cli("subscribe", "reader@example.org")
    workspace.cli("subscribe", "narrow@example.org", "--source", "zfxxgk")
    path = site.publish("kjfw", "wansheng-plan")
    site.publish("zfxxgk", "yunnan-opinion")
    workspace.crawl()
    site.edit(path, "总体完成率达80%以上", "总体完成率达85%以上")

    workspace.crawl()

    messages = mail.messages()
    to_reader = [m for m in messages if m["To"] == "reader@example.org"]
    to_narrow = [m for m in messages if m["To"] == "narrow@example.org"]
    assert len(to_reader) == 2 and len(to_narrow) == 1  # the narrow one saw nothing in the second crawl
    first = to_reader[0]
    assert "2 新发布" in first["Subject"]  # the wording is Chinese by default
    assert first.get_body(("plain",)).get_content_charset() == "utf-8"
    changed = to_reader[1]
    assert "已修改" in changed["Subject"] and "重庆市万盛经开区" in changed["Subject"]
    text = changed.get_body(("plain",)).get_content()
    html = changed.get_body(("html",)).get_content()
    assert "[-80%-]{+85%+}" in text  # the whole value, not one digit
    assert "<del" in html and "<ins" in html
    assert site.url(path) in text and site.url(path) in html
    assert "(Asia/Shanghai)" in html and " UTC" not in html  # the reader's clock, by default China's


def test_mail_waits_while_smtp_is_down_and_goes_out_exactly_once(workspace, site, closed_port, tmp_path):
    text = workspace.config.read_text(encoding="utf-8").replace(
        f"port = {workspace.smtp_port}", f"port = {closed_port}"
    )
    workspace.config.write_text(text, encoding="utf-8")
    workspace.cli("subscribe", "reader@example.org")
    site.publish("kjfw", "wansheng-plan")

    _, report = workspace.crawl()

    assert report.sent == 0 and report.pending == 1 and "email" in report.error
    assert [m.status for m in _outbox(workspace)] == ["pending"]
    with MailSink(tmp_path / "late-mail", port=closed_port) as sink:
        # Two dispatchers at once (a crawl finishing while the daemon retries) must not double-send.
        threads = [
            threading.Thread(target=dispatch, args=(workspace.db, channels(workspace.settings().smtp)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        workspace.crawl()  # nothing new; and nothing pending to resend
        assert len(sink.messages()) == 1
    assert [m.status for m in _outbox(workspace)] == ["sent"]


def test_crawled_markup_is_shown_as_text_in_mail(workspace, site, mail):
    workspace.cli("subscribe", "reader@example.org")
    hostile = Sample(
        name="hostile",
        title="<script>alert('t')</script>关于开展试点工作的通知",
        paragraphs=[
            "各有关单位：现将试点工作安排通知如下。<img src=x onerror=alert(1)>请认真贯彻执行。",
            "本通知自发布之日起施行，由科技厅负责解释。",
        ],
        publish_date="2022-01-01",
    )
    site.publish("kjfw", hostile)

    workspace.crawl()

    html = mail.messages()[0].get_body(("html",)).get_content()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_keyword_subscription_only_gets_matching_documents(workspace, site, mail):
    workspace.cli("subscribe", "kw@example.org", "--keyword", "达坂城")
    site.publish("nx-kjt", "nx-kjt-draft")
    site.publish("nx-kjt", "dabancheng-draft")

    workspace.crawl()

    [message] = mail.messages()
    assert "达坂城" in message["Subject"] and "1 新发布" in message["Subject"]


def test_an_address_the_server_cannot_take_fails_alone(workspace, site, tmp_path):
    """A server without SMTPUTF8: a non-ASCII local part fails that one message, with its
    reason; an internationalised domain goes as punycode; every other address gets its mail."""
    for address in ("用户@例子.中国", "reader@例子.中国", "plain@example.org"):
        workspace.cli("subscribe", address)
    site.publish("kjfw", "wansheng-plan")

    with MailSink(tmp_path / "ascii-only", smtputf8=False) as mail:
        text = workspace.config.read_text(encoding="utf-8")
        workspace.config.write_text(text.replace(f"port = {workspace.smtp_port}", f"port = {mail.port}"))
        _, report = workspace.crawl()

        received = sorted(m["To"] for m in mail.messages())
    assert report.sent == 2 and report.failed == 1 and report.pending == 0
    assert received == ["plain@example.org", "reader@xn--fsqu00a.xn--fiqs8s"]
    failed = [m for m in _outbox(workspace) if m.status == "failed"]
    assert [m.recipient for m in failed] == ["用户@例子.中国"] and "SMTPUTF8" in failed[0].last_error
