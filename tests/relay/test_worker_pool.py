"""``esqase-relay worker --processes N``: N worker processes from one command, a killed
one started again, and all of them stopped by one signal to the command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from rq import Worker

from app.queues import RELAY_QUEUE, queue
from tests.conftest import TEST_FERNET
from tests.relay.test_durability import ROOT, _stop, _wait_for

LEAD = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by the pool) is not a worker any more.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def _children(pool: subprocess.Popen) -> set[int]:
    """The pool's workers that RQ lists and that still run."""
    listed = Worker.all(queue=queue(RELAY_QUEUE))
    return {w.pid for w in listed if w.pid and _alive(w.pid) and w.pid != pool.pid}


def _pool(relay, tmp_path, processes: int) -> subprocess.Popen:
    """As :func:`tests.relay.test_durability._worker` starts one, with ``--processes``."""
    cfg = relay.app.config
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RELAY_INSTANCE_PATH": str(tmp_path / "pool-instance"),
        "RELAY_DATABASE_URL": cfg["DATABASE_URL"],
        "RELAY_REDIS_URL": relay.app.extensions["relay.redis"].url,
        "RELAY_SECRET_KEY": TEST_FERNET,
        "RELAY_WORKER_TTL": "2",
        "RELAY_SWEEP_INTERVAL": "1",
        "RELAY_REDIS_PREFIX": cfg["REDIS_PREFIX"],
        "RELAY_QUEUE_PREFIX": cfg["QUEUE_PREFIX"],
    }
    log = open(tmp_path / "pool.log", "wb")  # noqa: SIM115 - the child keeps its own copy
    with log:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--processes", str(processes)],
            env=env,
            stdout=log,
            stderr=log,
            cwd=ROOT,
            start_new_session=True,
        )


@pytest.mark.slow
def test_processes_runs_n_workers_restarts_a_killed_one_and_stops_them_all(relay, tmp_path):
    hook = relay.hook("leads.create")
    pool = _pool(relay, tmp_path, 2)
    try:
        _wait_for(lambda: len(_children(pool)) == 2, 60, "two workers listed by RQ")
        first = _children(pool)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        _wait_for(
            lambda: len(_children(pool)) == 2 and victim not in _children(pool),
            60,
            "the killed worker to be replaced",
        )
        assert pool.poll() is None
        assert len(_children(pool) & first) == 1  # the other one kept running

        job_id = relay.client.post(hook["path"], json=LEAD).get_json()["id"]
        _wait_for(lambda: relay.job(job_id)["status"] == "succeeded", 30, "a job to run")

        workers = _children(pool)
        os.kill(pool.pid, signal.SIGTERM)  # the command only: it tells its workers
        assert pool.wait(30) == 0
        assert not any(_alive(pid) for pid in workers)
    finally:
        _stop(pool)
    log = (tmp_path / "pool.log").read_text()
    assert f"(pid {victim}) ended (signal 9)" in log, log
