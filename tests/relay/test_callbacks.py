"""Signed callbacks: Standard Webhooks, verifiable with the standardwebhooks package."""

from __future__ import annotations

import json

from standardwebhooks.webhooks import Webhook


def test_success_callback_verifies_with_standardwebhooks(relay, inbox):
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.work(until=lambda: len(inbox.received) == 1)

    delivery = inbox.received[0]
    payload = Webhook(hook["callback_secret"]).verify(delivery["body"], delivery["headers"])
    assert payload["type"] == "job.succeeded"
    assert payload["data"]["id"] == job_id
    assert payload["data"]["result"]["name"] == "Tax"
    assert "input" not in payload["data"]

    job = relay.job(job_id)
    assert job["callbacks"][0]["status"] == "delivered"
    assert job["callbacks"][0]["deliveries"][0]["status_code"] == 200


def test_failed_job_calls_back_job_failed(relay, inbox):
    hook = relay.hook("contacts.get", callback_url=inbox.url)
    relay.client.post(hook["path"], json={"id": "missing"})
    relay.work(until=lambda: len(inbox.received) == 1)
    body = json.loads(inbox.received[0]["body"])
    assert body["type"] == "job.failed"
    assert body["data"]["error"]["status"] == 404


def test_non_2xx_is_retried_with_the_same_webhook_id(relay, inbox):
    inbox.statuses = [500, 503]
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.work(until=lambda: len(inbox.received) == 3, timeout=20)

    ids = {d["headers"]["webhook-id"] for d in inbox.received}
    assert len(ids) == 1
    for d in inbox.received:
        Webhook(hook["callback_secret"]).verify(d["body"], d["headers"])
    callback = relay.job(job_id)["callbacks"][0]
    assert callback["status"] == "delivered"
    assert [d["status_code"] for d in callback["deliveries"]] == [500, 503, 200]


def test_callback_gives_up_after_its_schedule(relay, inbox):
    inbox.statuses = [500, 500, 500, 500]
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.work(until=lambda: relay.job(job_id)["callbacks"][0]["status"] == "failed", timeout=20)
    assert len(inbox.received) == 3  # first try + CALLBACK_RETRY_SCHEDULE "1,1"


def test_callback_events_filter(relay, inbox):
    hook = relay.hook(
        "practice-areas.create", callback_url=inbox.url, callback_events=["job.failed"]
    )
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.settle(job_id)
    relay.work()
    assert inbox.received == []


def test_private_callback_url_is_refused_at_delivery(relay, make_app, inbox):
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    strict = make_app(ALLOW_PRIVATE_CALLBACKS=False)
    job_id = strict.test_client().post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    strict_relay = type(relay)(strict, strict.test_client(), relay.esqase)
    with strict.app_context():
        strict_relay.work(
            until=lambda: strict_relay.job(job_id)["callbacks"][0]["status"] == "failed"
        )
        delivery = strict_relay.job(job_id)["callbacks"][0]["deliveries"][0]
    assert inbox.received == []
    assert "blocked" in delivery["error"]


def test_private_callback_url_is_refused_when_saving_the_hook(relay, make_app):
    strict = make_app(ALLOW_PRIVATE_CALLBACKS=False)
    conn = relay.connection()
    response = strict.test_client().post(
        "/api/v1/hooks",
        headers=relay.headers,
        json={
            "name": "x",
            "action": "leads.create",
            "connection_id": conn,
            "callback_url": "http://10.1.2.3/cb",
        },
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["path"] == "/callback_url"


def test_a_callback_that_cannot_be_signed_fails_once_and_is_recorded(relay, inbox):
    from sqlalchemy import update

    from app.db import session
    from app.models import Hook

    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    with session() as s:  # as if RELAY_SECRET_KEY lost the key this secret was sealed with
        s.execute(
            update(Hook)
            .where(Hook.id == hook["id"])
            .values(callback_secret_encrypted=b"not-a-fernet-token")
        )
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.work(until=lambda: relay.job(job_id)["callbacks"][0]["status"] == "failed")
    callback = relay.job(job_id)["callbacks"][0]
    assert len(callback["deliveries"]) == 1
    assert "internal error" in callback["deliveries"][0]["error"]
    assert inbox.received == []
