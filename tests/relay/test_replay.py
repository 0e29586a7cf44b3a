"""Replay: a refused (or failed) delivery's stored body through the hook's current rules, as
a new job linked to the old one, which stays as it was."""

from __future__ import annotations

from app.cli import cli

# What the form sends; the hook's first mapping misspells the field "kind".
from tests.review_cases import FIXED, SENT, WRONG, rejected, remap


def _replay(relay, job_id):
    return relay.client.post(f"/api/v1/jobs/{job_id}/replay", headers=relay.headers)


def test_a_rejected_delivery_replayed_after_fixing_the_mapping_creates_the_record(relay):
    hook = relay.hook("leads.create", mapping=WRONG)
    old_id = rejected(relay, hook)
    before = relay.job(old_id)
    remap(relay, hook, FIXED)

    response = _replay(relay, old_id)
    assert response.status_code == 202, response.get_json()
    new = response.get_json()["data"]
    assert new["id"] != old_id and new["replay_of"] == old_id
    job = relay.settle(new["id"])
    assert job["status"] == "succeeded"
    [lead] = relay.esqase.records("leads")
    [person] = relay.esqase.records("contacts")
    assert lead["contact"]["id"] == person["id"]
    assert (person["firstName"], person["emails"]) == ("Jane", ["jane@example.com"])
    assert relay.job(old_id) == before  # the old job is untouched

    again = _replay(relay, old_id)  # a second click makes no second lead
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_replayed"
    assert new["id"] in again.get_json()["error"]["message"]


def test_a_replay_still_invalid_is_a_new_rejected_job_that_can_be_replayed_in_turn(relay):
    hook = relay.hook("leads.create", mapping=WRONG)
    old_id = rejected(relay, hook)

    response = _replay(relay, old_id)
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["error"]["message"].startswith("Still refused by the hook's current rules")
    assert answer["error"]["details"][0]["path"] == "/type"
    assert answer["replay_of"] == old_id
    second = relay.job(answer["job_id"])
    assert (second["status"], second["replay_of"]) == ("rejected", old_id)
    assert second["received"] == relay.job(old_id)["received"]

    remap(relay, hook, FIXED)
    third = _replay(relay, second["id"])
    assert third.status_code == 202
    assert relay.settle(third.get_json()["data"]["id"])["status"] == "succeeded"


def test_bulk_replay_by_filter_replays_each_delivery_once(relay, runner):
    hook = relay.hook("leads.create", mapping=WRONG)
    other = relay.hook("leads.create", mapping=WRONG)
    mine = [rejected(relay, hook, {**SENT, "first": name}) for name in ("Ann", "Bo")]
    theirs = rejected(relay, other)
    remap(relay, hook, FIXED)

    body = {"status": "rejected", "hook_id": hook["id"]}
    response = relay.client.post("/api/v1/jobs/replay", json=body, headers=relay.headers)
    assert response.status_code == 202
    report = response.get_json()["data"]
    assert (report["accepted"], report["still_rejected"], report["skipped"]) == (2, 0, 0)
    assert sorted(j["id"] for j in report["jobs"]) == sorted(mine)
    relay.work()
    names = sorted(r["contact"]["name"] for r in relay.esqase.records("leads"))
    assert names == ["Ann", "Bo"]
    assert relay.job(theirs)["status"] == "rejected"

    # The same filter again (from the CLI): each was replayed once, nothing is left.
    result = runner.invoke(cli, ["jobs", "replay", "--status", "rejected", "--hook", hook["id"]])
    assert result.exit_code == 0, result.output
    assert '"accepted": 0' in result.output

    # The other hook, still wrong: counted as still rejected, each kept as a new job.
    result = runner.invoke(cli, ["jobs", "replay", "--hook", other["id"]])
    assert result.exit_code == 0, result.output
    assert '"still_rejected": 1' in result.output


def test_a_failed_job_is_replayed_as_a_new_job(relay, runner):
    hook = relay.hook("leads.create")
    relay.esqase.fault("POST", "/v1/leads", status=422)
    response = relay.client.post(hook["path"], json={"type": "PERSON", "firstName": "Jo"})
    old_id = response.get_json()["id"]
    assert relay.settle(old_id)["status"] == "failed"

    result = runner.invoke(cli, ["jobs", "replay", old_id])
    assert result.exit_code == 0, result.output
    assert f"{old_id} replayed as job_" in result.output
    relay.work()
    assert len(relay.esqase.records("leads")) == 1
    assert relay.job(old_id)["status"] == "failed"


def test_what_cannot_be_replayed_says_why(relay, runner):
    hook = relay.hook("practice-areas.create")
    succeeded = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.settle(succeeded)
    not_json = relay.client.post(
        hook["path"], data=b'{"name": ', headers={"Content-Type": "application/json"}
    ).get_json()["job_id"]

    cases = {
        succeeded: "A succeeded job cannot be replayed",
        not_json: "refused before its fields were checked (invalid_json)",
    }
    for job_id, sentence in cases.items():
        response = _replay(relay, job_id)
        assert response.status_code == 409, job_id
        assert sentence in response.get_json()["error"]["message"]

    result = runner.invoke(cli, ["jobs", "replay"])
    assert result.exit_code == 2
    assert "Give a JOB_ID, or filters" in result.output


def test_a_delivery_kept_only_as_raw_text_cannot_be_replayed(relay):
    """A refusal of its fields, kept as the start of the text (too large to keep whole):
    there are no fields to run through the rules again."""
    from app.db import session
    from app.jobs import lifecycle
    from app.models import Hook

    with session() as s:
        hook = s.get(Hook, relay.hook("practice-areas.create")["id"])
    raw = {"kind": "raw", "text": "name=Tax&", "cut_at_bytes": 16384, "size_bytes": 300000}
    job_id = lifecycle.reject(hook, raw, {"code": "validation_failed", "message": "x"})
    response = _replay(relay, job_id)
    assert response.status_code == 409
    assert "only its first 16384 bytes were kept" in response.get_json()["error"]["message"]
