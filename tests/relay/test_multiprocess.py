"""Past one machine, as docs/deployment.md describes it: two web processes
(``esqase-relay serve``) and two workers (``esqase-relay worker``), each a process of its
own, sharing one database and one Redis and nothing else. Deliveries spread over both
web processes each reach Esqase exactly once and are called back exactly once.

Everything is the test's own: a database (a PostgreSQL schema of its own) made by
``esqase-relay db upgrade``, a private redis-server, a fresh sandbox key. Nothing of the
in-process ``app`` fixture is used, so the processes see only what they were given.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from redis import Redis
from rq import Worker
from sqlalchemy import create_engine, text

from tests.conftest import RUN
from tests.relay.conftest import LOG_ALARMS
from tests.relay.test_chaos import PrivateRedis

ROOT = Path(__file__).resolve().parents[2]
DELIVERIES = 24
TOKEN = "multi-admin-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def database() -> Iterator[str]:
    """A schema of this test's own on the run's PostgreSQL."""
    url = os.environ.get("RELAY_TEST_DATABASE_URL")
    if not url:
        pytest.skip(
            "several hosts share PostgreSQL, not a SQLite file; this runs in the PostgreSQL "
            "run (.ci/run), and costs most of a minute"
        )
    schema = f"{RUN}_multi"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


class Fleet:
    """The processes of one deployment, started the way the guide starts them."""

    def __init__(self, tmp_path: Path, database: str, redis_url: str, public_url: str) -> None:
        self.tmp = tmp_path
        clean = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
        self.env = {
            **clean,
            "PYTHONPATH": str(ROOT),
            "RELAY_DATABASE_URL": database,
            "RELAY_REDIS_URL": redis_url,
            "RELAY_SECRET_KEY": Fernet.generate_key().decode(),  # the same on every host
            "RELAY_ADMIN_TOKEN": TOKEN,
            "RELAY_PUBLIC_URL": public_url,  # the load balancer's address
            "RELAY_ALLOW_PRIVATE_CALLBACKS": "true",  # the callback inbox is on loopback
            "RELAY_INSTANCE_PATH": str(tmp_path / "instance"),
        }
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    def start(self, name: str, *args: str, **env: str) -> None:
        with open(self.tmp / f"{name}.log", "wb") as log:
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", "app.cli", *args],
                env={**self.env, **env},
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def alive(self) -> dict[str, int | None]:
        return {name: proc.poll() for name, proc in self.procs.items()}

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _metrics(url: str) -> dict[str, float]:
    """One /metrics scrape: ``name{labels}`` -> value."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def _idle_workers(redis_url: str) -> int:
    with Redis.from_url(redis_url) as redis:
        return sum(w.get_state() == "idle" for w in Worker.all(connection=redis))


@pytest.mark.slow
def test_two_web_processes_and_two_workers_see_every_delivery_through_once(
    tmp_path, database, esqase, inbox
):
    redis = PrivateRedis(tmp_path)
    redis.start()
    webs = [f"http://127.0.0.1:{_free_port()}" for _ in range(2)]
    fleet = Fleet(tmp_path, database, redis.url, public_url=webs[0])
    try:
        fleet.run("db", "upgrade")
        for n, url in enumerate(webs):
            port = url.rsplit(":", 1)[1]
            fleet.start(
                f"web{n}",
                *("serve", "--host", "127.0.0.1", "--port", port, "--workers", "2"),
                PROMETHEUS_MULTIPROC_DIR=str(tmp_path / f"metrics-web{n}"),  # its own folder
            )
        for n in range(2):
            fleet.start(f"worker{n}", "worker")
        _wait_for(lambda: all(_ready(url) for url in webs), 90, "both web processes")
        _wait_for(lambda: _idle_workers(redis.url) == 2, 90, "both workers to wait for jobs")

        admin = {"Authorization": f"Bearer {TOKEN}"}
        key = esqase.new_key("practice-areas:write", "practice-areas:read")
        conn = httpx.post(
            f"{webs[0]}/api/v1/connections",
            json={"name": "Firm", "api_key": key, "base_url": esqase.url},
            headers=admin,
        ).json()["data"]
        hook = httpx.post(
            f"{webs[1]}/api/v1/hooks",  # made on one web process, used through both
            json={
                "name": "Intake",
                "action": "practice-areas.create",
                "connection_id": conn["id"],
                "callback_url": inbox.url,
            },
            headers=admin,
        ).json()["data"]
        path = "/hooks/" + hook["url"].rsplit("/hooks/", 1)[1]
        # Each create takes a moment, so a worker busy with one leaves the next to the other.
        esqase.fault("POST", "/v1/practice-areas", kind="latency", seconds=0.2, times=DELIVERIES)

        names = [f"Area {n:02}" for n in range(DELIVERIES)]
        accepted = []
        for n, name in enumerate(names):
            response = httpx.post(
                webs[n % 2] + path, json={"name": name}, headers={"Idempotency-Key": f"k{n}"}
            )
            assert response.status_code == 202, response.text
            accepted.append(response.json()["id"])

        def succeeded() -> list[dict]:
            listed = httpx.get(
                f"{webs[0]}/api/v1/jobs",
                params={"hook_id": hook["id"], "status": "succeeded", "limit": 200},
                headers=admin,
            )
            return list(listed.json()["data"])

        _wait_for(lambda: len(succeeded()) == DELIVERIES, 120, "every job to succeed")
        _wait_for(lambda: len(inbox.received) >= DELIVERIES, 60, "every callback")
        time.sleep(1)  # a duplicate, were there one, would arrive about now

        assert sorted(j["id"] for j in succeeded()) == sorted(accepted)
        created = [r["name"] for r in esqase.records("practice-areas")]
        assert sorted(created) == names  # each delivery reached Esqase exactly once
        sent = [r for r in esqase.requests() if r["method"] == "POST"]
        assert len(sent) == DELIVERIES

        details = [
            httpx.get(f"{webs[n % 2]}/api/v1/jobs/{job_id}", headers=admin).json()["data"]
            for n, job_id in enumerate(accepted)
        ]
        assert {len(d["attempts"]) for d in details} == {1}
        by_worker = Counter(d["attempts"][0]["worker"].split(":")[1] for d in details)
        assert len(by_worker) == 2, by_worker  # both workers took jobs

        events = [json.loads(r["body"]) for r in inbox.received]
        assert sorted(e["data"]["id"] for e in events) == sorted(accepted)
        assert {e["type"] for e in events} == {"job.succeeded"}
        assert len({r["headers"]["webhook-id"] for r in inbox.received}) == DELIVERIES

        for url in webs:  # whichever gunicorn worker answers, it counts for all of them
            for _ in range(3):
                metrics = _metrics(url)
                accepted_here = metrics[
                    'relay_ingest_total{action="practice-areas.create",outcome="accepted"}'
                ]
                assert accepted_here == DELIVERIES / 2
            assert metrics["relay_workers"] == 2  # state: the same from every web process
            assert metrics['relay_jobs{status="queued"}'] == 0
            assert metrics['relay_state_up{part="database"}'] == 1

        assert all(code is None for code in fleet.alive().values()), fleet.alive()
    finally:
        fleet.stop()
        redis.stop()
    for name in fleet.procs:
        assert not LOG_ALARMS.search(fleet.log(name)), fleet.log(name)
