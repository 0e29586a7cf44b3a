"""Redeliver: a job's last callback event sent again to a real receiver, signed, with the
same webhook-id, recorded beside the earlier deliveries."""

from __future__ import annotations

from standardwebhooks.webhooks import Webhook

from app.cli import cli


def _job(relay, hook) -> str:
    response = relay.client.post(hook["path"], json={"name": "Tax"})
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def _redeliver(relay, job_id):
    return relay.client.post(f"/api/v1/jobs/{job_id}/redeliver", headers=relay.headers)


def _deliveries(relay, job_id):
    [event] = relay.job(job_id)["callbacks"]
    return event, event["deliveries"]


def test_the_last_callback_is_sent_again_signed_with_the_same_id(relay, runner, inbox):
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    job_id = _job(relay, hook)
    relay.work(until=lambda: len(inbox.received) == 1)

    response = _redeliver(relay, job_id)
    assert response.status_code == 202, response.get_json()
    event_id = response.get_json()["event_id"]
    relay.work(until=lambda: len(inbox.received) == 2)
    result = runner.invoke(cli, ["jobs", "redeliver", job_id])  # and once more, from the CLI
    assert result.exit_code == 0, result.output
    assert f"callback {event_id} queued" in result.output
    relay.work(until=lambda: len(inbox.received) == 3)

    first, *again = inbox.received
    for copy in again:
        assert copy["headers"]["webhook-id"] == first["headers"]["webhook-id"] == event_id
        assert copy["body"] == first["body"]  # the event as it happened
        event = Webhook(hook["callback_secret"]).verify(copy["body"], copy["headers"])
        assert (event["type"], event["data"]["id"]) == ("job.succeeded", job_id)
    event, deliveries = _deliveries(relay, job_id)
    assert event["status"] == "delivered"
    assert [(d["number"], d["ok"]) for d in deliveries] == [(1, True), (2, True), (3, True)]


def test_a_callback_that_failed_gets_its_retries_again_when_redelivered(relay, inbox):
    """The schedule is two retries (at once, here): three refusals end it; the redelivery
    is refused once more, retried, and delivered."""
    relay.app.config["CALLBACK_RETRY_SCHEDULE"] = (0, 0)
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    inbox.statuses = [500, 500, 500, 500]
    job_id = _job(relay, hook)
    relay.work(until=lambda: _deliveries(relay, job_id)[0]["status"] == "failed")
    assert len(inbox.received) == 3

    assert _redeliver(relay, job_id).status_code == 202
    relay.work(until=lambda: _deliveries(relay, job_id)[0]["status"] == "delivered")
    _, deliveries = _deliveries(relay, job_id)
    assert [d["status_code"] for d in deliveries] == [500, 500, 500, 500, 200]


def test_nothing_to_redeliver_is_a_409_that_says_why(relay, inbox):
    silent = relay.hook("practice-areas.create")
    response = _redeliver(relay, _job(relay, silent))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_callback_url"
    assert "has no callback URL" in response.get_json()["error"]["message"]

    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    response = _redeliver(relay, _job(relay, hook))  # queued: no event yet
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_callback_event"
    assert "has sent no callback yet" in response.get_json()["error"]["message"]
