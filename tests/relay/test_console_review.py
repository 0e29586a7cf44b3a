"""A job in review settled from its console page: check again, link a candidate or a typed
id, create it after the confirmation step (never one click), discard; each recorded with
who is signed in, and every refusal a sentence on the page, never a 500."""

from __future__ import annotations

import pytest

from app.services import tokens
from tests import review_cases
from tests.relay.test_dashboard import csrf_from, html, post_job, sign_in, signed_in
from tests.review_cases import LEAD

BY = "admin (RELAY_ADMIN_TOKEN) via the dashboard"


@pytest.fixture(autouse=True)
def no_waiting(app):
    """Retries due at once: these tests are about what a person decides, not the clock."""
    app.config["RETRY_SCHEDULE"] = (0, 0, 0)


@pytest.fixture
def look_alikes(relay):
    return review_cases.look_alikes(relay)


@pytest.fixture
def unreadable(relay):
    return review_cases.unreadable(relay)


def _post(client, path, **form):
    token = csrf_from(client.get("/dashboard/jobs"))
    return client.post(path, data={"csrf_token": token, **form})


def test_the_review_panel_lists_the_reason_the_candidates_and_four_choices(relay, look_alikes):
    page = html(signed_in(relay).get(f"/dashboard/jobs/{look_alikes}"))
    assert "This job needs you to check Esqase" in page
    assert relay.job(look_alikes)["error"]["message"] in page.replace("&#39;", "'")
    leads = relay.esqase.records("leads")
    assert len(leads) == 2
    for lead in leads:
        assert f'data-candidate="{lead["id"]}"' in page
        assert f'name="record_id" value="{lead["id"]}"' in page
    assert "Jane Doe" in page and "jane@example.com" in page
    for choice in ("Check Esqase again", "It exists: link record", "It does not exist: create it"):
        assert choice in page
    assert ">Discard</button>" in page
    assert ">Retry</button>" not in page and ">Cancel</button>" not in page


def test_linking_a_candidate_succeeds_the_job_with_it_and_says_who(relay, look_alikes):
    client = signed_in(relay)
    chosen = relay.esqase.records("leads")[1]["id"]
    response = _post(client, f"/dashboard/jobs/{look_alikes}/link", record_id=chosen)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dashboard/jobs/{look_alikes}"
    job = relay.job(look_alikes)
    assert (job["status"], job["result"]["id"]) == ("succeeded", chosen)
    assert (job["resolution"]["kind"], job["resolution"]["by"]) == ("linked", BY)
    assert len(relay.esqase.records("leads")) == 2  # nothing was created
    page = html(client.get(f"/dashboard/jobs/{look_alikes}"))
    assert "the job succeeded with that record" in page
    assert f"Linked to record {chosen}" in page and BY in page


def test_linking_an_id_esqase_does_not_have_is_the_services_sentence(relay, look_alikes):
    client = signed_in(relay)
    response = _post(client, f"/dashboard/jobs/{look_alikes}/link", record_id="lead_nope")
    assert response.status_code == 302
    page = html(client.get(f"/dashboard/jobs/{look_alikes}"))
    assert "Esqase has no lead with id &#39;lead_nope&#39;" in page
    assert relay.job(look_alikes)["status"] == "needs_review"


def test_linking_without_an_id_asks_for_one(relay, look_alikes):
    client = signed_in(relay)
    response = _post(client, f"/dashboard/jobs/{look_alikes}/link", record_id="  ")
    assert response.status_code == 302
    assert "Pick one of the records found" in html(client.get(f"/dashboard/jobs/{look_alikes}"))
    assert relay.job(look_alikes)["status"] == "needs_review"


def test_create_it_is_a_page_and_a_tick_never_one_click(relay, unreadable):
    job_id, _ = unreadable
    client = signed_in(relay)
    confirm = client.get(f"/dashboard/jobs/{job_id}/create")
    assert confirm.status_code == 200
    assert "I checked Esqase" in html(confirm) and "Jane" in html(confirm)

    unticked = _post(client, f"/dashboard/jobs/{job_id}/create")
    assert unticked.status_code == 400
    assert "Tick the box" in html(unticked)
    assert relay.job(job_id)["status"] == "needs_review"

    ticked = _post(client, f"/dashboard/jobs/{job_id}/create", confirm_create="true")
    assert ticked.status_code == 302
    job = relay.job(job_id)
    assert (job["resolution"]["kind"], job["resolution"]["by"]) == ("create_confirmed", BY)
    assert relay.settle(job_id)["status"] == "succeeded"
    assert len(relay.esqase.records("leads")) == 2  # the lost one and the one asked for


def test_a_plain_retry_in_review_goes_to_the_confirmation(relay, unreadable):
    job_id, _ = unreadable
    client = signed_in(relay)
    response = _post(client, f"/dashboard/jobs/{job_id}/retry")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dashboard/jobs/{job_id}/create"
    page = html(client.get(response.headers["Location"]))
    assert "may already have created its record" in page and "I checked Esqase" in page
    assert relay.job(job_id)["status"] == "needs_review"
    assert len(relay.esqase.records("leads")) == 1


def test_cancel_in_review_is_refused_with_what_to_do_instead(relay, unreadable):
    job_id, _ = unreadable
    client = signed_in(relay)
    response = _post(client, f"/dashboard/jobs/{job_id}/cancel")
    assert response.status_code == 302
    assert "its record may already be in Esqase" in html(client.get(f"/dashboard/jobs/{job_id}"))
    assert relay.job(job_id)["status"] == "needs_review"


def test_discard_with_a_stored_token_records_that_token(relay, unreadable):
    job_id, _ = unreadable
    from app.db import session

    with session() as s:
        row, token = tokens.create(s, "Dana at the firm")
    client = relay.app.test_client()
    assert sign_in(client, token).status_code == 302
    response = _post(client, f"/dashboard/jobs/{job_id}/discard")
    assert response.status_code == 302
    job = relay.job(job_id)
    assert (job["status"], job["resolution"]["kind"]) == ("canceled", "discarded")
    assert job["resolution"]["by"] == f"Dana at the firm ({row.id}) via the dashboard"
    page = html(client.get(f"/dashboard/jobs/{job_id}"))
    assert "Discarded: nothing more sent" in page and "Dana at the firm" in page
    assert token not in page


def test_check_again_finds_the_record_once_the_key_may_read(relay, unreadable):
    job_id, conn = unreadable
    full = {"api_key": relay.esqase.new_key("*")}
    relay.client.patch(f"/api/v1/connections/{conn}", json=full, headers=relay.headers)
    client = signed_in(relay)
    response = _post(client, f"/dashboard/jobs/{job_id}/recheck")
    assert response.status_code == 302
    assert "Esqase will be read again" in html(client.get(f"/dashboard/jobs/{job_id}"))
    job = relay.settle(job_id)
    assert job["status"] == "succeeded" and len(relay.esqase.records("leads")) == 1
    assert job["resolution"]["after"]["by"] == BY
    page = html(client.get(f"/dashboard/jobs/{job_id}"))
    assert "Found in Esqase by the relay" in page and BY in page


def test_decisions_on_a_job_not_in_review_are_the_services_sentence(relay):
    job_id = post_job(relay, relay.hook("leads.create"), LEAD)  # queued
    client = signed_in(relay)
    for path, form in (
        ("recheck", {}),
        ("link", {"record_id": "lead_x"}),
        ("discard", {}),
        ("create", {"confirm_create": "true"}),
    ):
        response = _post(client, f"/dashboard/jobs/{job_id}/{path}", **form)
        assert response.status_code == 302, path
        page = html(client.get(response.headers["Location"]))
        assert "flash-error" in page, path
    assert relay.job(job_id)["status"] == "queued"
    confirm = client.get(f"/dashboard/jobs/{job_id}/create")
    assert confirm.status_code == 302  # nothing to confirm: back to the job with a sentence


def test_decisions_on_an_unknown_job_go_back_to_the_list(relay):
    client = signed_in(relay)
    for path in ("recheck", "link", "discard", "create", "retry", "cancel", "replay", "redeliver"):
        response = _post(client, f"/dashboard/jobs/job_nope/{path}", record_id="x")
        assert response.status_code in (302, 400), path
        assert response.status_code != 500
    assert client.get("/dashboard/jobs/job_nope/create").status_code == 302


def test_every_decision_needs_the_csrf_token(relay, look_alikes):
    client = signed_in(relay)
    chosen = relay.esqase.records("leads")[0]["id"]
    for path in ("recheck", "link", "discard", "create"):
        form = {"record_id": chosen, "confirm_create": "true"}
        response = client.post(f"/dashboard/jobs/{look_alikes}/{path}", data=form)
        assert response.status_code == 400, path
    assert relay.job(look_alikes)["status"] == "needs_review"


def test_signed_out_decisions_go_to_sign_in(relay, look_alikes):
    client = relay.app.test_client()
    assert client.get(f"/dashboard/jobs/{look_alikes}/create").status_code == 302
    token = csrf_from(client.get("/dashboard/login"))
    response = client.post(f"/dashboard/jobs/{look_alikes}/discard", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dashboard/login")
    assert relay.job(look_alikes)["status"] == "needs_review"
