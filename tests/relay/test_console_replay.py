"""Replay and redeliver from the console: one job from its page (old and new pages linked),
many by the jobs list's filter after a page that says how many, a callback sent again;
what the services refuse is their sentence on the page."""

from __future__ import annotations

from tests.relay.test_dashboard import csrf_from, html, signed_in
from tests.review_cases import FIXED, SENT, WRONG, rejected, remap


def _post(client, path, **form):
    token = csrf_from(client.get("/dashboard/jobs"))
    return client.post(path, data={"csrf_token": token, **form})


def test_a_rejected_delivery_replayed_from_its_page_after_the_fix(relay):
    hook = relay.hook("leads.create", mapping=WRONG)
    old_id = rejected(relay, hook)
    remap(relay, hook, FIXED)
    client = signed_in(relay)
    page = html(client.get(f"/dashboard/jobs/{old_id}"))
    assert "Replay with the hook&#39;s current rules" in page
    assert "Jane" in page and "jane@example.com" in page  # what arrived, as fields

    response = _post(client, f"/dashboard/jobs/{old_id}/replay")
    assert response.status_code == 302
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert new_id != old_id
    assert relay.settle(new_id)["status"] == "succeeded"
    assert len(relay.esqase.records("leads")) == 1

    new_page = html(client.get(f"/dashboard/jobs/{new_id}"))
    assert f"Replayed as job {new_id}" in new_page  # the flash
    assert f'href="/dashboard/jobs/{old_id}" data-replay-of' in new_page
    old_page = html(client.get(f"/dashboard/jobs/{old_id}"))
    assert f'href="/dashboard/jobs/{new_id}" data-replayed-as' in old_page
    assert "Replay with the hook" not in old_page  # a delivery is replayed once

    again = _post(client, f"/dashboard/jobs/{old_id}/replay")
    assert again.status_code == 302
    assert "was already replayed" in html(client.get(again.headers["Location"]))
    assert len(relay.esqase.records("leads")) == 1


def test_a_replay_still_refused_shows_the_new_rejected_job_with_the_sentence(relay):
    hook = relay.hook("leads.create", mapping=WRONG)
    old_id = rejected(relay, hook)
    client = signed_in(relay)
    response = _post(client, f"/dashboard/jobs/{old_id}/replay")
    assert response.status_code == 302
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert new_id != old_id
    page = html(client.get(response.headers["Location"]))
    assert "Still refused by the hook&#39;s current rules" in page
    assert relay.job(new_id)["replay_of"] == old_id


def test_what_cannot_be_replayed_is_the_services_sentence(relay):
    hook = relay.hook("practice-areas.create")
    done = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.settle(done)
    client = signed_in(relay)
    response = _post(client, f"/dashboard/jobs/{done}/replay")
    assert response.status_code == 302
    assert "A succeeded job cannot be replayed" in html(client.get(f"/dashboard/jobs/{done}"))


def test_bulk_replay_shows_how_many_then_replays_each_once(relay):
    hook = relay.hook("leads.create", mapping=WRONG)
    other = relay.hook("leads.create", mapping=WRONG)
    for name in ("Ann", "Bo"):
        rejected(relay, hook, {**SENT, "first": name})
    theirs = rejected(relay, other)
    remap(relay, hook, FIXED)
    client = signed_in(relay)
    listing = html(client.get(f"/dashboard/jobs?status=rejected&hook_id={hook['id']}"))
    assert "Replay the deliveries this filter shows" in listing

    confirm = client.get(f"/dashboard/jobs/replay?status=rejected&hook_id={hook['id']}")
    assert confirm.status_code == 200
    assert "<strong data-count>2</strong> deliveries" in html(confirm)
    assert relay.job(theirs)["status"] == "rejected"  # nothing replayed by looking

    response = _post(client, "/dashboard/jobs/replay", status="rejected", hook_id=hook["id"])
    assert response.status_code == 302
    assert "2 replayed: 2 queued to run" in html(client.get(response.headers["Location"]))
    relay.work()
    assert len(relay.esqase.records("leads")) == 2
    replays = html(client.get(f"/dashboard/jobs?status=succeeded&hook_id={hook['id']}"))
    assert "Ann" in replays and "Bo" in replays  # the person in each row, from the input
    again = client.get(f"/dashboard/jobs/replay?status=rejected&hook_id={hook['id']}")
    assert "No delivery matching this filter is waiting" in html(again)
    assert relay.job(theirs)["replay_of"] is None


def test_bulk_replay_of_a_status_it_cannot_take_is_the_services_sentence(relay):
    client = signed_in(relay)
    response = client.get("/dashboard/jobs/replay?status=succeeded")
    assert response.status_code == 302
    assert "bulk replay works on rejected, failed jobs only" in html(
        client.get(response.headers["Location"])
    )
    posted = _post(client, "/dashboard/jobs/replay", status="succeeded")
    assert posted.status_code == 302
    assert client.post("/dashboard/jobs/replay", data={"status": "rejected"}).status_code == 400


def test_the_last_callback_is_sent_again_from_the_job_page(relay, inbox):
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.work(until=lambda: len(inbox.received) == 1)
    client = signed_in(relay)
    assert "Send the last callback again" in html(client.get(f"/dashboard/jobs/{job_id}"))
    response = _post(client, f"/dashboard/jobs/{job_id}/redeliver")
    assert response.status_code == 302
    assert "queued to be sent again" in html(client.get(f"/dashboard/jobs/{job_id}"))
    relay.work(until=lambda: len(inbox.received) == 2)
    first, second = inbox.received
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]


def test_nothing_to_redeliver_is_the_services_sentence(relay):
    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    client = signed_in(relay)
    response = _post(client, f"/dashboard/jobs/{job_id}/redeliver")
    assert response.status_code == 302
    assert "has no callback URL" in html(client.get(f"/dashboard/jobs/{job_id}"))
