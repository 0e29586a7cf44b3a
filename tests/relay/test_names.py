"""Names instead of ids on the plain creates: practiceAreaName, stageName, clientEmails,
resolved against the sandbox through a reading kept per connection."""

from __future__ import annotations

from typing import Any

import pytest

from actions import names


@pytest.fixture(autouse=True)
def long_lived_readings(monkeypatch):
    """Counting reads must not depend on how fast the test runs: readings live an hour."""
    monkeypatch.setattr(names.READINGS, "ttl", 3600.0)


def area(relay: Any, name: str) -> dict[str, Any]:
    with relay.esqase.api() as api:
        response = api.post("/v1/practice-areas", json={"name": name})
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def contact(relay: Any, last: str, email: str) -> str:
    with relay.esqase.api() as api:
        body = {"type": "PERSON", "lastName": last, "emails": [email]}
        response = api.post("/v1/contacts", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


def reads(relay: Any, path: str = "/v1/practice-areas") -> int:
    return sum(1 for r in relay.esqase.requests() if r["method"] == "GET" and r["path"] == path)


def run(relay: Any, hook: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == 202, response.get_json()
    return relay.settle(response.get_json()["id"])


def test_leads_find_their_practice_area_by_name_with_one_list_read_for_many(relay):
    family = area(relay, "Family law")
    area(relay, "Real estate")
    hook = relay.hook("leads.create")
    posted = [
        relay.client.post(
            hook["path"],
            json={"type": "PERSON", "lastName": f"Doe {i}", "practiceAreaName": " family LAW "},
        ).get_json()["id"]
        for i in range(6)
    ]
    relay.work()
    jobs = [relay.job(job_id) for job_id in posted]
    assert [j["status"] for j in jobs] == ["succeeded"] * 6
    leads = relay.esqase.records("leads")
    assert {lead["practiceArea"]["id"] for lead in leads} == {family["id"]}
    assert reads(relay) == 1  # six jobs, one reading of the practice-area list


def test_a_name_not_in_the_kept_reading_is_read_once_more_then_refused_with_the_known(relay):
    area(relay, "Family law")
    hook = relay.hook("leads.create")
    assert (
        run(relay, hook, {"type": "PERSON", "lastName": "A", "practiceAreaName": "Family law"})[
            "status"
        ]
        == "succeeded"
    )
    tax = area(relay, "Tax law")  # added after the reading was kept
    second = run(relay, hook, {"type": "PERSON", "lastName": "B", "practiceAreaName": "tax law"})
    assert second["status"] == "succeeded"
    assert second["result"]["practiceArea"]["id"] == tax["id"]
    assert reads(relay) == 2
    unknown = run(relay, hook, {"type": "PERSON", "lastName": "C", "practiceAreaName": "Tort"})
    assert unknown["status"] == "failed"
    assert unknown["error"]["code"] == "practice_area_not_found"
    assert "'Tort'" in unknown["error"]["message"]
    assert "'Family law', 'Tax law'" in unknown["error"]["message"]
    assert reads(relay) == 3
    assert not [lead for lead in relay.esqase.records("leads") if lead["contact"]["name"] == "C"]


def test_a_matter_starts_in_a_stage_named_in_its_practice_area(relay):
    family = area(relay, "Family law")
    in_progress = next(s for s in family["stages"] if s["name"] == "In progress")
    hook = relay.hook("matters.create")
    body = {
        "practiceAreaName": "Family law",
        "stageName": "in progress",
        "openDate": "2026-07-01",
        "title": "Doe divorce",
    }
    first = run(relay, hook, body)
    second = run(relay, hook, {**body, "title": "Roe divorce"})
    for job in (first, second):
        assert job["status"] == "succeeded", job
        assert job["result"]["practiceArea"]["id"] == family["id"]
        assert job["result"]["stage"]["id"] == in_progress["id"]
    assert reads(relay, f"/v1/practice-areas/{family['id']}") == 1


def test_an_unknown_stage_fails_naming_the_areas_stages(relay):
    area(relay, "Family law")
    hook = relay.hook("matters.create")
    job = run(
        relay,
        hook,
        {"practiceAreaName": "Family law", "stageName": "Appeal", "openDate": "2026-07-01"},
    )
    assert job["status"] == "failed"
    assert job["error"]["code"] == "stage_not_found"
    assert "'To do', 'In progress', 'Done'" in job["error"]["message"]
    assert relay.esqase.records("matters") == []


def test_a_stage_name_works_with_a_practice_area_id_too(relay):
    family = area(relay, "Family law")
    done = next(s for s in family["stages"] if s["name"] == "Done")
    hook = relay.hook("matters.create")
    job = run(
        relay,
        hook,
        {"practiceAreaId": family["id"], "stageName": "Done", "openDate": "2026-07-01"},
    )
    assert job["result"]["stage"]["id"] == done["id"]


def test_matter_clients_are_found_by_email(relay):
    family = area(relay, "Family law")
    jane = contact(relay, "Doe", "jane@example.com")
    acme = contact(relay, "Acme", "legal@acme.example")
    hook = relay.hook("matters.create")
    job = run(
        relay,
        hook,
        {
            "practiceAreaId": family["id"],
            "openDate": "2026-07-01",
            "clientEmails": ["Jane@Example.com", "legal@acme.example"],
        },
    )
    assert job["status"] == "succeeded", job
    assert [c["id"] for c in job["result"]["clients"]] == [jane, acme]


@pytest.mark.parametrize(
    ("owners", "code", "said"),
    [(0, "contact_not_found", "no contact has the email"), (2, "contact_ambiguous", "2 contacts")],
)
def test_an_email_with_no_contact_or_several_fails_naming_it(relay, owners, code, said):
    family = area(relay, "Family law")
    for i in range(owners):
        contact(relay, f"Twin {i}", "twins@example.com")
    hook = relay.hook("matters.create")
    job = run(
        relay,
        hook,
        {
            "practiceAreaId": family["id"],
            "openDate": "2026-07-01",
            "clientEmails": ["twins@example.com"],
        },
    )
    assert job["status"] == "failed"
    assert job["error"]["code"] == code
    assert said in job["error"]["message"] and "twins@example.com" in job["error"]["message"]
    assert relay.esqase.records("matters") == []


def test_a_matter_type_finds_its_practice_area_by_name(relay):
    family = area(relay, "Family law")
    hook = relay.hook("matter-types.create")
    job = run(relay, hook, {"practiceAreaName": "Family law", "name": "Divorce"})
    assert job["status"] == "succeeded", job
    assert job["result"]["practiceAreaId"] == family["id"]


@pytest.mark.parametrize(
    ("action", "body", "path", "said"),
    [
        (
            "leads.create",
            {"type": "PERSON", "lastName": "Doe", "practiceAreaId": "x", "practiceAreaName": "y"},
            "/practiceAreaId",
            "not both",
        ),
        ("matters.create", {"openDate": "2026-07-01"}, "/practiceAreaId", "is required"),
        (
            "matters.create",
            {"openDate": "2026-07-01", "practiceAreaName": "y", "stageName": "a"}
            | {"practiceAreaStageColumnId": "b"},
            "/practiceAreaStageColumnId",
            "not both",
        ),
        (
            "matters.create",
            {"openDate": "2026-07-01", "practiceAreaName": "y", "clientEmails": ["not-an-email"]},
            "/clientEmails/0",
            "email",
        ),
        ("matter-types.create", {"name": "Divorce"}, "/practiceAreaId", "practiceAreaName"),
    ],
)
def test_an_id_and_its_name_together_or_neither_is_refused_at_the_door(
    relay, action, body, path, said
):
    hook = relay.hook(action)
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == 422
    details = {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}
    assert said in details[path]


def test_the_resolved_ids_are_kept_so_a_retry_sends_the_same_body(relay):
    """A lost create is recognised by its body on the next attempt: the ids must not move."""
    family = area(relay, "Family law")
    hook = relay.hook("leads.create")
    job = run(relay, hook, {"type": "PERSON", "lastName": "Doe", "practiceAreaName": "Family law"})
    assert job["checkpoint"] == {"resolve_names": {"practiceAreaId": family["id"]}}


# -- the reading itself --------------------------------------------------------------------


def test_a_reading_is_kept_for_its_time_and_per_key() -> None:
    now = [0.0]
    readings = names.Readings(ttl=60.0, clock=lambda: now[0])
    loads: list[str] = []

    def load(label: str) -> Any:
        return lambda: loads.append(label) or label

    assert readings.read("a", load("a1")) == ("a1", True)
    assert readings.read("a", load("a2")) == ("a1", False)
    assert readings.read("b", load("b1")) == ("b1", True)
    now[0] = 60.0
    assert readings.read("a", load("a3")) == ("a3", True)
    assert readings.read(None, load("n1")) == ("n1", True)
    assert readings.read(None, load("n2")) == ("n2", True)
    assert loads == ["a1", "b1", "a3", "n1", "n2"]
