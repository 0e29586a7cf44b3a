"""Every 4xx of the ingest contract: a clear sentence, the error shape, nothing lost."""

from __future__ import annotations

import json

import pytest
from standardwebhooks.webhooks import Webhook


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_unknown_hook_is_404(client):
    _error(client.post("/hooks/hk_nope", json={}), 404, "hook_not_found")


def test_disabled_hook_is_404(relay):
    hook = relay.hook("practice-areas.create", enabled=False)
    _error(relay.client.post(hook["path"], json={"name": "x"}), 404, "hook_not_found")


def test_invalid_json_is_400_and_recorded(relay):
    hook = relay.hook("practice-areas.create")
    body = _error(
        relay.client.post(hook["path"], data='{"name": "Tax",}', content_type="application/json"),
        400,
        "invalid_json",
    )
    assert "line 1" in body["error"]["message"]
    assert relay.job(body["job_id"])["status"] == "rejected"


def test_json_that_is_not_an_object_is_400(relay):
    hook = relay.hook("practice-areas.create")
    _error(relay.client.post(hook["path"], data="[1, 2]", content_type="application/json"), 400)


def test_unsupported_content_type_is_415(relay):
    hook = relay.hook("practice-areas.create")
    body = _error(
        relay.client.post(hook["path"], data="<name>Tax</name>", content_type="text/xml"), 415
    )
    assert "application/json" in body["error"]["message"]


def test_body_over_the_limit_is_413(relay, make_app):
    app = make_app(MAX_BODY_BYTES=1024)
    hook = relay.hook("practice-areas.create")
    response = app.test_client().post(hook["path"], json={"name": "x" * 4096})
    body = _error(response, 413, "payload_too_large")
    assert "1 KiB" in body["error"]["message"]


def test_validation_lists_every_problem_with_path_value_and_suggestion(relay):
    hook = relay.hook("leads.create")
    response = relay.client.post(
        hook["path"],
        json={"type": "PERSON", "frstName": "Jane", "email": "jane-at-example", "value": "huge"},
    )
    body = _error(response, 422, "validation_failed")
    by_path = {d["path"]: d for d in body["error"]["details"]}
    assert {"/frstName", "/email", "/value"} <= set(by_path)
    assert "firstName" in by_path["/frstName"]["message"]
    assert "jane-at-example" in by_path["/email"]["message"]
    assert "HIGHEST" in by_path["/value"]["message"]

    job = relay.job(body["job_id"])
    assert job["status"] == "rejected"
    assert job["received"]["fields"]["frstName"] == "Jane"
    assert job["error"]["details"] == body["error"]["details"]
    assert relay.esqase.records("leads") == []


def test_rejected_job_is_never_queued(relay):
    hook = relay.hook("matters.create")
    body = relay.client.post(hook["path"], json={"openDate": "soon"}).get_json()
    relay.work()
    assert relay.job(body["job_id"])["attempt_count"] == 0
    assert relay.esqase.requests() == []


@pytest.mark.parametrize("wait", ["-1", "soon", "nan"])
def test_a_wait_that_is_not_seconds_is_400(relay, wait):
    hook = relay.hook("practice-areas.create")
    _error(
        relay.client.post(hook["path"] + f"?wait={wait}", json={"name": "x"}), 400, "invalid_wait"
    )


def test_a_wait_past_the_maximum_is_clamped_not_refused(relay):
    relay.app.config["MAX_WAIT_SECONDS"] = 1
    hook = relay.hook("practice-areas.create")
    response = relay.client.post(hook["path"] + "?wait=99", json={"name": "x"})
    assert response.status_code == 202  # nobody ran it within the (clamped) second
    assert response.headers["Relay-Wait"] == "clamped to 1 seconds"
    assert relay.settle(response.get_json()["id"])["status"] == "succeeded"


def test_browser_origin_not_allowed_is_403(relay):
    hook = relay.hook("practice-areas.create", allowed_origins=["https://firm.example"])
    _error(
        relay.client.post(
            hook["path"], json={"name": "x"}, headers={"Origin": "https://evil.example"}
        ),
        403,
        "origin_not_allowed",
    )
    ok = relay.client.post(
        hook["path"], json={"name": "x"}, headers={"Origin": "https://firm.example"}
    )
    assert ok.status_code == 202
    assert ok.headers["Access-Control-Allow-Origin"] == "https://firm.example"
    preflight = relay.client.options(hook["path"], headers={"Origin": "https://firm.example"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_sender_signature_is_checked_when_the_hook_asks_for_it(relay):
    hook = relay.hook("practice-areas.create", verify_sender=True)
    payload = json.dumps({"name": "Signed"})
    _error(
        relay.client.post(hook["path"], data=payload, content_type="application/json"),
        401,
        "bad_signature",
    )

    from datetime import UTC, datetime

    now = datetime.now(UTC)
    signature = Webhook(hook["sender_secret"]).sign("msg_1", now, payload)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    ok = relay.client.post(
        hook["path"], data=payload, content_type="application/json", headers=headers
    )
    assert ok.status_code == 202, ok.get_json()


def test_over_the_hook_rate_limit_is_429_with_retry_after(relay, make_app):
    app = make_app(INGEST_RATE_LIMIT=2)
    hook = relay.hook("practice-areas.create")
    client = app.test_client()
    assert client.post(hook["path"], json={"name": "a"}).status_code == 202
    assert client.post(hook["path"], json={"name": "b"}).status_code == 202
    response = client.post(hook["path"], json={"name": "c"})
    _error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1


def test_idempotency_key_sent_twice_creates_one_lead(relay):
    hook = relay.hook("leads.create")
    body = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}
    first = relay.client.post(hook["path"], json=body, headers={"Idempotency-Key": "sub-42"})
    second = relay.client.post(hook["path"], json=body, headers={"Idempotency-Key": "sub-42"})
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json()["id"] == first.get_json()["id"]
    relay.work()
    third = relay.client.post(hook["path"], json=body, headers={"Idempotency-Key": "sub-42"})
    assert third.get_json()["status"] == "succeeded"
    assert len(relay.esqase.records("leads")) == 1


def test_idempotency_field_from_the_payload(relay):
    hook = relay.hook("leads.create", idempotency_field="submission_id")
    body = {"submission_id": "tf-991", "type": "PERSON", "lastName": "Doe"}
    first = relay.client.post(hook["path"], data=body)
    second = relay.client.post(hook["path"], data=body)
    assert first.status_code == 202, first.get_json()
    assert second.get_json()["id"] == first.get_json()["id"]
    relay.work()
    assert len(relay.esqase.records("leads")) == 1
    assert relay.job(first.get_json()["id"])["input"] == {"type": "PERSON", "lastName": "Doe"}


def test_a_rejected_delivery_does_not_use_up_its_idempotency_key(relay):
    hook = relay.hook("practice-areas.create")
    bad = relay.client.post(hook["path"], json={}, headers={"Idempotency-Key": "k1"})
    assert bad.status_code == 422
    good = relay.client.post(hook["path"], json={"name": "Tax"}, headers={"Idempotency-Key": "k1"})
    assert good.status_code == 202


def test_an_idempotency_field_that_is_also_an_action_field_is_kept(relay):
    hook = relay.hook("leads.create", idempotency_field="email")
    body = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}
    first = relay.client.post(hook["path"], json=body)
    second = relay.client.post(hook["path"], json=body)
    assert second.get_json()["id"] == first.get_json()["id"]
    job = relay.settle(first.get_json()["id"])
    assert job["input"]["email"] == "jane@example.com"
    assert relay.esqase.records("contacts")[0]["emails"] == ["jane@example.com"]


def test_a_typeform_delivery_id_dedupes_provider_retries(relay):
    hook = relay.hook(
        "leads.create",
        preset="typeform",
        idempotency_field="form_response.token",
        mapping={"type": "kind", "lastName": "last"},
    )
    body = {
        "event_id": "ev1",
        "form_response": {
            "token": "tok-9",
            "hidden": {"kind": "PERSON"},
            "answers": [{"type": "text", "text": "Doe", "field": {"ref": "last"}}],
        },
    }
    first = relay.client.post(hook["path"], json=body)
    second = relay.client.post(hook["path"], json=body)
    assert first.status_code == 202, first.get_json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.get_json()["id"] == first.get_json()["id"]
