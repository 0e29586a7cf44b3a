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


@pytest.mark.slow
def test_dev_prints_a_curl_line_that_creates_a_lead(tmp_path):
    web, sandbox = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env.update({"PYTHONPATH": str(ROOT), "RELAY_INSTANCE_PATH": str(tmp_path / "instance")})
    log = tmp_path / "dev.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli",
                "dev",
                "--port",
                str(web),
                "--sandbox-port",
                str(sandbox),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        url = None
        while time.monotonic() < deadline and url is None:
            found = re.search(
                rf"'(http://127\.0\.0\.1:{web}/hooks/hk_[\w-]+)\?wait=10'", log.read_text()
            )
            url = found.group(1) if found else None
            time.sleep(0.2)
        assert url, log.read_text()
        fields = dict(re.findall(r"-d (\w+)=(\S+)", log.read_text()))
        assert fields["type"] == "PERSON"
        response = None
        while time.monotonic() < deadline:
            try:
                response = httpx.post(url + "?wait=10", data=fields, timeout=15)
                break
            except httpx.ConnectError:
                time.sleep(0.2)  # the web server binds just after the banner
        assert response is not None and response.status_code == 200, log.read_text()
        assert response.json()["result"]["publicId"].startswith("L-")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    assert "stopped: web, worker, sandbox and the embedded Redis" in log.read_text()
    leftovers = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""
