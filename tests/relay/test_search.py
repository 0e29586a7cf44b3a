"""Searching the job history (`q=`): by email, name, id or idempotency key, whatever the case,
through the admin API, the CLI and the console alike (one service), on both databases."""

from __future__ import annotations

from sqlalchemy import select

from app.cli import cli
from app.db import session
from app.models import Job

ALICE = {
    "type": "PERSON",
    "firstName": "Marguerite",
    "lastName": "Vantongeren-Quist",
    "email": "m.vantongeren-quist@target.example.com",
}
BOB = {"type": "PERSON", "firstName": "Bob", "lastName": "Okafor", "email": "bob@firm.example.net"}


def _accept(relay, hook, body, key=None) -> str:
    headers = {"Idempotency-Key": key} if key else {}
    response = relay.client.post(hook["path"], json=body, headers=headers)
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def _found(relay, q: str) -> list[str]:
    response = relay.client.get("/api/v1/jobs", query_string={"q": q}, headers=relay.headers)
    assert response.status_code == 200, response.get_json()
    return [j["id"] for j in response.get_json()["data"]]


def _search_line(job_id: str) -> str | None:
    with session() as s:
        return s.scalar(select(Job.search).where(Job.id == job_id))


def test_a_job_is_found_by_email_name_id_and_idempotency_key_in_any_case(relay):
    hook = relay.hook("leads.create")
    alice = _accept(relay, hook, ALICE, key="Typeform-RESP_00042")
    bob = _accept(relay, hook, BOB, key="resp_00043")

    assert _found(relay, "m.vantongeren-quist@target.example.com") == [alice]
    assert _found(relay, "M.VanTongeren-Quist@Target.Example.COM") == [alice]
    assert _found(relay, "@target.example") == [alice]  # part of an email: its domain
    assert _found(relay, "marguerite") == [alice]
    assert _found(relay, "vantongeren") == [alice]  # part of a name
    assert _found(relay, "okafor") == [bob]
    assert _found(relay, alice) == [alice]  # the whole id
    assert _found(relay, alice.upper()) == [alice]
    assert _found(relay, "typeform-resp_00042") == [alice]  # the key, in another case
    assert _found(relay, "resp_0004") == [bob, alice]  # part of a key: newest first
    assert _found(relay, "person") == [bob, alice]


def test_a_job_id_prefix_finds_the_jobs_it_starts(relay):
    hook = relay.hook("leads.create")
    ids = [_accept(relay, hook, {**BOB, "email": f"b{i}@firm.example.net"}) for i in range(3)]
    for job_id in ids:
        assert job_id in _found(relay, job_id[:20])
        assert _found(relay, job_id[:-1]) == [job_id]  # ids differ in their random tail
    assert _found(relay, "job_zzzz") == []  # no id that starts so (a bound past the end)


def test_several_words_must_all_match_each_within_one_value(relay):
    hook = relay.hook("leads.create")
    alice = _accept(relay, hook, ALICE)
    _accept(relay, hook, BOB)

    assert _found(relay, "Marguerite Quist") == [alice]
    assert _found(relay, "quist marguerite") == [alice]  # any order
    assert _found(relay, "marguerite okafor") == []  # every word must match the same job
    # Never across two values: the first name runs into the last name only in this query.
    assert _found(relay, "margueritevantongeren") == []
    assert _found(relay, "bobokafor") == []


def test_search_reads_values_not_field_names_nor_ids(relay):
    hook = relay.hook("practice-areas.create")
    named = [_accept(relay, hook, {"name": f"A{i}"}) for i in range(5)]
    assert _found(relay, "email") == []  # a field name is not a value
    assert _found(relay, "name") == []
    assert _found(relay, "A3") == [named[3]]
    # A word never matches inside a job id (whose random part is letters and digits):
    # only ids that start with what was typed are found by id.
    for job_id in named:
        assert _found(relay, job_id[16:20]) == []


def test_what_percent_and_underscore_mean_is_what_they_say(relay):
    hook = relay.hook("practice-areas.create")
    under = _accept(relay, hook, {"name": "tax_law"})
    _accept(relay, hook, {"name": "taxolaw"})
    percent = _accept(relay, hook, {"name": "100%"})
    assert _found(relay, "x_l") == [under]  # not "any one character"
    assert _found(relay, "%") == [percent]  # not "anything"


# The hook's first mapping misspells the field "kind"; the fixed one reads it.
WRONG = {"type": "knd", "firstName": "first", "email": "mail"}
FIXED = {"type": "kind", "firstName": "first", "email": "mail"}


def test_every_way_a_job_is_created_fills_its_search_line(relay):
    hook = relay.hook("leads.create", mapping=WRONG)
    refused = relay.client.post(
        hook["path"], json={"kind": "PERSON", "first": "Ola", "mail": "ola@b.example"}
    )
    assert refused.status_code == 422
    rejected = refused.get_json()["job_id"]
    again = relay.client.post(f"/api/v1/jobs/{rejected}/replay", headers=relay.headers)
    assert again.status_code == 422  # still refused: a new rejected job, linked to the first
    rejected_again = again.get_json()["job_id"]
    fixed = relay.client.patch(
        f"/api/v1/hooks/{hook['id']}", json={"mapping": FIXED}, headers=relay.headers
    )
    assert fixed.status_code == 200
    replayed = relay.client.post(f"/api/v1/jobs/{rejected_again}/replay", headers=relay.headers)
    assert replayed.status_code == 202, replayed.get_json()
    replayed_id = replayed.get_json()["data"]["id"]
    accepted = _accept(relay, hook, {"kind": "PERSON", "first": "Ines", "mail": "ines@a.example"})

    assert "ines@a.example" in (_search_line(accepted) or "").split()
    for job_id in (rejected, rejected_again, replayed_id):  # what arrived, refused or replayed
        assert "ola@b.example" in (_search_line(job_id) or "").split(), job_id
    assert "validation_failed" in (_search_line(rejected) or "").split()
    assert _found(relay, "ola@b.example") == [replayed_id, rejected_again, rejected]
    assert _found(relay, "ines") == [accepted]


def test_the_cli_searches_the_same_way(relay, runner):
    hook = relay.hook("leads.create")
    alice = _accept(relay, hook, ALICE)
    _accept(relay, hook, BOB)
    result = runner.invoke(cli, ["jobs", "list", "--q", "VANTONGEREN"])
    assert result.exit_code == 0, result.output
    assert alice in result.output and "okafor" not in result.output.lower()
