"""Attention counts, and the signed alert.* events RELAY_ALERT_URL receives: once per
condition, not per job; again only after the condition cleared and came back."""

from __future__ import annotations

import json

import pytest
from standardwebhooks.webhooks import Webhook

from app.alerts import alert_secret, check_once, conditions
from app.callbacks import new_secret
from app.services.attention import Attention, FailingConnection

LEAD = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}


def _post(relay, hook, body, status=202) -> str:
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == status, response.get_json()
    answer = response.get_json()
    return str(answer.get("id") or answer["job_id"])


def _alerts(inbox, app):
    """Every alert received, verified with the standardwebhooks package."""
    webhook = Webhook(alert_secret(app))
    return [
        (d["headers"]["webhook-id"], webhook.verify(d["body"], d["headers"]))
        for d in inbox.received
    ]


@pytest.fixture
def alerting(app, inbox):
    app.config["ALERT_URL"] = inbox.url
    app.config["RETRY_SCHEDULE"] = (0, 0, 0)  # a lost create reaches review at once
    return inbox


def _lost_creates(relay, conn, n):
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=502, times=n)
    ids = [_post(relay, hook, LEAD) for _ in range(n)]
    relay.work(until=lambda: all(relay.job(j)["status"] == "needs_review" for j in ids))
    return ids


def test_one_alert_for_two_jobs_in_review_and_another_once_it_cleared_and_came_back(
    relay, alerting
):
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))  # cannot read contacts
    first, second = _lost_creates(relay, conn, 2)

    assert check_once(force=True).opened == ["needs_review"]
    assert check_once(force=True).opened == []  # still open: no second alert
    [(event_id, alert)] = _alerts(alerting, relay.app)
    assert alert["type"] == "alert.needs_review"
    assert alert["text"].startswith("Esqase Relay: 2 jobs need review.")
    assert alert["data"]["count"] == 2
    assert alert["data"]["url"] == "http://relay.test/dashboard/jobs?status=needs_review"

    for job_id in (first, second):
        response = relay.client.post(
            f"/api/v1/jobs/{job_id}/resolve", json={"action": "discard"}, headers=relay.headers
        )
        assert response.status_code == 200
    assert check_once(force=True).closed == ["needs_review"]
    assert len(alerting.received) == 1  # clearing sends nothing

    _lost_creates(relay, conn, 1)
    assert check_once(force=True).opened == ["needs_review"]
    (_, _), (again_id, again) = _alerts(alerting, relay.app)
    assert again_id != event_id
    assert again["text"].startswith("Esqase Relay: 1 job needs review.")


def test_attention_counts_each_thing_that_needs_a_person_and_alerts_each(relay, alerting):
    relay.app.config["ALERT_REJECTIONS"] = 2
    _lost_creates(relay, relay.connection(key=relay.esqase.new_key("leads:write")), 1)
    refused = relay.connection(key="not-a-key-esqase-knows", name="Old key")
    failed = _post(relay, relay.hook("practice-areas.create", refused), {"name": "Tax"})
    assert relay.settle(failed)["status"] == "failed"
    broken = relay.hook("leads.create", name="Website form")
    for _ in range(2):
        _post(relay, broken, {"firstName": "no type"}, status=422)
    busy = relay.hook("leads.create", name="Busy form")  # 2 of its 5: not more than half
    for _ in range(2):
        _post(relay, busy, {"firstName": "no type"}, status=422)
    for _ in range(3):
        _post(relay, busy, LEAD)

    response = relay.client.get("/api/v1/attention", headers=relay.headers)
    assert response.status_code == 200
    counts = response.get_json()["data"]
    assert (counts["needs_review"], counts["failed_last_day"]) == (1, 1)
    assert counts["connections_auth_failed"] == 1
    assert counts["failing_connections"][0]["connection_id"] == refused
    [rising] = counts["hooks_rising_rejections"]
    assert (rising["hook_id"], rising["rejected"], rising["deliveries"]) == (broken["id"], 2, 2)
    assert counts["total"] == 4

    report = check_once(force=True)
    assert sorted(report.delivered) == [
        "alert.connection_auth_failed",
        "alert.failures",
        "alert.hook_rejections",
        "alert.needs_review",
    ]
    texts = {alert["type"]: alert["text"] for _, alert in _alerts(alerting, relay.app)}
    assert "connection 'Old key'" in texts["alert.connection_auth_failed"]
    assert "hook 'Website form' refused 2 of its 2 deliveries" in texts["alert.hook_rejections"]
    assert "1 job failed in the last 24 hours" in texts["alert.failures"]


def test_an_alert_the_receiver_refused_is_sent_again_with_the_same_id(relay, alerting):
    relay.app.config["CALLBACK_RETRY_SCHEDULE"] = (0,)  # due again at once
    relay.esqase.fault("POST", "/v1/practice-areas", status=422)
    relay.settle(_post(relay, relay.hook("practice-areas.create"), {"name": "Tax"}))
    alerting.statuses = [500]

    report = check_once(force=True)
    assert (report.opened, report.delivered) == (["failures"], [])
    assert check_once(force=True).delivered == ["alert.failures"]
    first, second = alerting.received
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert json.loads(first["body"]) == json.loads(second["body"])


def test_no_alert_url_no_alerts_and_no_alert_thread(app):
    from app.worker import background

    assert check_once(force=True) is None
    assert "relay-alerts" not in [t.name for t in background(app)]
    app.config["ALERT_URL"] = "https://hooks.slack.com/services/T/B/x"
    assert "relay-alerts" in [t.name for t in background(app)]


def test_the_alert_secret_is_the_configured_one_and_a_bad_one_stops_start_up(make_app):
    secret = new_secret()
    assert alert_secret(make_app(ALERT_SECRET=secret)) == secret
    with pytest.raises(ValueError, match="RELAY_ALERT_SECRET must be a Standard Webhooks"):
        make_app(ALERT_SECRET="whsec_tooshort")


def test_names_in_alert_text_cannot_become_slack_mentions_or_links():
    summary = Attention(
        needs_review=0,
        failed_last_day=0,
        connections_auth_failed=1,
        failing_connections=[FailingConnection("con_1", "<!channel> & <http://x|y>", None)],
    )
    [condition] = conditions(summary, "https://relay.example")
    assert "'&lt;!channel&gt; &amp; &lt;http://x|y&gt;'" in condition.text
    assert condition.data["name"] == "<!channel> & <http://x|y>"
