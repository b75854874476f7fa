"""When a subscriber is told: digests at a local hour, daily or weekly, and quiet hours.

The digest slots are APScheduler cron triggers (a daily one at 08:00, a weekly one on Mondays);
a digest covers the events after the previous digest up to the latest slot that has passed, so a
daemon that was down sends one digest, not one per missed slot, and nothing is told twice.
Times in the database are naive UTC; the hours are the subscriber's local time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

RHYTHMS = ("immediate", "daily", "weekly")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def clock(value: str) -> time:
    """ "08:00" as a time; ValueError with a clear message otherwise."""
    match = _CLOCK.match(value)
    if not match:
        raise ValueError(f"not a time of day (HH:MM): {value!r}")
    return time(int(match[1]), int(match[2]))


def quiet_window(value: str) -> tuple[time, time]:
    """ "22:00-07:00" as (start, end)."""
    start, sep, end = value.partition("-")
    if not sep:
        raise ValueError(f"not quiet hours (HH:MM-HH:MM): {value!r}")
    return clock(start.strip()), clock(end.strip())


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def digest_period(
    rhythm: str, at: str, since: datetime, now: datetime, timezone: str
) -> tuple[datetime, datetime] | None:
    """(start, end] of the digest due at now for events after since, or None if none is due."""
    hour = clock(at)
    trigger = CronTrigger(
        hour=hour.hour, minute=hour.minute, day_of_week="mon" if rhythm == "weekly" else "*", timezone=timezone
    )
    slot = trigger.get_next_fire_time(None, _aware(since) + timedelta(microseconds=1))
    if slot is None or slot > _aware(now):
        return None
    while (later := trigger.get_next_fire_time(slot, slot + timedelta(microseconds=1))) and later <= _aware(now):
        slot = later
    return since, _naive(slot)


def quiet_until(quiet_hours: str | None, now: datetime, timezone: str) -> datetime | None:
    """The end of the quiet hours now falls in (naive UTC), or None outside them."""
    if not quiet_hours:
        return None
    start, end = quiet_window(quiet_hours)
    local = _aware(now).astimezone(ZoneInfo(timezone))
    at = local.timetz().replace(tzinfo=None)
    inside = start <= at < end if start <= end else (at >= start or at < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return _naive(ends)
