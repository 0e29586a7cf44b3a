"""``connections check`` asks Esqase for what the connection's hooks need, writes nothing,
and the connection's status follows what it found."""

from __future__ import annotations

import json

import pytest

from app.cli import cli
from app.services.keycheck import COMPOSITE_CREATES, RECONCILE_READS, creates


def _check(runner, conn_id):
    result = runner.invoke(cli, ["connections", "check", conn_id, "--json"])
    return result.exit_code, json.loads(result.stdout)


def _status(relay, conn_id):
    url = f"/api/v1/connections/{conn_id}"
    return relay.client.get(url, headers=relay.headers).get_json()["data"]["status"]


def _needs(report):
    return {n["scope"]: (n["required"], n["result"]) for n in report["needs"]}


def test_a_write_scope_is_tested_without_writing(relay, runner):
    conn_id = relay.connection(key=relay.esqase.new_key("leads:write"))
    hook = relay.hook("leads.create", conn_id)
    code, report = _check(runner, conn_id)
    assert code == 0 and report["ok"] is True
    assert _needs(report)["leads:write"] == (True, "ok")
    assert relay.esqase.records("leads") == [] and relay.esqase.records("contacts") == []
    probes = [r for r in relay.esqase.requests() if r["method"] == "POST"]
    assert [(r["path"], r["status"]) for r in probes] == [("/v1/leads", 422)]
    assert _needs(report)["leads:read"] == (False, "denied")  # recommended, for reconciling
    assert hook["id"] in report["needs"][0]["hooks"]
    assert "needs_review" in report["message"]


def test_a_missing_write_scope_fails_the_check_and_marks_the_connection(relay, runner):
    conn_id = relay.connection(key=relay.esqase.new_key("leads:read", "contacts:read"))
    hook = relay.hook("leads.create", conn_id)
    code, report = _check(runner, conn_id)
    assert code == 1 and report["ok"] is False
    assert _needs(report)["leads:write"] == (True, "denied")
    assert "leads:write" in report["message"] and hook["id"] in report["message"]
    assert _status(relay, conn_id) == "auth_failed"

    runner.invoke(cli, ["connections", "update", conn_id, "--api-key", relay.esqase.key])
    code, report = _check(runner, conn_id)
    assert code == 0 and report["ok"] is True
    assert "every scope its 1 hook(s) need" in report["message"]
    assert _status(relay, conn_id) == "active"


def test_a_read_scope_that_wants_parameters_still_counts(relay, runner):
    """matter-types lists need a practiceAreaId: the 422 comes after the scope check."""
    conn_id = relay.connection(key=relay.esqase.new_key("matter-types:read"))
    relay.hook("matter-types.list", conn_id)
    code, report = _check(runner, conn_id)
    assert code == 0, report
    assert _needs(report) == {"matter-types:read": (True, "ok")}


def test_each_hook_adds_what_its_action_needs(relay, runner):
    conn_id = relay.connection(key=relay.esqase.new_key("contacts:write", "matters:write"))
    relay.hook("contacts.update", conn_id)
    relay.hook("matters.create-for-client", conn_id)
    code, report = _check(runner, conn_id)
    needs = _needs(report)
    assert {s for s, (required, _) in needs.items() if required} == {
        "contacts:write",
        "matters:write",
        "practice-areas:read",
    }
    assert needs["practice-areas:read"] == (True, "denied")
    assert code == 1


def test_with_no_hooks_every_scope_is_tried(relay, runner):
    conn_id = relay.connection(key=relay.esqase.new_key("contacts:read"))
    code, report = _check(runner, conn_id)
    assert code == 0 and report["needs"] == []
    assert report["scopes"]["contacts:read"] == "ok"
    assert {s for s, r in report["scopes"].items() if r == "denied"} == {
        f"{resource}:{verb}"
        for resource in ("contacts", "matters", "leads", "practice-areas", "matter-types")
        for verb in ("read", "write")
    } - {"contacts:read"}
    assert "may: contacts:read" in report["message"]


def test_a_refused_key_stops_at_the_first_answer(relay, runner):
    conn_id = relay.connection(key="esq_wrong_key_000")
    relay.hook("leads.create", conn_id)
    code, report = _check(runner, conn_id)
    assert (code, report["status"]) == (1, 401)
    assert len(relay.esqase.requests()) == 1
    assert _status(relay, conn_id) == "auth_failed"


def test_people_see_a_table_of_what_each_scope_is_for(relay, runner):
    conn_id = relay.connection(key=relay.esqase.new_key("leads:write"))
    relay.hook("leads.create", conn_id)
    result = runner.invoke(cli, ["connections", "check", conn_id])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("The key has every scope")
    assert lines[1].split() == ["SCOPE", "NEED", "RESULT", "HOOKS"]
    assert lines[2].split()[:3] == ["leads:write", "required", "ok"]


@pytest.mark.parametrize("name", [n for n in COMPOSITE_CREATES] + ["leads.create"])
def test_every_create_has_its_reads_named(name):
    for resource in creates(name):
        assert RECONCILE_READS[resource]


def test_every_action_that_is_not_idempotent_creates_something():
    """A new composite action must say what it creates, or a check cannot name its reads."""
    from actions import registry

    for name, action in registry().items():
        assert action.idempotent or creates(name), name
