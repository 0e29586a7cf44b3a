"""Nothing accepted is lost: Redis down at ingest, a worker killed mid-attempt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.jobs.sweeper import sweep_once
from tests.conftest import TEST_FERNET

ROOT = Path(__file__).resolve().parents[2]


def test_redis_down_at_ingest_still_accepts_and_runs_once_redis_is_back(relay, make_app):
    hook = relay.hook("practice-areas.create")
    down = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = down.test_client().post(hook["path"], json={"name": "Kept"})
    assert response.status_code == 202, response.get_json()
    job_id = response.get_json()["id"]
    assert relay.job(job_id)["status"] == "queued"

    relay.work()  # Redis is fine here, but the job never reached it
    assert relay.job(job_id)["status"] == "queued"

    time.sleep(1.1)  # older than one sweep interval: not an ingest still enqueueing
    report = sweep_once(force=True)
    assert report is not None and report.enqueued == [job_id]
    assert relay.settle(job_id)["status"] == "succeeded"
    assert [a["name"] for a in relay.esqase.records("practice-areas")] == ["Kept"]


def test_sweeper_leaves_a_job_with_a_live_rq_job_alone(relay):
    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Once"}).get_json()["id"]
    time.sleep(1.1)
    report = sweep_once(force=True)
    assert report is not None and report.enqueued == []
    relay.settle(job_id)
    assert len(relay.esqase.records("practice-areas")) == 1


def _worker(app, tmp_path: Path, name: str, **extra: str) -> subprocess.Popen:
    cfg = app.config
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RELAY_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "RELAY_DATABASE_URL": cfg["DATABASE_URL"],
        "RELAY_REDIS_URL": app.extensions["relay.redis"].url,
        # Not cfg["SECRET_KEY"]: once the vault is set up that is the derived signing key.
        "RELAY_SECRET_KEY": TEST_FERNET,
        "RELAY_WORKER_TTL": "2",
        "RELAY_SWEEP_INTERVAL": "1",
        "RELAY_RETRY_SCHEDULE": "1,1,1",
        "RELAY_ALLOW_PRIVATE_CALLBACKS": "true",
        "RELAY_REDIS_PREFIX": cfg["REDIS_PREFIX"],
        "RELAY_QUEUE_PREFIX": cfg["QUEUE_PREFIX"],
        "RELAY_RECONCILE_DELAY": "0",
        **extra,
    }
    with open(tmp_path / f"{name}.log", "wb") as log:  # the child keeps its own copy
        # Its own process group: RQ forks a scheduler child, and a "dead machine" takes both.
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            env=env,
            stdout=log,
            stderr=log,
            cwd=ROOT,
            start_new_session=True,
        )


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def _stop(proc: subprocess.Popen) -> None:
    """Warm shutdown, then make sure nothing of the group is left behind."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


@pytest.mark.slow
def test_killed_workers_job_finishes_after_restart(relay, tmp_path):
    area = relay.esqase.api().post("/v1/practice-areas", json={"name": "Tax"}).json()["data"]
    hook = relay.hook("practice-areas.update")
    relay.esqase.fault("PATCH", "/v1/practice-areas", kind="latency", seconds=6)
    job_id = relay.client.post(hook["path"], json={"id": area["id"], "name": "Taxes"}).get_json()[
        "id"
    ]
    first = _worker(relay.app, tmp_path, "first")
    try:
        _wait_for(lambda: relay.job(job_id)["status"] == "running", 90, "the job to start")
        _kill(first)
    finally:
        _stop(first)

    second = _worker(relay.app, tmp_path, "second")
    try:
        _wait_for(lambda: relay.job(job_id)["status"] == "succeeded", 90, "recovery")
    finally:
        _stop(second)
    job = relay.job(job_id)
    assert [a["outcome"] for a in job["attempts"]] == ["worker_lost", "succeeded"]
    assert job["result"]["name"] == "Taxes"


@pytest.mark.slow
def test_killed_worker_after_sending_a_create_is_reconciled_to_one_record(relay, tmp_path):
    """The create went out, the worker died, Esqase made the record anyway: the next
    attempt waits the settle delay, finds the record, and sends nothing again."""
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", kind="latency", seconds=4)
    job_id = relay.client.post(hook["path"], json={"type": "PERSON", "lastName": "Doe"}).get_json()[
        "id"
    ]
    first = _worker(relay.app, tmp_path, "first")
    try:
        _wait_for(
            lambda: any(
                c["method"] == "POST" for a in relay.job(job_id)["attempts"] for c in a["calls"]
            ),
            90,
            "the POST to be noted as sent",
        )
        _kill(first)
    finally:
        _stop(first)

    second = _worker(relay.app, tmp_path, "second", RELAY_RECONCILE_DELAY="6")
    try:
        _wait_for(lambda: relay.job(job_id)["status"] == "succeeded", 90, "reconciliation")
    finally:
        _stop(second)
    job = relay.job(job_id)
    assert [a["outcome"] for a in job["attempts"]] == ["worker_lost", "succeeded"]
    assert not any(c["method"] == "POST" for c in job["attempts"][1]["calls"])
    assert len(relay.esqase.records("leads")) == 1
    assert job["result"]["id"] == relay.esqase.records("leads")[0]["id"]


def test_a_running_job_past_its_timeout_is_recovered_even_if_its_worker_lives(relay):
    """The worker is alive but lost the job (say its last SQL write failed): not stuck forever."""
    from datetime import timedelta

    from sqlalchemy import update

    from app.db import session
    from app.jobs import liveness
    from app.models import Job, utcnow
    from app.redis_conn import get_redis

    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Lost"}).get_json()["id"]
    liveness.beat(get_redis(), 60, "alive-worker")
    with session() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="running",
                worker="alive-worker",
                attempts_made=1,
                updated_at=utcnow() - timedelta(hours=1),
            )
        )
    report = sweep_once(force=True)
    assert report is not None and report.recovered == [job_id]
    assert relay.settle(job_id)["status"] == "succeeded"


def test_a_running_job_of_a_live_worker_is_left_alone(relay):
    from sqlalchemy import update

    from app.db import session
    from app.jobs import liveness
    from app.models import Job
    from app.redis_conn import get_redis

    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Busy"}).get_json()["id"]
    liveness.beat(get_redis(), 60, "busy-worker")
    with session() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="running", worker="busy-worker", attempts_made=1)
        )
    report = sweep_once(force=True)
    assert report is not None and report.recovered == [] and report.to_review == []
    assert relay.job(job_id)["status"] == "running"


def test_a_job_that_keeps_losing_its_worker_runs_out_of_retries(relay):
    from sqlalchemy import update

    from app.db import session
    from app.jobs.lifecycle import release
    from app.models import Job

    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Cursed"}).get_json()["id"]
    with session() as s:  # the fourth attempt of a 1+3 schedule, lost like the others
        s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="running", worker="gone", attempts_made=4)
        )
    assert release(job_id, "gone", 4, "the worker stopped") == "failed"
    job = relay.job(job_id)
    assert job["status"] == "failed"
    assert "gave up after 4 attempts" in job["error"]["message"]


def test_a_lost_attempt_waits_its_schedule_before_the_retry(relay):
    from sqlalchemy import update

    from app.db import session
    from app.jobs.lifecycle import release
    from app.models import Job

    relay.app.config["RETRY_SCHEDULE"] = (60, 60)
    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Later"}).get_json()["id"]
    with session() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="running", worker="gone", attempts_made=1)
        )
    assert release(job_id, "gone", 1, "the worker stopped") == "retrying"
    from datetime import datetime

    job = relay.job(job_id)
    wait = datetime.fromisoformat(job["next_attempt_at"]) - datetime.fromisoformat(
        job["updated_at"]
    )
    assert wait.total_seconds() >= 59
