"""Digests, quiet hours and deadline reminders on an injected clock (no sleeps): composed by the
daemon's periodic jobs from a real crawl's events, sent through a real SMTP server."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from monitor.ops import periodic
from notifier.channels import channels
from notifier.outbox import dispatch
from notifier.rhythm import digest_period, quiet_until
from storage import OutboxMessage, utcnow

ZONE = ZoneInfo("Asia/Shanghai")  # the daemon's default timezone


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZONE)


def _hhmm(moment: datetime) -> str:
    return f"{_local(moment):%H:%M}"


def _send(workspace, now: datetime) -> int:
    settings = workspace.settings()
    written = periodic.send_digests(workspace.db, settings, now=now) + periodic.send_reminders(
        workspace.db, settings, now=now
    )
    dispatch(workspace.db, channels(settings.smtp))
    return written


def test_a_daily_digest_comes_at_its_hour_grouped_by_source_oldest_first_and_only_once(workspace, site, mail):
    start = utcnow()
    hour = start + timedelta(hours=2)
    workspace.cli("subscribe", "daily@example.org", "--digest", "daily", "--at", _hhmm(hour))
    edited = site.publish("kjfw", "wansheng-plan")
    site.publish("zfxxgk", "yunnan-opinion")
    workspace.crawl()
    site.edit(edited, "总体完成率达80%以上", "总体完成率达85%以上")
    workspace.crawl()

    assert _send(workspace, start + timedelta(hours=1)) == 0  # before its hour
    assert mail.messages() == []
    assert _send(workspace, start + timedelta(hours=3)) == 1
    assert _send(workspace, start + timedelta(hours=3, minutes=5)) == 0  # nothing twice

    [digest] = mail.messages()
    assert digest["To"] == "daily@example.org" and "每日汇总: 3 条动态" in digest["Subject"]
    text = digest.get_body(("plain",)).get_content()
    assert text.index("【kjfw】") < text.index("【zfxxgk】")  # grouped by source
    assert text.index("新发布 | kjfw") < text.index("已修改 | kjfw")  # oldest first
    assert "[-80%-]{+85%+}" in text  # the whole value, not one digit
    assert _send(workspace, start + timedelta(days=1, hours=3)) == 0  # a day with nothing: no message
    assert len(mail.messages()) == 1


def test_a_weekly_digest_is_due_on_mondays_and_a_daemon_that_was_down_sends_one():
    since = datetime(2026, 11, 18, 2, 0)  # a Wednesday
    assert digest_period("weekly", "08:00", since, datetime(2026, 11, 22, 23, 59), "Asia/Shanghai") is None
    monday = datetime(2026, 11, 23, 0, 0)  # 08:00 in Shanghai
    assert digest_period("weekly", "08:00", since, monday, "Asia/Shanghai") == (since, monday)
    three_weeks_later = datetime(2026, 12, 10, 0, 0)
    assert digest_period("weekly", "08:00", since, three_weeks_later, "Asia/Shanghai") == (
        since,
        datetime(2026, 12, 7, 0, 0),
    )
    assert digest_period("daily", "23:30", since, datetime(2026, 11, 18, 15, 30), "Asia/Shanghai") == (
        since,
        datetime(2026, 11, 18, 15, 30),
    )


def test_immediate_messages_are_held_through_quiet_hours(workspace, site, mail):
    now = utcnow()
    quiet = f"{_hhmm(now - timedelta(hours=1))}-{_hhmm(now + timedelta(hours=1))}"
    workspace.cli("subscribe", "night@example.org", "--quiet", quiet)
    workspace.cli("subscribe", "awake@example.org")
    site.publish("kjfw", "wansheng-plan")

    workspace.crawl()

    assert [m["To"] for m in mail.messages()] == ["awake@example.org"]
    with workspace.db.session() as session:
        held = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "night@example.org"))
        due = held.next_attempt_at
    assert held.status == "pending" and now + timedelta(minutes=50) < due <= now + timedelta(hours=1, minutes=1)
    dispatch(workspace.db, channels(workspace.settings().smtp), now=due - timedelta(minutes=1))
    assert len(mail.messages()) == 1
    dispatch(workspace.db, channels(workspace.settings().smtp), now=due)
    assert [m["To"] for m in mail.messages()] == ["awake@example.org", "night@example.org"]
    assert quiet_until("22:00-07:00", datetime(2026, 11, 24, 16, 0), "Asia/Shanghai") == datetime(2026, 11, 24, 23, 0)
    assert quiet_until("22:00-07:00", datetime(2026, 11, 24, 23, 0), "Asia/Shanghai") is None


def test_deadline_reminders_come_once_a_day_with_how_to_comment_until_the_final(workspace, site, mail):
    workspace.cli("subscribe", "deadlines@example.org", "--remind-deadlines", "3d", "--source", "szf")
    workspace.cli("subscribe", "other@example.org", "--remind-deadlines", "3d", "--source", "szf")
    site.publish("nx-kjt", "nx-kjt-draft")  # comments close on 2021-05-12
    workspace.crawl()
    draft_url = workspace.changes()[0]["url"]
    workspace.cli("follow", "deadlines@example.org", draft_url)  # outside its source filter: followed
    workspace.cli("subscribe", "keyword@example.org", "--remind-deadlines", "5d", "--keyword", "高新技术产业开发区")

    def morning(day: int) -> datetime:
        return datetime(2021, 5, day, 1, 0)  # 09:00 in Beijing

    assert _send(workspace, morning(8)) == 1  # four days ahead: only the 5-day subscriber
    assert [m["To"] for m in mail.messages()] == ["keyword@example.org"]
    assert _send(workspace, morning(9)) == 2
    assert _send(workspace, morning(9) + timedelta(hours=8)) == 0  # once a day
    reminders = [m for m in mail.messages() if m["To"] == "deadlines@example.org"]
    [reminder] = reminders
    assert "2021-05-12 截止反馈" in reminder["Subject"]
    text = reminder.get_body(("plain",)).get_content()
    assert "还剩 3 天" in text and "nxkjtgyc@163.com" in text and "2021年5月12日" in text
    site.publish("zfxxgk", "nx-final")
    workspace.crawl()  # the final is linked: the draft is no longer open
    before = len(mail.messages())
    assert _send(workspace, morning(10)) == 0
    assert len(mail.messages()) == before
