"""Real Scrapyd processes for the cluster tests: each in its own folder (logs, dbs), on its own
port of 127.0.0.1, in its own process group so a test can kill a node and its crawls at once, as
a machine going down would. Each runs policywatch as installed here, named in the scrapy.cfg of
its folder (no egg), unless told to run nothing; and reaches the database its environment
names, if any."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from monitor.demo.mailsink import free_port


class ScrapydNode:
    def __init__(
        self, folder: Path, database_url: str | None, username: str = "", password: str = "", *, project: bool = True
    ) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        (folder / "scrapyd.conf").write_text(
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {self.port}\nusername = {username}\npassword = {password}\n"
            "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\npoll_interval = 0.2\nmax_proc = 8\n",
            encoding="utf-8",
        )
        if project:  # Scrapyd and the scrapy it runs both read the scrapy.cfg of the working folder
            (folder / "scrapy.cfg").write_text("[settings]\npolicywatch = crawler.node_settings\n", encoding="utf-8")
        self.process: subprocess.Popen | None = None

    def start(self) -> ScrapydNode:
        env = {k: v for k, v in os.environ.items() if k != "POLICYWATCH_DATABASE_URL"}
        if self.database_url:
            env["POLICYWATCH_DATABASE_URL"] = self.database_url
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=self.folder,
            env=env,
            stdout=(self.folder / "scrapyd.out").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until it answers (it reports nothing else when ready)
            try:
                requests.get(self.url + "/daemonstatus.json", timeout=1)
                return self
            except requests.ConnectionError:
                assert self.process.poll() is None, (self.folder / "scrapyd.out").read_text()
                time.sleep(0.05)
        raise AssertionError(f"scrapyd on {self.url} did not start")

    def kill(self) -> None:
        """SIGKILL to the node and every crawl it started: a machine going down."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def running_jobs(self) -> list[str]:
        return [j["id"] for j in requests.get(self.url + "/listjobs.json", timeout=10).json()["running"]]

    def end_jobs(self, project: str = "policywatch") -> None:
        """Kill every job still pending or running (a long-lived crawl a test's daemon left), and
        wait until the node lists none: the next test starts with a quiet node."""
        listed = requests.get(self.url + "/listjobs.json", params={"project": project}, timeout=10).json()
        for job in [*listed.get("pending", []), *listed.get("running", [])]:
            for signal_name in ("TERM", "KILL"):
                data = {"project": project, "job": job["id"], "signal": signal_name}
                requests.post(self.url + "/cancel.json", data=data, timeout=10)
        deadline = time.monotonic() + 60
        while self.running_jobs() and time.monotonic() < deadline:
            time.sleep(0.2)
