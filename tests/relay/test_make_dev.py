"""`make dev` stays true: the embedded stack starts, its printed curl line creates a lead,
and SIGTERM stops every part of it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Dev:
    """``esqase-relay dev`` in its own process group, its output in ``log``."""

    def __init__(self, tmp_path: Path) -> None:
        self.web, sandbox = _free_port(), _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
        env.update({"PYTHONPATH": str(ROOT), "RELAY_INSTANCE_PATH": str(tmp_path / "instance")})
        self.log = tmp_path / "dev.log"
        argv = [sys.executable, "-m", "app.cli", "dev"]
        argv += ["--port", str(self.web), "--sandbox-port", str(sandbox)]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                argv,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,  # its own group: the stop takes every part of it
            )
        self.deadline = time.monotonic() + 60
        self.url = self._hook_url()
        self.fields = dict(re.findall(r"-d (\w+)=(\S+)", self.text()))

    def text(self) -> str:
        return self.log.read_text()

    def _hook_url(self) -> str:
        pattern = rf"'(http://127\.0\.0\.1:{self.web}/hooks/hk_[\w-]+)\?wait=10'"
        while time.monotonic() < self.deadline:
            found = re.search(pattern, self.text())
            if found:
                return found.group(1)
            time.sleep(0.2)
        raise AssertionError(self.text())

    def create_lead(self) -> httpx.Response:
        while time.monotonic() < self.deadline:
            try:
                return httpx.post(self.url + "?wait=10", data=self.fields, timeout=15)
            except httpx.ConnectError:
                time.sleep(0.2)  # the web server binds just after the banner
        raise AssertionError(self.text())

    def worker_pids(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid), "-f", "app.cli worker"],
            capture_output=True,
            text=True,
        )
        return [int(pid) for pid in found.stdout.split()]

    def stop(self) -> None:
        """SIGTERM to the group, as a terminal's Ctrl-C or a supervisor would."""
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise

    def leftovers(self) -> str:
        found = subprocess.run(["pgrep", "-g", str(self.proc.pid)], capture_output=True, text=True)
        return found.stdout.strip()


@pytest.mark.slow
def test_dev_prints_a_curl_line_that_creates_a_lead(tmp_path):
    dev = Dev(tmp_path)
    try:
        assert dev.fields["type"] == "PERSON"
        response = dev.create_lead()
        assert response.status_code == 200, dev.text()
        assert response.json()["result"]["publicId"].startswith("L-")
    finally:
        dev.stop()
    assert "stopped: web, worker, sandbox and the embedded Redis" in dev.text()
    assert dev.leftovers() == ""


@pytest.mark.slow
def test_dev_starts_a_worker_that_died_again(tmp_path):
    dev = Dev(tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not dev.worker_pids() and time.monotonic() < deadline:
            time.sleep(0.2)
        [first] = dev.worker_pids()
        os.kill(first, signal.SIGKILL)
        while time.monotonic() < deadline and dev.worker_pids() in ([], [first]):
            time.sleep(0.2)
        assert "worker exited (code -9); restarting in 1s" in dev.text()
        [second] = dev.worker_pids()
        assert second != first
        response = dev.create_lead()  # the new worker runs it
        assert response.status_code == 200, dev.text()
    finally:
        dev.stop()
    assert "stopped: web, worker, sandbox and the embedded Redis" in dev.text()
    assert dev.leftovers() == ""
