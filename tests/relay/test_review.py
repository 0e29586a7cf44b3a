"""A job waiting for review, settled each way through the admin API and the CLI: link a
record (one that exists, one that does not), discard, check Esqase again (finding the
record, finding none), create it after all; each recorded with who did it."""

from __future__ import annotations

import getpass

import pytest

from app.cli import cli
from app.services import tokens
from tests import review_cases
from tests.review_cases import LEAD

CONTACT = {"type": "PERSON", "firstName": "Ann", "lastName": "Lee", "emails": ["ann@example.com"]}
ADMIN_BY = "admin (RELAY_ADMIN_TOKEN)"
CLI_BY = f"cli:{getpass.getuser()}"


def _post(relay, hook, body) -> str:
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def _resolve(relay, job_id, headers=None, **body):
    return relay.client.post(
        f"/api/v1/jobs/{job_id}/resolve", json=body, headers=headers or relay.headers
    )


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


def _give_read_access(relay, conn):
    full = {"api_key": relay.esqase.new_key("*")}
    response = relay.client.patch(f"/api/v1/connections/{conn}", json=full, headers=relay.headers)
    assert response.status_code == 200


# -- the admin API -------------------------------------------------------------------------


def test_linking_a_candidate_succeeds_the_job_with_that_record(relay, look_alikes):
    from app.db import session
    from app.services import jobs, review

    with session() as s:
        candidates = review.candidates(jobs.get(s, look_alikes))
    assert len(candidates) == 2
    chosen = candidates[1]["id"]

    response = _resolve(relay, look_alikes, action="link", record_id=chosen)
    assert response.status_code == 200, response.get_json()
    job = response.get_json()["data"]
    assert job["status"] == "succeeded"
    assert job["result"] == relay.esqase.api().get(f"/v1/leads/{chosen}").json()["data"]
    assert job["resolution"]["kind"] == "linked"
    assert (job["resolution"]["by"], job["resolution"]["record_id"]) == (ADMIN_BY, chosen)
    assert len(relay.esqase.records("leads")) == 2  # nothing was created


def test_linking_a_record_esqase_does_not_have_is_refused_and_changes_nothing(relay, look_alikes):
    response = _resolve(relay, look_alikes, action="link", record_id="lead_no_such_record")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "record_not_found"
    assert "Esqase has no lead with id 'lead_no_such_record'" in error["message"]
    assert error["details"][0]["path"] == "/record_id"
    job = relay.job(look_alikes)
    assert (job["status"], job["resolution"]) == ("needs_review", None)


def test_discarding_with_a_stored_token_records_that_token(relay, unreadable):
    job_id, _ = unreadable
    from app.db import session

    with session() as s:
        row, token = tokens.create(s, "Dana at the firm")
    response = _resolve(relay, job_id, {"Authorization": f"Bearer {token}"}, action="discard")
    assert response.status_code == 200
    job = response.get_json()["data"]
    assert (job["status"], job["resolution"]["kind"]) == ("canceled", "discarded")
    assert job["resolution"]["by"] == f"Dana at the firm ({row.id})"


def test_checking_again_finds_the_record_once_the_key_may_read(relay, unreadable):
    job_id, conn = unreadable
    _give_read_access(relay, conn)
    response = _resolve(relay, job_id, action="recheck")
    assert response.status_code == 202
    assert response.get_json()["data"]["status"] == "queued"

    job = relay.settle(job_id)
    assert job["status"] == "succeeded"
    assert job["result"]["id"] == relay.esqase.records("leads")[0]["id"]
    assert len(relay.esqase.records("leads")) == 1
    # The relay found it; the person who asked it to look is kept beside that.
    assert job["resolution"]["kind"] == "reconciled"
    assert job["resolution"]["after"]["kind"] == "recheck"
    assert job["resolution"]["after"]["by"] == ADMIN_BY


def test_a_linked_step_of_a_composite_action_lets_it_run_on(relay):
    """A lost contact of matters.create-for-client: linking the contact must not end the
    job without its matter, nor create a second contact."""
    relay.esqase.api().post("/v1/practice-areas", json={"name": "Family"})
    hook = relay.hook("matters.create-for-client")
    relay.esqase.api().post("/v1/contacts", json=CONTACT)  # a look-alike, made by hand
    relay.esqase.fault("POST", "/v1/contacts", kind="process_then_status", status=502)
    body = {"practiceAreaName": "Family", "openDate": "2026-07-01", "title": "Lee divorce"}
    job_id = _post(relay, hook, {**body, "client": CONTACT})
    assert relay.settle(job_id)["status"] == "needs_review"
    contacts = relay.esqase.records("contacts")
    assert len(contacts) == 2
    chosen = contacts[0]["id"]

    response = _resolve(relay, job_id, action="link", record_id=chosen)
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["data"]["status"] == "queued"
    job = relay.settle(job_id)
    assert job["status"] == "succeeded"
    assert job["result"]["contact"]["id"] == chosen
    assert [c["id"] for c in job["result"]["matter"]["clients"]] == [chosen]
    assert len(relay.esqase.records("contacts")) == 2
    assert len(relay.esqase.records("matters")) == 1
    assert (job["resolution"]["kind"], job["resolution"]["by"]) == ("linked", ADMIN_BY)


def test_a_resolution_body_names_its_problem(relay):
    cases = [
        ({"action": "link"}, "/record_id"),
        ({"action": "discard", "record_id": "x"}, "/record_id"),
        ({"action": "forget"}, "/action"),
        ({}, "/action"),
    ]
    for body, path in cases:
        response = _resolve(relay, "job_00000000000000000000000000", **body)
        assert response.status_code == 422, body
        assert [d["path"] for d in response.get_json()["error"]["details"]] == [path], body


def test_only_a_job_in_review_can_be_linked(relay):
    hook = relay.hook("practice-areas.create")
    job_id = _post(relay, hook, {"name": "Tax"})
    response = _resolve(relay, job_id, action="link", record_id="anything")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_resolvable"


# -- the CLI -------------------------------------------------------------------------------


def test_resolving_from_the_cli_links_a_record_and_refuses_a_missing_one(
    relay, runner, look_alikes
):
    missing = runner.invoke(cli, ["jobs", "resolve", look_alikes, "--link", "no_such_lead"])
    assert missing.exit_code == 1
    assert "Esqase has no lead" in missing.output

    chosen = relay.esqase.records("leads")[0]["id"]
    result = runner.invoke(cli, ["jobs", "resolve", look_alikes, "--link", chosen])
    assert result.exit_code == 0, result.output
    assert f"succeeded (linked by {CLI_BY})" in result.output
    job = relay.job(look_alikes)
    assert (job["resolution"]["by"], job["result"]["id"]) == (CLI_BY, chosen)


def test_resolving_from_the_cli_takes_exactly_one_decision(relay, runner):
    result = runner.invoke(cli, ["jobs", "resolve", "job_x", "--discard", "--recheck"])
    assert result.exit_code == 2
    assert "exactly one of --link RECORD_ID, --discard or --recheck" in result.output


def test_checking_again_from_the_cli_that_finds_nothing_sends_nothing(relay, runner):
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", status=502)  # answered 502, nothing made
    job_id = _post(relay, hook, LEAD)
    assert relay.settle(job_id)["status"] == "needs_review"
    _give_read_access(relay, conn)

    result = runner.invoke(cli, ["jobs", "resolve", job_id, "--recheck"])
    assert result.exit_code == 0, result.output
    job = relay.settle(job_id)
    assert job["status"] == "needs_review"
    assert "no record matching" in job["error"]["message"]
    assert (job["resolution"]["kind"], job["resolution"]["by"]) == ("recheck", CLI_BY)
    assert relay.esqase.records("leads") == []


def test_a_cli_retry_of_a_create_in_review_needs_confirm_create(relay, runner, unreadable):
    job_id, _ = unreadable
    refused = runner.invoke(cli, ["jobs", "retry", job_id])
    assert refused.exit_code == 1
    assert "may already have created its record in Esqase" in refused.output
    assert relay.job(job_id)["status"] == "needs_review"

    result = runner.invoke(cli, ["jobs", "retry", job_id, "--confirm-create"])
    assert result.exit_code == 0, result.output
    job = relay.settle(job_id)
    assert job["status"] == "succeeded"
    assert (job["resolution"]["kind"], job["resolution"]["by"]) == ("create_confirmed", CLI_BY)
    assert len(relay.esqase.records("leads")) == 2  # the person said it was not there


def test_discarding_from_the_cli(relay, runner, unreadable):
    job_id, _ = unreadable
    result = runner.invoke(cli, ["jobs", "resolve", job_id, "--discard"])
    assert result.exit_code == 0, result.output
    job = relay.job(job_id)
    assert (job["status"], job["resolution"]["by"]) == ("canceled", CLI_BY)
