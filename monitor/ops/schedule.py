"""A seed file's schedule as an APScheduler trigger: "every 6h" or a crontab line."""

from __future__ import annotations

import re

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

JOB_TABLE = "apscheduler_jobs"  # APScheduler's job store, in the policywatch database
_EVERY = re.compile(r"^every\s+(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)$", re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def trigger(schedule: str, *, jitter: int = 0, timezone: str = "Asia/Shanghai") -> BaseTrigger:
    """The trigger for a schedule; ValueError (one line) when it is neither form."""
    text = schedule.strip()
    every = _EVERY.match(text)
    if every:
        seconds = float(every.group(1)) * _UNIT_SECONDS[every.group(2)[0].lower()]
        if seconds < 1:
            raise ValueError(f"schedule {schedule!r} is shorter than a second")
        return IntervalTrigger(seconds=seconds, jitter=min(jitter, int(seconds / 10)) or None, timezone=timezone)
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(f"schedule {schedule!r} is neither 'every N[s|m|h|d]' nor a five-field crontab line")
    minute, hour, day, month, day_of_week = fields
    try:
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=day_of_week,
            timezone=timezone,
            jitter=jitter or None,
        )
    except ValueError as exc:
        raise ValueError(f"schedule {schedule!r}: {exc}") from None
