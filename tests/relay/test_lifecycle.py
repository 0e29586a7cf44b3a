"""The job lifecycle as a sender, a worker and a person meet it: idempotency, refusals kept
in the history, bounded waiting, claims before rate limits, timeouts, resolutions."""

from __future__ import annotations

import pytest

from app.jobs import lifecycle, waiters
from app.queues import enqueue_job

LEAD = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", "email": "jane@example.com"}


def _jobs(relay, hook_id: str, status: str | None = None) -> list[dict]:
    query = f"/api/v1/jobs?hook_id={hook_id}" + (f"&status={status}" if status else "")
    return relay.client.get(query, headers=relay.headers).get_json()["data"]


# -- idempotency ---------------------------------------------------------------------------


def test_the_same_key_with_the_same_body_replays_the_first_job(relay):
    hook = relay.hook("leads.create")
    first = relay.client.post(hook["path"], json=LEAD, headers={"Idempotency-Key": "sub-1"})
    again = relay.client.post(hook["path"], json=LEAD, headers={"Idempotency-Key": "sub-1"})
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]


def test_the_same_key_with_a_different_body_is_refused_naming_the_first_job(relay):
    hook = relay.hook("leads.create")
    first = relay.client.post(hook["path"], json=LEAD, headers={"Idempotency-Key": "sub-1"})
    other = {**LEAD, "firstName": "John"}
    reused = relay.client.post(hook["path"], json=other, headers={"Idempotency-Key": "sub-1"})
    assert reused.status_code == 422
    body = reused.get_json()
    assert body["error"]["code"] == "idempotency_key_reused"
    assert body["first_job_id"] == first.get_json()["id"]
    assert first.get_json()["id"] in body["error"]["message"]
    assert relay.job(body["job_id"])["status"] == "rejected"  # the refusal is in the history
    relay.work()
    assert [c["firstName"] for c in relay.esqase.records("contacts")] == ["Jane"]


def test_a_constant_idempotency_field_does_not_swallow_later_submissions(relay):
    hook = relay.hook("leads.create", idempotency_field="form_id")
    first = relay.client.post(hook["path"], json={**LEAD, "form_id": "contact-us"})
    second = relay.client.post(
        hook["path"], json={**LEAD, "lastName": "Roe", "form_id": "contact-us"}
    )
    assert first.status_code == 202
    assert second.status_code == 422
    assert "idempotency field" in second.get_json()["error"]["message"]


def test_the_key_order_of_a_body_does_not_make_it_a_different_body(relay):
    hook = relay.hook("leads.create")
    reordered = dict(reversed(list(LEAD.items())))
    relay.client.post(hook["path"], json=LEAD, headers={"Idempotency-Key": "k"})
    again = relay.client.post(hook["path"], json=reordered, headers={"Idempotency-Key": "k"})
    assert again.status_code == 200


# -- refusals are kept -----------------------------------------------------------------------


def test_a_bad_signature_is_401_and_kept_in_the_history(relay):
    hook = relay.hook("leads.create", verify_sender=True)
    response = relay.client.post(
        hook["path"], json=LEAD, headers={"webhook-id": "m", "webhook-signature": "nocomma"}
    )
    assert response.status_code == 401
    job = relay.job(response.get_json()["job_id"])
    assert (job["status"], job["error"]["code"]) == ("rejected", "bad_signature")


def test_a_body_over_the_limit_is_413_and_kept_in_the_history(relay):
    relay.app.config["MAX_CONTENT_LENGTH"] = 1024
    hook = relay.hook("leads.create")
    response = relay.client.post(hook["path"], json={**LEAD, "lastName": "x" * 4096})
    assert response.status_code == 413
    job = relay.job(response.get_json()["job_id"])
    assert job["status"] == "rejected"
    assert job["received"]["kind"] == "none"  # the oversized body itself is not stored


def test_a_refused_browser_origin_is_kept_in_the_history(relay):
    hook = relay.hook("leads.create", allowed_origins=["https://firm.example"])
    response = relay.client.post(hook["path"], json=LEAD, headers={"Origin": "https://x.example"})
    assert response.status_code == 403
    assert "job_id" not in response.get_json()  # refused before anything was read
    assert _jobs(relay, hook["id"]) == []


def test_rate_limited_deliveries_are_not_kept(relay):
    relay.app.config["INGEST_RATE_LIMIT"] = 1
    hook = relay.hook("leads.create")
    assert relay.client.post(hook["path"], json=LEAD).status_code == 202
    assert relay.client.post(hook["path"], json=LEAD).status_code == 429
    assert len(_jobs(relay, hook["id"])) == 1


def test_the_rate_limit_comes_before_any_signature_work(relay):
    relay.app.config["INGEST_RATE_LIMIT"] = 1
    hook = relay.hook("leads.create", verify_sender=True)
    bad = {"webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"}
    assert relay.client.post(hook["path"], json=LEAD, headers=bad).status_code == 401
    assert relay.client.post(hook["path"], json=LEAD, headers=bad).status_code == 429


# -- waiting -----------------------------------------------------------------------------------


def test_past_the_waiting_places_a_delivery_is_answered_at_once(relay):
    relay.app.config["MAX_WAITERS"] = 1
    hook = relay.hook("leads.create")
    places = waiters.seats(relay.app)
    assert places.take()  # a request is already waiting in the only place
    try:
        second = relay.client.post(hook["path"] + "?wait=3", json={**LEAD, "lastName": "Roe"})
    finally:
        places.give_back()
    assert second.status_code == 202
    assert second.headers["Relay-Wait"].startswith("skipped")
    third = relay.post_waiting(hook["path"] + "?wait=15", json={**LEAD, "lastName": "Poe"})
    assert third.status_code == 200 and "Relay-Wait" not in third.headers  # the place is free


def test_a_waited_create_that_needs_review_answers_409(relay):
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))  # cannot read contacts
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=502)
    response = relay.post_waiting(hook["path"] + "?wait=15", json=LEAD)
    assert response.status_code == 409
    assert response.get_json()["status"] == "needs_review"


# -- one attempt ---------------------------------------------------------------------------------


def test_extra_copies_of_a_finished_job_spend_none_of_the_rate_budget(relay):
    conn = relay.connection(rate_limit_per_minute=2)
    hook = relay.hook("practice-areas.create", conn)
    first = relay.client.post(hook["path"], json={"name": "A"}).get_json()["id"]
    relay.settle(first)
    for n in range(3):  # a sweeper's re-enqueues, a duplicate delivery from RQ
        enqueue_job(first, rq_id=f"{first}-copy{n}")
    relay.work()
    second = relay.client.post(hook["path"], json={"name": "B"}).get_json()["id"]
    relay.work(until=lambda: relay.job(second)["status"] != "queued", timeout=5)
    assert relay.job(second)["status"] == "succeeded"
    assert relay.job(second)["attempt_count"] == 1


def test_a_read_cut_off_by_the_job_timeout_is_retried_not_reviewed(relay):
    relay.app.config["JOB_TIMEOUT"] = 1
    hook = relay.hook("practice-areas.list")
    relay.esqase.fault("GET", "/v1/practice-areas", kind="latency", seconds=3)
    job_id = relay.client.post(hook["path"], json={}).get_json()["id"]
    job = relay.settle(job_id, "succeeded", "needs_review", "failed")
    assert job["status"] == "succeeded"
    assert job["attempts"][0]["outcome"] == "retry"
    assert "RELAY_JOB_TIMEOUT" in job["attempts"][0]["error"]["message"]


def test_a_create_cut_off_by_the_job_timeout_is_found_not_sent_again(relay):
    relay.app.config.update(JOB_TIMEOUT=1, RECONCILE_DELAY=4)  # Esqase finishes at 3 s
    hook = relay.hook("practice-areas.create")
    relay.esqase.fault("POST", "/v1/practice-areas", kind="latency", seconds=3)
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    job = relay.settle(job_id, "succeeded", "needs_review", "failed", timeout=20)
    assert job["status"] == "succeeded"
    assert job["attempts"][0]["calls"][-1]["method"] == "POST"
    assert "RELAY_JOB_TIMEOUT" in job["attempts"][0]["error"]["message"]
    assert len(relay.esqase.records("practice-areas")) == 1


def test_a_connection_marked_by_a_403_is_cleared_by_a_later_success(relay):
    key = relay.esqase.new_key("practice-areas:write")
    conn = relay.connection(key=key)
    denied = relay.hook("contacts.create", conn)
    allowed = relay.hook("practice-areas.create", conn)
    job = relay.client.post(denied["path"], json={"type": "PERSON", "lastName": "Doe"})
    relay.settle(job.get_json()["id"])
    status = relay.client.get(f"/api/v1/connections/{conn}", headers=relay.headers)
    assert status.get_json()["data"]["status"] == "auth_failed"

    job = relay.client.post(allowed["path"], json={"name": "Tax"})
    assert relay.settle(job.get_json()["id"])["status"] == "succeeded"
    status = relay.client.get(f"/api/v1/connections/{conn}", headers=relay.headers)
    assert status.get_json()["data"]["status"] == "active"


# -- a person's decisions ----------------------------------------------------------------------


@pytest.fixture
def in_review(relay):
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))  # cannot read contacts
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=502)
    job_id = relay.client.post(hook["path"], json=LEAD).get_json()["id"]
    assert relay.settle(job_id)["status"] == "needs_review"
    return job_id


def test_linking_the_record_a_create_made_succeeds_the_job(relay, in_review):
    record = relay.esqase.records("leads")[0]
    job = lifecycle.resolve(in_review, record, by="ops@firm")
    assert job.status == "succeeded"
    assert job.result == record
    assert job.resolution["kind"] == "linked" and job.resolution["by"] == "ops@firm"
    assert job.resolution["record_id"] == record["id"]


def test_discarding_a_create_in_review_cancels_it(relay, in_review):
    job = lifecycle.resolve(in_review, None, by="ops@firm")
    assert (job.status, job.resolution["kind"]) == ("canceled", "discarded")


def test_a_confirmed_create_is_sent_again_and_the_confirmation_kept(relay, in_review):
    job = lifecycle.retry(in_review, confirm_create=True, by="ops@firm")
    assert job.resolution["kind"] == "create_confirmed"
    assert relay.settle(in_review)["status"] == "succeeded"


def test_only_a_job_in_review_can_be_resolved(relay):
    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    from app.errors import Conflict

    with pytest.raises(Conflict) as refused:
        lifecycle.resolve(job_id, None)
    assert refused.value.code == "not_resolvable"
