"""Extraction in a child process with a memory and a time limit.

Files from the web are hostile: a PDF built to make a parser loop, a zip bomb posing as a DOCX, a
500-page scan. Parsers are C libraries and external tools that no try/except can bound, so every
extraction runs in a forked child with an address-space limit and is killed when its time is up.
The limit is what the child may take on top of the address space it inherits: a fork of a store
worker starts with the worker's whole mapping (libraries, arenas), which has nothing to do with
what the file needs.
The parent only reads the result from a pipe. A bare fork, not multiprocessing: the store
workers that call this are daemonic processes, which multiprocessing forbids to have children.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any

from .errors import FileError


def inherited_bytes() -> int:
    """This process's address space (VmSize), which a fork starts with."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _child(write_fd: int, memory_bytes: int, work: Callable[..., Any], args: tuple) -> None:
    try:
        limit = inherited_bytes() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            result: Any = ("ok", work(*args))
        except FileError as exc:
            result = ("error", str(exc))
        except MemoryError:
            result = ("error", "extraction ran out of memory")
        except Exception as exc:  # noqa: BLE001 - a parser's crash is the file's fault: report it
            result = ("error", f"unreadable file ({type(exc).__name__}: {str(exc)[:200]})")
        data = pickle.dumps(result)
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view) :]
    finally:
        os._exit(0)  # never run the parent's cleanup (its database connections, its atexit)


def _read_all(read_fd: int, pid: int, seconds: float) -> bytes:
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    while True:
        remaining = deadline - time.monotonic()
        ready = select.select([read_fd], [], [], max(remaining, 0))[0] if remaining > 0 else []
        if not ready:
            os.kill(pid, signal.SIGKILL)
            raise FileError(f"extraction took longer than {seconds:.0f} s")
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_limited(work: Callable[..., Any], args: tuple, *, seconds: float, memory_mb: int) -> Any:
    """work(*args) in a forked child that may take memory_mb more than it inherits; raises
    FileError with the child's reason, or when it runs over its time, runs out of memory or dies."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, memory_mb * 1024 * 1024, work, args)
    os.close(write_fd)
    try:
        data = _read_all(read_fd, pid, seconds)
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    if not data:
        raise FileError(f"extraction died ({_how(status)})")
    outcome, value = pickle.loads(data)
    if outcome == "error":
        raise FileError(value)
    return value


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
