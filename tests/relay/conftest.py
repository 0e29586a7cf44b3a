"""The relay as production runs it: ``esqase-relay serve`` (gunicorn, gthread workers) in
its own process, on a free port, over the test run's database and Redis namespace.
One per session (it takes seconds to boot); each module makes its own hooks, and no
test that uses it also uses the ``app`` fixture, whose cleaning would delete them.

Framing cases need it: werkzeug's test client hands the app a ready-made body, so
broken chunks, half-closed bodies and oversized streams only exist between a real
socket and a real gunicorn. Tests talk to it with raw bytes (:meth:`LiveRelay.raw`)
or httpx, and read its stderr (gunicorn's log and the app's, which has no handler
of its own there and so prints through logging's last resort) with
:meth:`LiveRelay.new_log`.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
LIVE_ADMIN = "live-admin-token"
ADMIN_HEADERS = {"Authorization": f"Bearer {LIVE_ADMIN}"}
# What a server log must never show: a traceback, or gunicorn reporting a worker error.
LOG_ALARMS = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|Exception in worker")


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class LiveRelay:
    url: str
    port: int
    log_path: Path
    proc: subprocess.Popen
    _log_offset: int = 0
    headers: dict[str, str] = field(
        default_factory=lambda: {"Authorization": f"Bearer {LIVE_ADMIN}"}
    )

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=20)

    def connection(self, base_url: str = "http://127.0.0.1:9", **extra: Any) -> str:
        body = {"name": "Live firm", "api_key": "esq_live_fuzzkey0000", "base_url": base_url}
        with self.api() as api:
            response = api.post("/api/v1/connections", json={**body, **extra})
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["id"])

    def hook(self, action: str, connection_id: str, **extra: Any) -> dict[str, Any]:
        body = {"name": f"{action} live", "action": action, "connection_id": connection_id}
        with self.api() as api:
            response = api.post("/api/v1/hooks", json={**body, **extra})
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        data["path"] = "/hooks/" + data["url"].rsplit("/hooks/", 1)[1]
        return data

    def raw(self, request: bytes, *, half_close: bool = False, timeout: float = 20) -> RawResponse:
        """Send ``request`` as bytes on a fresh connection; ``half_close`` shuts our
        sending side right after, as a client that gave up mid-body would. The request
        should say ``Connection: close``: the answer is read until the server closes.

        A server that refuses a body before reading all of it (a 413) closes with bytes
        still unread, and the kernel may then reset the connection before its answer
        can be read: that, and only while we were still sending, is status 0."""
        cut_off = False
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            try:
                sock.sendall(request)
                if half_close:
                    sock.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                cut_off = True  # the server answered and closed before taking it all
            data = bytearray()
            while True:
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                data += chunk
        if not data and cut_off:
            return RawResponse(0, {}, b"")
        return parse_response(bytes(data))

    def new_log(self) -> str:
        """What the server logged since the last call."""
        with open(self.log_path, "rb") as log:
            log.seek(self._log_offset)
            text = log.read()
        self._log_offset += len(text)
        return text.decode(errors="replace")

    def alarms(self) -> str:
        """The new log, if it shows a traceback or a worker error; else ''."""
        text = self.new_log()
        return text if LOG_ALARMS.search(text) else ""


def parse_response(data: bytes) -> RawResponse:
    """The final response in ``data`` (an interim ``100 Continue`` is skipped)."""
    while True:
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        match = re.match(r"HTTP/1\.[01] (\d{3})", lines[0] if lines else "")
        if match is None:
            raise AssertionError(f"no HTTP response, got {data[:200]!r}")
        if not match.group(1).startswith("1"):
            break
        data = body
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return RawResponse(int(match.group(1)), headers, body)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def _wait_until_up(relay: LiveRelay, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if relay.proc.poll() is not None:
            raise AssertionError(f"the relay exited at start:\n{relay.log_path.read_text()}")
        try:
            if httpx.get(f"{relay.url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the relay did not come up:\n{relay.log_path.read_text()}")


@pytest.fixture(scope="session")
def live_relay(
    migrated: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveRelay]:
    tmp = tmp_path_factory.mktemp("live")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    run = f"t{os.getpid()}"  # the namespace tests/conftest.py gives this run's keys and queues
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RELAY_INSTANCE_PATH": str(tmp / "instance"),
        "RELAY_DATABASE_URL": migrated,
        "RELAY_REDIS_URL": redis_url,
        "RELAY_SECRET_KEY": Fernet.generate_key().decode(),
        "RELAY_ADMIN_TOKEN": LIVE_ADMIN,
        "RELAY_PUBLIC_URL": url,
        "RELAY_ALLOW_PRIVATE_CALLBACKS": "true",
        "RELAY_REDIS_PREFIX": run,
        "RELAY_QUEUE_PREFIX": f"{run}-",
        # Fuzzing sends thousands of requests to a few hooks: 429s would hide the rest.
        "RELAY_INGEST_RATE_LIMIT": "0",
        "RELAY_MAX_WAIT_SECONDS": "1",  # ?wait=1e9 is clamped, not refused: keep it short
        # Several test runs share this machine: no gunicorn control socket in ~/.gunicorn.
        "GUNICORN_CMD_ARGS": "--no-control-socket",
        # Fuzzed connections carry fuzzed base URLs: any call out of this server goes to a
        # proxy that is not there, never to the address a fuzzer made up.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "ALL_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
    }
    log_path = tmp / "server.log"
    with open(log_path, "wb") as log:  # the child keeps its own copy
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=log,
            cwd=ROOT,
            start_new_session=True,
        )
    relay = LiveRelay(url=url, port=port, log_path=log_path, proc=proc)
    try:
        _wait_until_up(relay)
        relay.new_log()  # the start-up lines are not the tests' business
        yield relay
    finally:
        _stop(proc)
