"""A worker process outlives Redis and database outages, and still stops when asked.

Real outages, each on a part of the test's own: a private redis-server killed -9, and
(on the PostgreSQL run) a TCP proxy in front of PostgreSQL that the test cuts. The
machine's Redis and PostgreSQL are shared and are never stopped.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import threading
import time
from contextlib import suppress

import pytest
from redis import Redis
from rq import Worker
from sqlalchemy.engine import make_url

from app.queues import queue, relay_queue_for
from tests.relay.test_chaos import PrivateRedis
from tests.relay.test_durability import _stop, _wait_for, _worker


def _log(tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.log"
    return path.read_text() if path.exists() else ""


def _says(tmp_path, name: str, text: str) -> bool:
    return text in _log(tmp_path, name)


@pytest.mark.slow
def test_an_idle_worker_rides_out_a_redis_outage_and_still_stops_in_one(relay, make_app, tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    web = make_app(REDIS_URL=redis.url)
    hook = relay.hook("practice-areas.create")
    worker = _worker(web, tmp_path, "worker")
    try:
        _wait_for(lambda: _says(tmp_path, "worker", "cleaning group registries"), 30, "idle")
        redis.kill()
        _wait_for(lambda: _says(tmp_path, "worker", "worker: Redis unavailable"), 30, "notice")
        time.sleep(2)  # a few of its retries
        redis.start()
        _wait_for(lambda: _says(tmp_path, "worker", "worker: Redis is back after"), 60, "return")

        job_id = web.test_client().post(hook["path"], json={"name": "After"}).get_json()["id"]
        _wait_for(lambda: relay.job(job_id)["status"] == "succeeded", 30, "the job")
        watcher = Redis.from_url(redis.url)
        assert Worker.count(connection=watcher) == 1  # back on RQ's list
        watcher.close()
        log = _log(tmp_path, "worker")
        assert log.count("worker: Redis unavailable") == 1, log  # once, not per retry
        assert log.count("worker: Redis is back after") == 1, log
        assert "could not connect to Redis" not in log  # RQ's own line per retry

        redis.kill()  # and a stop asked in the middle of the next outage is heard
        _wait_for(lambda: _log(tmp_path, "worker").count("Redis unavailable") >= 2, 30, "it")
        os.killpg(worker.pid, signal.SIGTERM)
        _wait_for(lambda: worker.poll() is not None, 30, "the worker to stop")
        assert worker.returncode == 0, _log(tmp_path, "worker")
    finally:
        _stop(worker)
        redis.stop()
    assert [a["name"] for a in relay.esqase.records("practice-areas")] == ["After"]


@pytest.mark.slow
def test_a_worker_started_while_redis_is_down_waits_for_it(make_app, tmp_path):
    redis = PrivateRedis(tmp_path)  # not started yet
    web = make_app(REDIS_URL=redis.url)
    worker = _worker(web, tmp_path, "worker")
    try:
        _wait_for(lambda: _says(tmp_path, "worker", "worker: Redis unavailable"), 30, "notice")
        assert worker.poll() is None
        redis.start()
        watcher = Redis.from_url(redis.url)
        _wait_for(lambda: Worker.count(connection=watcher) == 1, 60, "the worker to register")
        watcher.close()
    finally:
        _stop(worker)
        redis.stop()


class CuttableProxy:
    """A TCP proxy to PostgreSQL that the test can cut: to a worker behind it, what a
    database restart looks like (open connections drop, new ones are refused)."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.down = threading.Event()
        self.lock = threading.Lock()
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if self.down.is_set():
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.open += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.down.set()
        with self.lock:
            for sock in self.open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def restore(self) -> None:
        self.down.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.mark.slow
def test_a_worker_rides_out_a_database_outage_mid_job(relay, make_app, tmp_path):
    url = make_url(relay.app.config["DATABASE_URL"])
    if not url.drivername.startswith("postgresql"):
        pytest.skip("needs a database over the network (the PostgreSQL run)")
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    behind = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    area = relay.esqase.api().post("/v1/practice-areas", json={"name": "Tax"}).json()["data"]
    update = relay.hook("practice-areas.update")
    create = relay.hook("practice-areas.create", connection_id=update["connection_id"])
    relay.esqase.fault("PATCH", "/v1/practice-areas", kind="latency", seconds=3)
    worker = _worker(make_app(DATABASE_URL=behind), tmp_path, "worker")
    try:
        body = {"id": area["id"], "name": "Taxes"}
        mid_job = relay.client.post(update["path"], json=body).get_json()["id"]
        _wait_for(lambda: relay.job(mid_job)["status"] == "running", 30, "the job to start")
        proxy.cut()  # while its PATCH is out: the attempt cannot be recorded
        queued = relay.client.post(create["path"], json={"name": "Queued"}).get_json()["id"]
        _wait_for(
            lambda: _says(tmp_path, "worker", "worker: the database unavailable"), 30, "notice"
        )
        time.sleep(2)  # a few of its retries
        shard = queue(relay_queue_for(create["connection_id"]))
        assert queued in shard.get_job_ids()  # waiting, not failed through
        proxy.restore()

        _wait_for(
            lambda: [relay.job(j)["status"] for j in (mid_job, queued)] == ["succeeded"] * 2,
            60,
            "both jobs",
        )
        assert worker.poll() is None
    finally:
        _stop(worker)
        proxy.close()
    job = relay.job(mid_job)
    assert [a["outcome"] for a in job["attempts"]] == ["attempt_lost", "succeeded"]
    assert sorted(a["name"] for a in relay.esqase.records("practice-areas")) == ["Queued", "Taxes"]
    log = _log(tmp_path, "worker")
    assert log.count("worker: the database unavailable") == 1, log
    assert log.count("worker: the database is back after") == 1, log
    assert "quitting" not in log


@pytest.mark.slow
def test_a_briefly_locked_sqlite_only_delays_a_job(relay, tmp_path):
    url = make_url(relay.app.config["DATABASE_URL"])
    if not url.drivername.startswith("sqlite"):
        pytest.skip("SQLite's own locking")
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", kind="latency", seconds=1)
    worker = _worker(relay.app, tmp_path, "worker")
    try:
        job_id = relay.client.post(hook["path"], json={"type": "PERSON", "lastName": "Doe"})
        job_id = job_id.get_json()["id"]
        _wait_for(  # the POST noted as sent: the next write is the attempt's end
            lambda: any(
                c["method"] == "POST" for a in relay.job(job_id)["attempts"] for c in a["calls"]
            ),
            30,
            "the create to leave",
        )
        holder = sqlite3.connect(url.database or "", timeout=30)
        holder.execute("BEGIN EXCLUSIVE")  # every writer waits on this
        time.sleep(3)
        holder.rollback()
        holder.close()
        _wait_for(lambda: relay.job(job_id)["status"] == "succeeded", 60, "the job")
        assert worker.poll() is None
    finally:
        _stop(worker)
    assert len(relay.esqase.records("leads")) == 1
    assert [a["outcome"] for a in relay.job(job_id)["attempts"]] == ["succeeded"]


def test_a_new_redis_server_opens_a_grace_before_anyone_is_judged_dead(relay):
    """A Redis that restarted has lost the live workers' keys along with the dead ones'."""
    from sqlalchemy import update

    from app.db import session
    from app.jobs import liveness
    from app.jobs.sweeper import sweep_once
    from app.models import Job
    from app.redis_conn import get_redis, key

    redis = get_redis()
    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Busy"}).get_json()["id"]
    with session() as s:  # its worker's key is gone: dead, or not beaten since the restart
        s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="running", worker="not-yet-beaten", attempts_made=1)
        )
    redis.set(key("liveness", "server"), "the-server-before-the-restart")
    liveness.refresh(redis, 60, "first-to-beat")
    report = sweep_once(force=True)
    assert report is not None and report.recovered == []
    assert relay.job(job_id)["status"] == "running"

    redis.delete(key("liveness", "grace"))  # as if that first beat were a TTL ago
    liveness.refresh(redis, 60, "first-to-beat")  # the same server: no new grace
    report = sweep_once(force=True)
    assert report is not None and report.recovered == [job_id]
