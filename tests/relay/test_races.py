"""Races between an attempt, the sweeper and extra copies of RQ jobs."""

from __future__ import annotations

import time

from actions import Context, MemoryJournal
from app.jobs import lifecycle, runner
from app.jobs.lifecycle import release
from app.jobs.sweeper import sweep_once
from app.queues import queue, relay_queue_for, rq_job_id

LEAD = {"type": "PERSON", "lastName": "Doe"}


def test_an_attempt_taken_back_by_the_sweeper_sends_no_create(relay):
    hook = relay.hook("leads.create")
    job_id = relay.client.post(hook["path"], json=LEAD).get_json()["id"]
    claim = lifecycle.claim(job_id, "worker-a")
    assert claim is not None
    # The worker looked dead (say Redis lost its liveness key) and the sweeper stepped in.
    assert release(job_id, claim.worker, claim.attempt, "the worker stopped") == "retrying"

    assert runner._attempt(claim) == "superseded"  # the old attempt carries on, too late
    assert relay.esqase.records("leads") == []
    assert not any(r["method"] == "POST" for r in relay.esqase.requests())
    assert relay.settle(job_id)["status"] == "succeeded"
    assert len(relay.esqase.records("leads")) == 1


def test_an_early_copy_of_a_retry_does_not_skip_the_backoff(relay):
    relay.app.config["RETRY_SCHEDULE"] = (60,)
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", status=503)
    job_id = relay.client.post(hook["path"], json=LEAD).get_json()["id"]
    relay.work(until=lambda: relay.job(job_id)["status"] == "retrying")

    assert runner.run_job(job_id) == "skipped:not_due"  # e.g. a manual re-enqueue
    assert relay.job(job_id)["attempt_count"] == 1


def test_a_retry_that_fell_out_of_rq_is_enqueued_again(relay):
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", status=503)
    job_id = relay.client.post(hook["path"], json=LEAD).get_json()["id"]
    relay.work(until=lambda: relay.job(job_id)["status"] == "retrying")
    # Lost between RQ's registry and its queue: the job hash still says "scheduled".
    q = queue(relay_queue_for(hook["connection_id"]))
    q.scheduled_job_registry.remove(rq_job_id(job_id, 1))

    time.sleep(2.2)  # due (1 s schedule) and past the sweeper's grace (1 s)
    report = sweep_once(force=True)
    assert report is not None and report.enqueued == [job_id]
    assert relay.settle(job_id)["status"] == "succeeded"


def test_a_delete_that_never_connected_does_not_count_as_sent():
    path = "/v1/contacts/c1"
    never_left = Context(
        client=None,  # type: ignore[arg-type]
        journal=MemoryJournal(
            prior_calls=[{"method": "DELETE", "path": path, "status": None, "sent": False}]
        ),
    )
    lost_answer = Context(
        client=None,  # type: ignore[arg-type]
        journal=MemoryJournal(
            prior_calls=[{"method": "DELETE", "path": path, "status": None, "sent": True}]
        ),
    )
    assert not never_left.sent_without_answer("DELETE", path)
    assert lost_answer.sent_without_answer("DELETE", path)
