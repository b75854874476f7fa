"""Which process this is, and whether a process named so still lives: a run remembers the
process crawling it (machine, pid, the pid's start time), so a run whose process is gone is
known at once, never guessed from its age."""

from __future__ import annotations

import os
import socket

from storage.runqueue import ProcessId


def _started(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[19]) if len(fields) > 19 and fields[19].isdigit() else None


def this_process() -> ProcessId:
    pid = os.getpid()
    return ProcessId(socket.gethostname(), pid, _started(pid) or 0)


def alive(pid: int | None, pid_started: int | None) -> bool:
    """Does the process still run on this machine (the same one, not a later owner of its pid)?"""
    if not pid:
        return False
    started = _started(pid)
    if started is None:
        return False
    if _zombie(pid):
        return False
    return not pid_started or started == pid_started


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True
