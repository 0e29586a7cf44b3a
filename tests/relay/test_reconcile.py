"""A create whose answer was lost settles itself by reading Esqase: exactly one record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from actions.reconcile import Unsettled, find
from app.esqase import EsqaseClient
from app.jobs import lifecycle

LEAD = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", "email": "jane@example.com"}
CONTACT = {"type": "PERSON", "firstName": "Ann", "lastName": "Lee", "emails": ["ann@example.com"]}


def _post(relay, hook, body) -> str:
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


@pytest.fixture
def api(relay):
    with EsqaseClient(relay.esqase.url, relay.esqase.key) as client:
        yield client


# -- reading Esqase, resource by resource --------------------------------------------------


def test_a_contact_is_found_by_its_names_and_first_email(relay, api):
    made = api.create("contacts", CONTACT)
    api.create("contacts", {**CONTACT, "emails": ["other@example.com"]})
    found = find(api, "contacts", CONTACT, datetime.now(UTC) - timedelta(seconds=5))
    assert found is not None and found.record["id"] == made["id"] and found.dated


def test_a_contact_made_before_the_attempt_is_not_its_record(relay, api):
    api.create("contacts", CONTACT)
    later = datetime.now(UTC) + timedelta(minutes=10)  # past the clock slack
    assert find(api, "contacts", CONTACT, later) is None


def test_a_lead_is_dated_by_the_new_contact_its_create_made(relay, api):
    made = api.create("leads", LEAD)
    found = find(api, "leads", LEAD, datetime.now(UTC) - timedelta(seconds=5))
    assert found is not None and found.record["id"] == made["id"]
    assert find(api, "leads", LEAD, datetime.now(UTC) + timedelta(minutes=10)) is None


def test_two_records_matching_what_was_sent_are_left_to_a_person(relay, api):
    api.create("leads", LEAD)
    api.create("leads", LEAD)
    with pytest.raises(Unsettled) as unsettled:
        find(api, "leads", LEAD, datetime.now(UTC) - timedelta(seconds=5))
    assert len(unsettled.value.candidates) == 2
    assert "2 leads" in unsettled.value.message


def test_a_matter_is_matched_on_title_area_date_and_clients(relay, api):
    area = api.create("practice-areas", {"name": "Family"})
    client = api.create("contacts", CONTACT)
    body = {
        "practiceAreaId": area["id"],
        "openDate": "2026-07-01",
        "title": "Doe v. Acme",
        "clientContactIds": [client["id"]],
    }
    made = api.create("matters", body)
    api.create("matters", {**body, "title": "Other"})
    found = find(api, "matters", body, datetime.now(UTC))
    assert found is not None and found.record["id"] == made["id"]
    assert not found.dated  # matters carry no creation time: an older twin would match too


def test_a_scan_that_stops_at_its_bound_does_not_claim_there_is_nothing(relay, api, monkeypatch):
    import actions.reconcile as reconcile

    monkeypatch.setattr(reconcile, "SCAN_LIMIT", 2)
    for name in ("A", "B", "C"):
        api.create("practice-areas", {"name": name})
    with pytest.raises(Unsettled) as unsettled:
        find(api, "practice-areas", {"name": "Z"}, datetime.now(UTC))
    assert "first 2 practice areas" in unsettled.value.message


# -- jobs ----------------------------------------------------------------------------------------


def test_a_lost_create_among_look_alikes_goes_to_review_with_the_candidates(relay):
    hook = relay.hook("leads.create")
    relay.esqase.api().post("/v1/leads", json=LEAD)  # an identical lead, made by hand meanwhile
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=500)
    job = relay.settle(_post(relay, hook, LEAD))
    assert job["status"] == "needs_review"
    assert len(job["error"]["details"]) == 2
    assert {d["record"]["id"] for d in job["error"]["details"]} == {
        r["id"] for r in relay.esqase.records("leads")
    }


def test_a_lost_step_of_a_composite_action_is_found_not_repeated(relay):
    relay.esqase.api().post("/v1/practice-areas", json={"name": "Family"})
    hook = relay.hook("matters.create-for-client")
    relay.esqase.fault("POST", "/v1/contacts", kind="process_then_drop")
    body = {
        "practiceAreaName": "Family",
        "openDate": "2026-07-01",
        "title": "Lee divorce",
        "client": CONTACT,
    }
    job = relay.settle(_post(relay, hook, body))
    assert job["status"] == "succeeded"
    assert len(relay.esqase.records("contacts")) == 1
    matter = relay.esqase.api().get("/v1/matters").json()["data"][0]
    assert [c["id"] for c in matter["clients"]] == [relay.esqase.records("contacts")[0]["id"]]


def test_checking_esqase_again_finds_a_record_that_appeared_meanwhile(relay):
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))  # cannot read contacts
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=502)
    job_id = _post(relay, hook, LEAD)
    assert relay.settle(job_id)["status"] == "needs_review"

    full = relay.esqase.new_key("*")  # the firm gives the key read access, then asks again
    relay.client.patch(f"/api/v1/connections/{conn}", json={"api_key": full}, headers=relay.headers)
    lifecycle.retry(job_id, recheck=True, by="ops@firm")
    job = relay.settle(job_id)
    assert job["status"] == "succeeded"
    assert job["result"]["id"] == relay.esqase.records("leads")[0]["id"]
    assert len(relay.esqase.records("leads")) == 1


def test_checking_esqase_again_never_sends_the_create(relay):
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", status=502)  # nothing was made
    job_id = _post(relay, hook, LEAD)
    assert relay.settle(job_id)["status"] == "needs_review"
    relay.client.patch(
        f"/api/v1/connections/{conn}",
        json={"api_key": relay.esqase.new_key("*")},
        headers=relay.headers,
    )
    lifecycle.retry(job_id, recheck=True)
    job = relay.settle(job_id)
    assert job["status"] == "needs_review"
    assert "no record matching" in job["error"]["message"]
    assert relay.esqase.records("leads") == []


def test_a_lost_create_found_once_stays_settled_in_later_attempts(relay):
    """Attempt 2 finds the lost contact and then meets a 503; attempt 3 resumes from the
    checkpoint. A 4xx there is a plain failure: nothing is in doubt any more."""
    relay.esqase.api().post("/v1/practice-areas", json={"name": "Family"})
    hook = relay.hook("matters.create-for-client")
    relay.esqase.fault("POST", "/v1/contacts", kind="process_then_drop")
    relay.esqase.fault("POST", "/v1/matters", status=503)
    relay.esqase.fault("POST", "/v1/matters", status=422)
    body = {"practiceAreaName": "Family", "openDate": "2026-07-01", "client": CONTACT}
    job = relay.settle(_post(relay, hook, body))
    assert job["status"] == "failed"
    assert [c["method"] for c in job["attempts"][1]["calls"]].count("SETTLED") == 1
    assert len(relay.esqase.records("contacts")) == 1
