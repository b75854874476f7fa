"""The runs one crawl process has in flight, and when each is done.

A run is done when no request of it is left anywhere in Scrapy: every request carries its run and
a token; a token counts from the moment the spider makes the request (before Scrapy has it, so a
callback's children count before the callback's own token goes) until its callback or errback
has run to the end, or the scheduler drops it. Redirects and retries copy the request's meta,
token included, so a chain of them is one token. A guard token holds the run open while its
start requests are still being yielded. (No spider middleware may drop a request silently:
Scrapy's URL-length one is off, the spider refuses over-long addresses itself.)

A run also ends early: at its time limit, when the process stops, when the process tree's memory
is over its limit, or when a site answers "come back in an hour" (deferred). Then its queued
requests are refused as the engine pulls them, and the run is closed at once with what it has.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from scrapy import Request

from ..scope import Scope
from ..source import Source

log = logging.getLogger(__name__)
Render = Literal["static", "auto", "browser"]
Mode = Literal["static", "browser"]
# How a run ends when it does not end by itself, with the run status each records.
EARLY_ENDS = ("timeout", "interrupted", "memory", "deferred")
_tokens = itertools.count(1)


@dataclass
class RunJob:
    """One run being crawled: its source, what it may fetch, and what it still waits for."""

    run_id: int
    source_id: int
    source: Source
    render: Render = "auto"
    known_urls: list[str] = field(default_factory=list)  # documents due for a visit
    resting: set[str] = field(default_factory=set)  # documents to leave alone this run
    deadline: float = float("inf")  # time.monotonic() past which the run is stopped
    second_pass: bool = False  # the same run again in a browser: its known documents are done
    scope: Scope = field(init=False)
    requested: set[str] = field(default_factory=set)  # document URLs asked for (max_documents)
    outstanding: set[int] = field(default_factory=set)
    needs_browser: bool = False  # a static listing named nothing but runs scripts
    rendered_documents: int = 0  # documents the browser pass's listings named
    ended: str | None = None  # one of EARLY_ENDS, when the run is stopped early
    reason: str | None = None
    closed: bool = False

    def __post_init__(self) -> None:
        self.scope = self.source.scope

    def stop(self, how: str, reason: str) -> None:
        """End the run early (the first reason given stays)."""
        if self.ended is None:
            self.ended, self.reason = how, reason

    @property
    def mode(self) -> Mode:
        return "browser" if self.render == "browser" else "static"


Closer = Callable[[RunJob, str, str | None], Awaitable[None]]


class RunBook:
    """The runs in flight in this process, for every spider in it (the static one and the one
    that renders), and the feed they come from."""

    def __init__(
        self,
        take: Callable[[int], Awaitable[list[RunJob]]],
        close: Closer,
        *,
        release: Callable[[list[RunJob]], Awaitable[None]] | None = None,
        room: int = 500,
        poll_seconds: float = 1.0,
        once: bool = False,
        browser_idle_seconds: float = 60.0,
    ) -> None:
        self._take, self._close, self._give_back = take, close, release
        self.room, self.poll_seconds, self.once = room, poll_seconds, once
        self.browser_idle_seconds = browser_idle_seconds
        self.jobs: dict[int, RunJob] = {}
        self._waiting: dict[Mode, list[RunJob]] = {"static": [], "browser": []}
        self._token_run: dict[int, int] = {}
        self._wake = asyncio.Event()
        self._refilling = asyncio.Lock()
        self._closing: set[asyncio.Task[None]] = set()
        self.draining = False  # take no more runs; finish those in flight
        self.exhausted = False  # the feed has nothing more (once: the queue is empty)
        self.on_browser_needed: Callable[[], None] | None = None
        self.browser_open = False  # a spider that renders is taking runs
        self.followers: list[Awaitable[Any]] = []  # crawls the static spider outlives (the browser's)

    # -- feeding ---------------------------------------------------------------------------

    async def next_jobs(self, mode: Mode) -> list[RunJob] | None:
        """The runs a spider of this mode should start now; None when it is done for good (the
        browser's also after browser_idle_seconds without a run: a browser costs its memory)."""
        idle_since = time.monotonic()
        while True:
            await self._refill()
            if self._waiting[mode]:
                jobs, self._waiting[mode] = self._waiting[mode], []
                return jobs
            if any(job.mode == mode for job in self.jobs.values()):
                idle_since = time.monotonic()
            if self._finished(mode) or (
                mode == "browser" and time.monotonic() - idle_since > self.browser_idle_seconds
            ):
                if mode == "browser":
                    self.browser_open = False
                return None
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self.check_deadlines()

    async def _refill(self) -> None:
        async with self._refilling:
            room = self.room - len(self.jobs)
            if self.draining or self.exhausted or room <= 0:
                return
            taken = await self._take(room)
            if self.draining and taken:  # claimed while the process began to stop: not started
                await self._release(taken)
                return
            if not taken and self.once:
                self.exhausted = True
            for job in taken:
                self.jobs[job.run_id] = job
                job.outstanding.add(0)  # the start guard, until its start requests are out
                self.hand(job)

    async def _release(self, jobs: list[RunJob]) -> None:
        if self._give_back is not None:
            await self._give_back(jobs)

    def hand(self, job: RunJob) -> None:
        """Give a run to the spider of its mode (starting the browser's when first needed)."""
        self._waiting[job.mode].append(job)
        if job.mode == "browser" and not self.browser_open and self.on_browser_needed is not None:
            self.browser_open = True
            self.on_browser_needed()
        self._wake.set()

    def browser_scopes(self) -> list[Scope]:
        return [job.scope for job in self.jobs.values() if job.mode == "browser"]

    def _finished(self, mode: Mode) -> bool:
        """No run will come and none is in flight. The static spider is the last to go: it waits
        for every run, the browser's too, so the process ends only when all are closed."""
        no_more = self.draining or self.exhausted
        if mode == "static":
            return no_more and not any(self._waiting.values()) and not self.jobs
        return no_more and not self._waiting[mode] and not any(j.mode == mode for j in self.jobs.values())

    # -- tokens ----------------------------------------------------------------------------

    def tag(self, request: Request, job: RunJob) -> Request:
        """The request, counted for its run until it is settled."""
        token = next(_tokens)
        request.meta["run"], request.meta["token"] = job.run_id, token
        job.outstanding.add(token)
        self._token_run[token] = job.run_id
        return request

    def settled(self, request: Request) -> None:
        """The request's callback or errback ran to its end, or the scheduler dropped it."""
        token = request.meta.get("token")
        run_id = self._token_run.pop(token, None) if token is not None else None
        job = self.jobs.get(run_id) if run_id is not None else None
        if job is not None:
            job.outstanding.discard(token)
            self._maybe_done(job)

    def started(self, job: RunJob) -> None:
        """Its start requests are out: the guard goes."""
        job.outstanding.discard(0)
        self._maybe_done(job)

    def _maybe_done(self, job: RunJob) -> None:
        if job.outstanding or job.closed:
            return
        if job.ended is None and job.render == "auto" and job.needs_browser and not job.second_pass:
            job.render, job.second_pass, job.known_urls = "browser", True, []
            job.outstanding.add(0)
            self.hand(job)  # the same run again, rendered
            return
        self._spawn(job)

    # -- ending ----------------------------------------------------------------------------

    def refusal(self, request: Request) -> str | None:
        """Why a request of a run that has ended may not go out, if it has."""
        job = self.jobs.get(request.meta.get("run", 0))
        if "run" in request.meta and (job is None or job.closed or job.ended is not None):
            return f"refused: the run has ended ({job.ended if job and job.ended else 'closed'})"
        return None

    def check_deadlines(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for job in list(self.jobs.values()):
            if not job.closed and now > job.deadline:
                job.stop("timeout", "the crawl took longer than its time limit")
                self._spawn(job)

    def stop_all(self, how: str, reason: str) -> list[asyncio.Task[None]]:
        """End every run in flight (the process is stopping, or over its memory); the closes."""
        self.draining = True
        closing = []
        for job in list(self.jobs.values()):
            job.stop(how, reason)
            closing.append(self._spawn(job))
        self._wake.set()
        return closing

    def _spawn(self, job: RunJob) -> asyncio.Task[None]:
        """Close the run in a task of its own (kept, so it is not collected half-way)."""
        task = asyncio.ensure_future(self.close(job))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        return task

    async def close(self, job: RunJob) -> None:
        if job.closed:
            return
        job.closed = True
        status = job.ended or "ok"
        try:
            await self._close(job, status, job.reason)
        except Exception:  # one run's close failing never stops the others
            log.exception("run %d could not be closed", job.run_id)
        finally:
            self.jobs.pop(job.run_id, None)
            self._wake.set()
