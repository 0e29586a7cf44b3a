"""The outcome table of DESIGN.md, row by row, through sandbox faults."""

from __future__ import annotations

import socket

import pytest

LEAD = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}


def _post(relay, hook, body):
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def test_503_then_success_retries_and_succeeds(relay):
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", status=503)
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "succeeded"
    assert [a["outcome"] for a in job["attempts"]] == ["retry", "succeeded"]
    assert job["attempts"][0]["calls"][0]["status"] == 503
    assert len(relay.esqase.records("leads")) == 1


def test_429_waits_at_least_retry_after(relay):
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", status=429, retry_after=2)
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "succeeded"
    first, second = job["attempts"]
    from datetime import datetime

    gap = datetime.fromisoformat(second["started_at"]) - datetime.fromisoformat(
        first["finished_at"]
    )
    assert gap.total_seconds() >= 1.9  # the schedule says 1 s; Retry-After says 2
    assert first["error"]["status"] == 429


def test_500_after_a_create_happened_is_reconciled_to_that_one_record(relay):
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=500)
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "succeeded"
    assert len(relay.esqase.records("leads")) == 1
    assert job["result"]["id"] == relay.esqase.records("leads")[0]["id"]
    assert [a["outcome"] for a in job["attempts"]] == ["retry", "succeeded"]
    assert not any(c["method"] == "POST" for c in job["attempts"][1]["calls"])


def test_500_before_a_create_happened_sends_it_once_more(relay):
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", status=500)  # answered 500, nothing made
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "succeeded"
    assert len(relay.esqase.records("leads")) == 1
    assert [c["method"] for c in job["attempts"][1]["calls"]][-1] == "POST"


def test_a_lost_create_that_esqase_cannot_be_read_for_goes_to_review(relay):
    """The key may create leads but not read contacts: nothing can say whether it exists."""
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", status=500)
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "needs_review"
    assert "could not be read" in job["error"]["message"]
    assert relay.esqase.records("leads") == []  # and nothing was sent a second time


def test_500_on_an_update_is_retried(relay):
    area = relay.esqase.api().post("/v1/practice-areas", json={"name": "Tax"}).json()["data"]
    hook = relay.hook("practice-areas.update")
    relay.esqase.fault("PATCH", "/v1/practice-areas", status=500)
    job = relay.settle(_post(relay, hook, {"id": area["id"], "name": "Taxes"}))
    assert job["status"] == "succeeded"
    assert job["result"]["name"] == "Taxes"


def test_a_dropped_answer_to_a_create_is_reconciled(relay):
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_drop")
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "succeeded"
    assert job["resolution"]["kind"] == "reconciled"
    assert len(relay.esqase.records("leads")) == 1


def test_read_timeout_on_a_get_is_retried(relay, make_app):
    relay.app.config["ESQASE_TIMEOUT"] = 0.5
    relay.app.extensions.pop("relay.http.esqase", None)
    area = relay.esqase.api().post("/v1/practice-areas", json={"name": "Tax"}).json()["data"]
    hook = relay.hook("practice-areas.get")
    relay.esqase.fault("GET", "/v1/practice-areas", kind="latency", seconds=1.5)
    job = relay.settle(_post(relay, hook, {"id": area["id"]}))
    assert job["status"] == "succeeded"
    assert job["attempts"][0]["outcome"] == "retry"


@pytest.mark.parametrize("status", [400, 404, 422])
def test_client_errors_fail_without_retry(relay, status):
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", status=status)
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "failed"
    assert len(job["attempts"]) == 1
    assert job["error"]["status"] == status


def test_401_fails_and_flags_the_connection(relay):
    conn = relay.connection(key="esq_revoked_key_123456")
    hook = relay.hook("leads.create", conn)
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "failed"
    got = relay.client.get(f"/api/v1/connections/{conn}", headers=relay.headers).get_json()
    assert got["data"]["status"] == "auth_failed"


def test_connection_refused_is_retried_until_the_schedule_runs_out(relay):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conn = relay.connection(base_url=f"http://127.0.0.1:{port}")
    hook = relay.hook("leads.create", conn)
    job = relay.settle(_post(relay, hook, LEAD), timeout=20)
    assert job["status"] == "failed"
    assert len(job["attempts"]) == 4  # first try + the 3 retries of RETRY_SCHEDULE "1,1,1"
    assert "gave up after 4 attempts" in job["error"]["message"]


def test_delete_that_meets_404_on_a_retry_has_succeeded(relay):
    area = relay.esqase.api().post("/v1/practice-areas", json={"name": "Tax"}).json()["data"]
    hook = relay.hook("practice-areas.delete")
    relay.esqase.fault("DELETE", "/v1/practice-areas", kind="process_then_drop")
    job = relay.settle(_post(relay, hook, {"id": area["id"]}))
    assert job["status"] == "succeeded"
    assert job["result"]["already_deleted"] is True


def test_composite_retry_resumes_instead_of_repeating(relay):
    relay.esqase.api().post("/v1/practice-areas", json={"name": "Family law"})
    hook = relay.hook("matters.create-for-client")
    relay.esqase.fault("POST", "/v1/matters", status=503)
    body = {
        "client": {"type": "PERSON", "firstName": "Ann"},
        "practiceAreaName": "Family law",
        "openDate": "2026-07-01",
    }
    job = relay.settle(_post(relay, hook, body))
    assert job["status"] == "succeeded"
    assert len(relay.esqase.records("contacts")) == 1  # the contact step was not repeated
    assert set(job["checkpoint"]) >= {"create_contact", "create_matter"}


def test_a_person_retries_a_needs_review_job(relay):
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", status=502)
    job_id = _post(relay, hook, LEAD)
    assert relay.settle(job_id)["status"] == "needs_review"

    refused = relay.client.post(f"/api/v1/jobs/{job_id}/retry", headers=relay.headers)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "confirm_create_required"
    assert relay.job(job_id)["status"] == "needs_review"

    response = relay.client.post(
        f"/api/v1/jobs/{job_id}/retry", json={"confirm_create": True}, headers=relay.headers
    )
    assert response.status_code == 202
    job = relay.settle(job_id, "succeeded", "failed")
    assert job["status"] == "succeeded"
    # the create, the reading that could not settle it, the create a person confirmed
    assert [a["outcome"] for a in job["attempts"]] == ["retry", "needs_review", "succeeded"]
    assert job["resolution"]["kind"] == "create_confirmed"


def test_connection_rate_limit_postpones_without_spending_attempts(relay):
    conn = relay.connection(rate_limit_per_minute=1)
    hook = relay.hook("practice-areas.create", conn)
    first = _post(relay, hook, {"name": "A"})
    second = _post(relay, hook, {"name": "B"})
    relay.work(
        until=lambda: (
            {relay.job(j)["status"] for j in (first, second)} == {"succeeded", "retrying"}
        ),
        timeout=5,
    )
    jobs = {j: relay.job(j) for j in (first, second)}
    statuses = sorted(j["status"] for j in jobs.values())
    assert statuses == ["retrying", "succeeded"]
    waiting = next(j for j in jobs.values() if j["status"] == "retrying")
    assert waiting["attempt_count"] == 0
    assert len(relay.esqase.records("practice-areas")) == 1


def test_delete_of_a_missing_record_stays_failed_on_a_manual_retry(relay):
    hook = relay.hook("practice-areas.delete")
    job_id = _post(relay, hook, {"id": "never-existed"})
    assert relay.settle(job_id)["status"] == "failed"
    relay.client.post(f"/api/v1/jobs/{job_id}/retry", headers=relay.headers)
    job = relay.settle(job_id, "succeeded", "failed")
    assert job["status"] == "failed"  # no earlier DELETE went unanswered: the 404 is real
