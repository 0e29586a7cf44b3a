"""Connection-sharded queues: a job lands on its connection's shard, a worker drains every
shard, and round-robin dequeuing lets another connection's job past a backlog."""

from __future__ import annotations

from app.queues import SHARDS, queue, queue_names, relay_queue_for
from app.worker import build_worker

LEAD = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}


def _connection_on_another_shard(relay, taken: str) -> str:
    """Connection ids are random: make connections until one hashes elsewhere."""
    for _ in range(50):
        conn = relay.connection()
        if relay_queue_for(conn) != taken:
            return conn
    raise AssertionError("50 connections all hashed to one shard")


def test_the_shard_is_stable_and_every_worker_listens_on_every_shard(relay):
    conn = relay.connection()
    assert relay_queue_for(conn) == relay_queue_for(conn)
    assert relay_queue_for(conn) in queue_names()
    assert len({f"relay.{n}" for n in range(SHARDS)} - set(queue_names())) == 0
    worker = build_worker(relay.app)
    assert [q.name for q in worker.queues] == [queue(n).name for n in queue_names()]


def test_a_job_lands_on_its_connections_shard_and_a_worker_drains_every_shard(relay):
    first = relay.connection()
    second = _connection_on_another_shard(relay, relay_queue_for(first))
    jobs = {}
    for conn in (first, second):
        hook = relay.hook("leads.create", connection_id=conn)
        jobs[conn] = relay.client.post(hook["path"], json=LEAD).get_json()["id"]
    for conn, job_id in jobs.items():
        assert queue(relay_queue_for(conn)).get_job_ids() == [job_id]
    relay.work()
    assert [relay.job(j)["status"] for j in jobs.values()] == ["succeeded", "succeeded"]
    assert all(queue(relay_queue_for(c)).count == 0 for c in jobs)


def test_a_backlog_on_one_connection_does_not_hold_up_another(relay):
    busy = relay.connection()
    other = _connection_on_another_shard(relay, relay_queue_for(busy))
    busy_hook = relay.hook("leads.create", connection_id=busy)
    other_hook = relay.hook("leads.create", connection_id=other)
    backlog = [relay.client.post(busy_hook["path"], json=LEAD).get_json()["id"] for _ in range(6)]
    late = relay.client.post(other_hook["path"], json=LEAD).get_json()["id"]
    relay.work()
    order = sorted([*backlog, late], key=lambda j: relay.job(j)["finished_at"])
    # First in, first out would run it seventh; round-robin runs it within the first two.
    assert order.index(late) <= 1, order
