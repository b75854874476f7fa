"""Scrapyd nodes through their JSON API (daemonstatus, listprojects, listjobs, schedule, cancel),
with Scrapyd's own basic auth. Every failure is one NodeError line naming the node:
a node that does not answer, refuses the credentials, answers {"status": "error"}, answers in a
shape Scrapyd never sends, or does not finish its answer within the call's deadline (a node
trickling bytes would otherwise hold a caller forever: requests' timeout is per read)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import requests

TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 5_000_000


class NodeError(Exception):
    """A node that cannot do what was asked, in one line."""


class NodeDownError(NodeError):
    """The node did not answer at all."""


@dataclass(frozen=True)
class Node:
    url: str
    auth: tuple[str, str] | None = None
    timeout: float = TIMEOUT_SECONDS

    def _call(self, method: str, endpoint: str, **kwargs: Any) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        try:
            with requests.request(
                method, f"{self.url}/{endpoint}", auth=self.auth, timeout=self.timeout, stream=True, **kwargs
            ) as response:
                status, raw = response.status_code, _read_by(response, deadline)
        except requests.RequestException as exc:
            raise NodeDownError(f"{self.url} does not answer ({type(exc).__name__})") from None
        except TimeoutError:
            raise NodeDownError(f"{self.url} did not finish answering {endpoint} within {self.timeout:.0f} s") from None
        if status == 401:
            raise NodeError(f"{self.url} refuses the credentials (set $POLICYWATCH_SCRAPYD_USERNAME and _PASSWORD)")
        try:
            body = json.loads(raw)
        except ValueError:
            raise NodeError(f"{self.url} is not a Scrapyd node (HTTP {status} to {endpoint})") from None
        if not isinstance(body, dict):
            raise NodeError(f"{self.url} is not a Scrapyd node (its answer to {endpoint} is not an object)")
        if body.get("status") != "ok":
            raise NodeError(f"{self.url}: {str(body.get('message', 'error'))[:300]}".strip())
        return body

    def status(self) -> dict[str, Any]:
        """{"pending": n, "running": n, "finished": n, "node_name": …}"""
        return self._call("GET", "daemonstatus.json")

    def jobs(self, project: str) -> dict[str, list[dict[str, Any]]]:
        """{"pending": […], "running": […], "finished": […]}, each job with its "id"."""
        try:
            body = self._call("GET", "listjobs.json", params={"project": project})
        except NodeError as exc:
            if "not found" in str(exc):
                return {"pending": [], "running": [], "finished": []}
            raise
        jobs = {state: body.get(state) for state in ("pending", "running", "finished")}
        if not all(isinstance(listed, list) and all(_is_job(j) for j in listed) for listed in jobs.values()):
            raise NodeError(f"{self.url} is not a Scrapyd node (listjobs.json lists no jobs with ids)")
        return jobs  # type: ignore[return-value]

    def projects(self) -> list[str]:
        """The projects the node can run (a [settings] project in its scrapyd.conf, or an egg)."""
        projects = self._call("GET", "listprojects.json").get("projects")
        if not isinstance(projects, list) or not all(isinstance(p, str) for p in projects):
            raise NodeError(f"{self.url} is not a Scrapyd node (listprojects.json has no list of projects)")
        return projects

    def schedule(self, project: str, spider: str, job_id: str, **args: str) -> None:
        self._call("POST", "schedule.json", data={"project": project, "spider": spider, "jobid": job_id, **args})

    def cancel(self, project: str, job_id: str, signal: str = "INT") -> None:
        """INT lets Scrapy close the spider cleanly (a second INT, or KILL, does not wait)."""
        self._call("POST", "cancel.json", data={"project": project, "job": job_id, "signal": signal})


def _is_job(job: object) -> bool:
    return isinstance(job, dict) and isinstance(job.get("id"), str)


def _read_by(response: requests.Response, deadline: float) -> bytes:
    """The whole answer, by the deadline and within MAX_ANSWER_BYTES, or TimeoutError. Read as it
    comes (one receive at a time), so a trickle is noticed between its bytes."""
    chunks, size = [], 0
    while chunk := response.raw.read1(64 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline or size > MAX_ANSWER_BYTES:
            raise TimeoutError
    return b"".join(chunks)
