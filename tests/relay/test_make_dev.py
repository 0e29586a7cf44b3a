"""`make dev` stays true: the embedded stack starts, its banner comes once the worker is
ready (so its printed curl line creates a lead at once), a second terminal's CLI uses the
same stack, a second dev changes nothing, and SIGTERM stops every part of it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
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


def _env(instance: Path) -> dict[str, str]:
    """A terminal of the checkout: no RELAY_* set, the same instance folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env.update({"PYTHONPATH": str(ROOT), "RELAY_INSTANCE_PATH": str(instance)})
    return env


def cli(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``esqase-relay ARGS`` in another terminal of the same checkout."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=_env(instance),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


class Dev:
    """``esqase-relay dev`` in its own process group, its output in ``log``."""

    def __init__(self, tmp_path: Path, web: int | None = None, sandbox: int | None = None) -> None:
        self.web, self.sandbox = web or _free_port(), sandbox or _free_port()
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.instance = tmp_path / "instance"
        self.log = tmp_path / f"dev-{self.web}-{self.sandbox}.log"
        argv = [sys.executable, "-m", "app.cli", "dev"]
        argv += ["--port", str(self.web), "--sandbox-port", str(self.sandbox)]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                argv,
                env=_env(self.instance),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,  # its own group: the stop takes every part of it
            )
        self.deadline = time.monotonic() + 90

    def text(self) -> str:
        return self.log.read_text()

    def banner(self) -> str:
        """The hook URL, once the banner is printed."""
        pattern = rf"'(http://127\.0\.0\.1:{self.web}/hooks/hk_[\w-]+)\?wait=10'"
        while time.monotonic() < self.deadline:
            found = re.search(pattern, self.text())
            if found:
                self.fields = dict(re.findall(r"-d (\w+)=(\S+)", self.text()))
                return found.group(1)
            if self.proc.poll() is not None:
                raise AssertionError(self.text())
            time.sleep(0.1)
        raise AssertionError(self.text())

    def settings(self) -> dict:
        return json.loads((self.instance / "dev-settings.json").read_text())

    def create_lead(self, url: str) -> httpx.Response:
        return httpx.post(url + "?wait=10", data=self.fields, timeout=15)

    def worker_pids(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid), "-f", "app.cli worker"],
            capture_output=True,
            text=True,
        )
        return [int(pid) for pid in found.stdout.split()]

    def stop(self) -> None:
        """SIGTERM to the group, as a terminal's Ctrl-C or a supervisor would."""
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise

    def leftovers(self) -> str:
        found = subprocess.run(["pgrep", "-g", str(self.proc.pid)], capture_output=True, text=True)
        return found.stdout.strip()


def _registered_workers(redis_url: str) -> dict[int | None, str]:
    """pid -> state of every worker registered with RQ in dev's Redis."""
    from redis import Redis
    from rq import Worker

    with Redis.from_url(redis_url) as redis:
        return {w.pid: w.get_state() for w in Worker.all(connection=redis)}


@pytest.mark.slow
def test_dev_is_ready_when_it_says_so_other_terminals_use_it_and_its_worker_restarts(
    tmp_path,
):
    dev = Dev(tmp_path)
    try:
        url = dev.banner()
        settings = dev.settings()
        # The banner comes after the worker has registered and waits for jobs.
        [worker] = dev.worker_pids()
        assert _registered_workers(settings["env"]["RELAY_REDIS_URL"]).get(worker) == "idle"
        assert dev.fields["type"] == "PERSON"
        response = dev.create_lead(url)
        assert response.status_code == 200, dev.text()
        assert response.json()["result"]["publicId"].startswith("L-")

        # The settings file: this dev's, readable by its owner only (it holds the token).
        path = dev.instance / "dev-settings.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert settings["pid"] == dev.proc.pid
        sandbox = f"http://127.0.0.1:{dev.sandbox}"
        assert settings["env"]["RELAY_ESQASE_BASE_URL"] == sandbox

        # A second terminal: no RELAY_* variable, and it sees this stack.
        listed = cli(dev.instance, "jobs", "list", "--status", "succeeded")
        assert listed.returncode == 0, listed.stderr
        assert response.json()["id"] in listed.stdout
        added = cli(
            dev.instance, "connections", "add", "--name", "Mine", "--api-key", "esq_x_12345678"
        )
        assert added.returncode == 0, added.stderr
        assert re.search(rf"^base url\s+{re.escape(sandbox)}$", added.stdout, re.M)
        conn_id = re.search(r"^id\s+(con_\w+)$", added.stdout, re.M).group(1)
        hooked = cli(
            *(dev.instance, "hooks", "add", "--name", "Loopback", "--action", "leads.create"),
            *("--connection", conn_id, "--callback-url", f"http://127.0.0.1:{dev.web}/x"),
        )
        assert hooked.returncode == 0, hooked.stderr  # loopback callbacks, as dev allows
        shown = cli(dev.instance, "config", "--json")
        sources = {s["name"]: s["source"] for s in json.loads(shown.stdout)}
        assert sources["RELAY_REDIS_URL"] == sources["RELAY_ADMIN_TOKEN"] == "make dev"

        # A worker that dies is started again, and the new one runs the next job.
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and dev.worker_pids() in ([], [worker]):
            time.sleep(0.2)
        assert "worker exited (code -9); restarting in 1s" in dev.text()
        [second] = dev.worker_pids()
        assert second != worker
        redis_url = settings["env"]["RELAY_REDIS_URL"]
        while time.monotonic() < deadline and _registered_workers(redis_url).get(second) != "idle":
            time.sleep(0.2)
        assert dev.create_lead(url).status_code == 200, dev.text()
    finally:
        dev.stop()
    assert "stopped: web, worker, sandbox and the embedded Redis" in dev.text()
    assert dev.leftovers() == ""
    assert not (dev.instance / "dev-settings.json").exists()


@pytest.mark.slow
def test_a_second_dev_changes_nothing_and_says_why(tmp_path):
    first = Dev(tmp_path)
    try:
        url = first.banner()
        token = first.settings()["env"]["RELAY_ADMIN_TOKEN"]

        def demo_base_url() -> str:
            response = httpx.get(
                f"http://127.0.0.1:{first.web}/api/v1/connections",
                headers={"Authorization": f"Bearer {token}"},
            )
            return str(response.json()["data"][0]["base_url"])

        before = demo_base_url()

        same_folder = Dev(tmp_path, sandbox=_free_port())  # other ports, same checkout
        assert same_folder.proc.wait(60) == 1
        assert "already running" in same_folder.text() and "Traceback" not in same_folder.text()

        elsewhere = Dev(tmp_path / "other", web=first.web)  # its own folder, a busy port
        assert elsewhere.proc.wait(60) == 1
        said = elsewhere.text()
        assert f"port {first.web} (web) is in use" in said and "Nothing was started" in said
        assert "is running" not in said
        free = re.search(r"make dev PORT=(\d+) SANDBOX_PORT=(\d+)", said)
        assert free and int(free.group(1)) != first.web

        assert demo_base_url() == before == f"http://127.0.0.1:{first.sandbox}"
        assert first.settings()["pid"] == first.proc.pid
        assert first.create_lead(url).status_code == 200
    finally:
        first.stop()


def test_make_dev_takes_its_ports():
    made = subprocess.run(
        ["make", "-n", "dev", "PORT=8001", "SANDBOX_PORT=8101"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    assert "esqase-relay dev --port 8001 --sandbox-port 8101" in made.stdout
