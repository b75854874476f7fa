"""Scrapyd nodes through their JSON API (daemonstatus, listversions, listjobs, schedule, cancel,
addversion), with Scrapyd's own basic auth. Every failure is one NodeError line naming the node:
a node that does not answer, refuses the credentials, or answers {"status": "error"}."""

from __future__ import annotations

from dataclasses import dataclass

import requests

TIMEOUT_SECONDS = 10.0


class NodeError(Exception):
    """A node that cannot do what was asked, in one line."""


class NodeDownError(NodeError):
    """The node did not answer at all."""


@dataclass(frozen=True)
class Node:
    url: str
    auth: tuple[str, str] | None = None
    timeout: float = TIMEOUT_SECONDS

    def _call(self, method: str, endpoint: str, **kwargs: object) -> dict:
        try:
            response = requests.request(
                method, f"{self.url}/{endpoint}", auth=self.auth, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise NodeDownError(f"{self.url} does not answer ({type(exc).__name__})") from None
        if response.status_code == 401:
            raise NodeError(f"{self.url} refuses the credentials (set $POLICYWATCH_SCRAPYD_USERNAME and _PASSWORD)")
        try:
            body = response.json()
        except ValueError:
            raise NodeError(f"{self.url} is not a Scrapyd node (HTTP {response.status_code} to {endpoint})") from None
        if body.get("status") != "ok":
            raise NodeError(f"{self.url}: {body.get('message', 'error')}".strip())
        return body

    def status(self) -> dict:
        """{"pending": n, "running": n, "finished": n, "node_name": …}"""
        return self._call("GET", "daemonstatus.json")

    def versions(self, project: str) -> list[str]:
        """The project's egg versions on the node, oldest first; none if it was never deployed."""
        try:
            return self._call("GET", "listversions.json", params={"project": project})["versions"]
        except NodeError as exc:
            if "not found" in str(exc):
                return []
            raise

    def jobs(self, project: str) -> dict[str, list[dict]]:
        """{"pending": […], "running": […], "finished": […]}, each job with its "id"."""
        try:
            return self._call("GET", "listjobs.json", params={"project": project})
        except NodeError as exc:
            if "not found" in str(exc):
                return {"pending": [], "running": [], "finished": []}
            raise

    def schedule(self, project: str, spider: str, version: str, job_id: str, **args: str) -> None:
        data = {"project": project, "spider": spider, "_version": version, "jobid": job_id, **args}
        self._call("POST", "schedule.json", data=data)

    def cancel(self, project: str, job_id: str, signal: str = "INT") -> None:
        """INT lets Scrapy close the spider cleanly (a second INT, or KILL, does not wait)."""
        self._call("POST", "cancel.json", data={"project": project, "job": job_id, "signal": signal})

    def add_version(self, project: str, version: str, egg: bytes) -> None:
        self._call("POST", "addversion.json", data={"project": project, "version": version}, files={"egg": egg})
