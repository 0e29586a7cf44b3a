"""The CLI drives the same functions as the admin API: columns for people, --json for
scripts, and a question (or --yes) before anything that cannot be undone."""

from __future__ import annotations

import json
import re

import pytest

from app.cli import cli


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _add_connection(runner, relay, key=None, name="Firm"):
    args = ["connections", "add", "--name", name, "--api-key", key or relay.esqase.key]
    return _json(runner.invoke(cli, [*args, "--base-url", relay.esqase.url, "--json"]))


def test_connections_hooks_and_jobs_from_the_cli(relay, runner):
    conn = _add_connection(runner, relay)
    assert conn["api_key_last4"] == relay.esqase.key[-4:]
    assert relay.esqase.key not in json.dumps(conn)

    checked = _json(runner.invoke(cli, ["connections", "check", conn["id"], "--json"]))
    assert checked["ok"] is True

    hook = _json(
        runner.invoke(
            cli,
            [
                *("hooks", "add", "--name", "Intake", "--action", "practice-areas.create"),
                *("--connection", conn["id"], "--json"),
            ],
        )
    )
    assert hook["callback_secret"].startswith("whsec_")
    path = "/hooks/" + hook["url"].rsplit("/hooks/", 1)[1]
    job_id = relay.client.post(path, json={"name": "Tax"}).get_json()["id"]
    relay.settle(job_id)

    listed = runner.invoke(cli, ["jobs", "list", "--status", "succeeded"])
    assert job_id in listed.output
    shown = _json(runner.invoke(cli, ["jobs", "show", job_id, "--json"]))
    assert shown["attempts"][0]["calls"][0]["status"] == 201


def test_people_get_columns_and_scripts_get_json(relay, runner):
    hook = relay.hook("leads.create")
    human = runner.invoke(cli, ["hooks", "list"])
    assert human.exit_code == 0, human.output
    header, row = human.stdout.splitlines()
    assert re.match(r"ID\s+NAME\s+ACTION\s+ENABLED\s+CONNECTION\s+URL$", header)
    assert row.split()[0] == hook["id"] and hook["url"] in row
    assert row.index("leads.create  yes") == header.index("ACTION")  # aligned under its header
    assert "{" not in human.stdout

    scripted = _json(runner.invoke(cli, ["hooks", "list", "--json"]))
    assert [h["id"] for h in scripted] == [hook["id"]]


def test_an_empty_list_says_what_to_do(runner):
    result = runner.invoke(cli, ["connections", "list"])
    assert result.exit_code == 0
    assert "esqase-relay connections add" in result.stdout


def test_a_relay_error_is_a_sentence_and_exit_status_1(runner):
    result = runner.invoke(cli, ["hooks", "show", "hook_nope"])
    assert result.exit_code == 1
    assert "No hook with id 'hook_nope'" in result.output
    assert "Traceback" not in result.output
    scripted = runner.invoke(cli, ["hooks", "show", "hook_nope", "--json"])
    assert json.loads(scripted.stderr)["error"]["code"] == "not_found"


def test_check_of_a_bad_key_exits_nonzero(relay, runner):
    conn = _add_connection(runner, relay, key="esq_wrong_key_000", name="Bad")
    result = runner.invoke(cli, ["connections", "check", conn["id"], "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == 401


def test_jobs_retry_requeues_a_failed_job(relay, runner):
    hook = relay.hook("contacts.get")
    job_id = relay.client.post(hook["path"], json={"id": "nope"}).get_json()["id"]
    assert relay.settle(job_id)["status"] == "failed"
    result = runner.invoke(cli, ["jobs", "retry", job_id])
    assert result.exit_code == 0, result.output
    assert relay.job(job_id)["status"] == "queued"


def test_jobs_list_pages_with_the_command_it_prints(relay, runner):
    hook = relay.hook("practice-areas.create")
    sent = [
        relay.client.post(hook["path"], json={"name": f"Area {i}"}).get_json()["id"]
        for i in range(5)
    ]
    first = runner.invoke(cli, ["jobs", "list", "--status", "queued", "--limit", "2"])
    assert first.exit_code == 0, first.output
    more = re.search(r"more: (esqase-relay jobs list .*)$", first.stdout, re.M)
    assert more is not None, first.stdout
    argv = more.group(1).split()[1:]
    assert argv[argv.index("--status") + 1] == "queued" and "--cursor" in argv

    seen = [line.split()[0] for line in first.stdout.splitlines()[1:3]]
    while argv:
        page = runner.invoke(cli, argv)
        assert page.exit_code == 0, page.output
        seen += [
            line.split()[0] for line in page.stdout.splitlines()[1:] if line.startswith("job_")
        ]
        found = re.search(r"more: (esqase-relay jobs list .*)$", page.stdout, re.M)
        argv = found.group(1).split()[1:] if found else []
    assert seen == list(reversed(sent))  # newest first, each job once

    scripted = _json(runner.invoke(cli, ["jobs", "list", "--limit", "4", "--json"]))
    assert len(scripted["data"]) == 4 and scripted["next_cursor"] == scripted["data"][-1]["id"]


def test_jobs_show_prints_each_attempt_and_its_calls(relay, runner):
    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()["id"]
    relay.settle(job_id)
    result = runner.invoke(cli, ["jobs", "show", job_id])
    assert result.exit_code == 0, result.output
    assert re.search(r"^status\s+succeeded$", result.stdout, re.M)
    assert re.search(r"attempt 1: succeeded", result.stdout)
    assert re.search(r"POST\s+/v1/practice-areas\s+201", result.stdout)


def test_actions_show_prints_zapier_field_names_and_an_example(runner):
    result = runner.invoke(cli, ["actions", "show", "matters.create-for-client"])
    assert result.exit_code == 0, result.output
    assert "client__firstName" in result.output
    assert "openDate" in result.output and "required" in result.output
    unknown = runner.invoke(cli, ["actions", "show", "matters.creat"])
    assert unknown.exit_code != 0 and "matters.create" in unknown.output
    scripted = _json(runner.invoke(cli, ["actions", "list", "--json"]))
    assert {"name": "leads.create", "scopes": ["leads:write"]}.items() <= next(
        a for a in scripted if a["name"] == "leads.create"
    ).items()


def test_tokens_create_gives_a_working_admin_token(client, runner):
    result = runner.invoke(cli, ["tokens", "create", "--name", "ops"])
    assert result.exit_code == 0, result.output
    token = result.output.split()[0]
    assert (
        client.get("/api/v1/hooks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_tokens_are_listed_without_the_token_and_revoked_at_once(client, runner):
    made = _json(runner.invoke(cli, ["tokens", "create", "--name", "ci", "--json"]))
    auth = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/hooks", headers=auth).status_code == 200

    listed = runner.invoke(cli, ["tokens", "list"])
    assert made["id"] in listed.stdout and "ci" in listed.stdout
    assert made["token"] not in listed.stdout
    assert re.search(rf"^{made['id']}\s+ci\s+\S+\s+\S+Z\s+-$", listed.stdout, re.M)  # last used

    revoked = runner.invoke(cli, ["tokens", "revoke", made["id"], "--yes"])
    assert revoked.exit_code == 0, revoked.output
    assert f"{made['id']} ('ci') revoked" in revoked.stdout
    assert client.get("/api/v1/hooks", headers=auth).status_code == 401

    assert made["id"] not in runner.invoke(cli, ["tokens", "list"]).stdout
    every = _json(runner.invoke(cli, ["tokens", "list", "--all", "--json"]))
    assert [t["revoked_at"] is not None for t in every if t["id"] == made["id"]] == [True]
    again = runner.invoke(cli, ["tokens", "revoke", made["id"], "--yes"])
    assert again.exit_code == 0 and "was already revoked" in again.stdout


def test_hooks_are_updated_disabled_enabled_and_deleted(relay, runner, inbox):
    hook = relay.hook("practice-areas.create")
    updated = _json(
        runner.invoke(
            cli,
            [
                *("hooks", "update", hook["id"], "--name", "Renamed"),
                *("--callback-url", inbox.url, "--callback-events", "job.failed", "--json"),
            ],
        )
    )
    assert (updated["name"], updated["callback_url"]) == ("Renamed", inbox.url)
    assert updated["callback_events"] == ["job.failed"]
    assert updated["updated_at"] > hook["updated_at"]
    assert updated["url"] == hook["url"] and "callback_secret" not in updated

    assert runner.invoke(cli, ["hooks", "disable", hook["id"]]).exit_code == 0
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 404
    assert runner.invoke(cli, ["hooks", "enable", hook["id"]]).exit_code == 0
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 202

    cleared = _json(
        runner.invoke(cli, ["hooks", "update", hook["id"], "--callback-url", "", "--json"])
    )
    assert cleared["callback_url"] is None

    deleted = runner.invoke(cli, ["hooks", "delete", hook["id"], "--yes"])
    assert deleted.exit_code == 0, deleted.output
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 404
    assert hook["id"] not in runner.invoke(cli, ["hooks", "list"]).stdout


def test_hooks_update_with_nothing_to_change_is_a_usage_error(relay, runner):
    hook = relay.hook("practice-areas.create")
    result = runner.invoke(cli, ["hooks", "update", hook["id"]])
    assert result.exit_code == 2 and "nothing to change" in result.output


def test_connections_are_updated_and_deleted_once_no_hook_uses_them(relay, runner):
    conn_id = relay.connection(key="esq_wrong_key_000")
    assert runner.invoke(cli, ["connections", "check", conn_id]).exit_code == 1
    assert (
        relay.client.get(f"/api/v1/connections/{conn_id}", headers=relay.headers).get_json()[
            "data"
        ]["status"]
        == "auth_failed"
    )

    updated = _json(
        runner.invoke(
            cli,
            [
                *("connections", "update", conn_id, "--name", "Fixed", "--rate-limit", "30"),
                *("--api-key", relay.esqase.key, "--json"),
            ],
        )
    )
    assert (updated["name"], updated["rate_limit_per_minute"]) == ("Fixed", 30)
    assert (updated["status"], updated["api_key_last4"]) == ("active", relay.esqase.key[-4:])
    unlimited = _json(
        runner.invoke(cli, ["connections", "update", conn_id, "--no-rate-limit", "--json"])
    )
    assert unlimited["rate_limit_per_minute"] is None

    hook = relay.hook("leads.create", conn_id)
    refused = runner.invoke(cli, ["connections", "delete", conn_id, "--yes"])
    assert refused.exit_code == 1 and "Hooks still use this connection" in refused.output
    runner.invoke(cli, ["hooks", "delete", hook["id"], "--yes"])
    deleted = runner.invoke(cli, ["connections", "delete", conn_id, "--yes"])
    assert deleted.exit_code == 0, deleted.output
    assert conn_id not in runner.invoke(cli, ["connections", "list"]).stdout


def _hooks(runner):
    return _json(runner.invoke(cli, ["hooks", "list", "--json"]))


def _delete_hook(relay, runner):
    hook_id = relay.hook("leads.create")["id"]
    return ["hooks", "delete", hook_id], lambda: [h["id"] for h in _hooks(runner)] == [hook_id]


def _rotate_hook(relay, runner):
    hook = relay.hook("leads.create")
    return ["hooks", "rotate", hook["id"], "--url"], lambda: _hooks(runner)[0]["url"] == hook["url"]


def _delete_connection(relay, runner):
    conn_id = relay.connection()
    listed = ["connections", "list", "--json"]
    return ["connections", "delete", conn_id], lambda: len(_json(runner.invoke(cli, listed))) == 1


def _revoke_token(relay, runner):
    token_id = _json(runner.invoke(cli, ["tokens", "create", "--name", "x", "--json"]))["id"]
    listed = ["tokens", "list", "--json"]
    return ["tokens", "revoke", token_id], lambda: len(_json(runner.invoke(cli, listed))) == 1


def _purge(relay, runner):
    from datetime import timedelta

    from app.db import session
    from app.models import Job, utcnow

    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "old"}).get_json()["id"]
    relay.settle(job_id)
    with session() as s:
        s.get(Job, job_id).finished_at = utcnow() - timedelta(days=3)

    def intact() -> bool:
        with session() as s:
            return s.get(Job, job_id) is not None

    return ["purge", "--days", "1"], intact


# Each destructive command, set up with something to destroy and a way to see it is intact.
DESTRUCTIVE = {
    "hooks delete": _delete_hook,
    "hooks rotate": _rotate_hook,
    "connections delete": _delete_connection,
    "tokens revoke": _revoke_token,
    "purge": _purge,
}


@pytest.mark.parametrize("name", sorted(DESTRUCTIVE))
def test_destructive_commands_refuse_without_yes_when_nobody_can_answer(relay, runner, name):
    args, intact = DESTRUCTIVE[name](relay, runner)
    result = runner.invoke(cli, args, input="y\n")  # piped input is nobody's answer
    assert result.exit_code == 2, result.output
    assert "Refusing without --yes" in result.output
    assert intact()
    assert runner.invoke(cli, [*args, "--yes"]).exit_code == 0
    assert not intact()


def test_purge_keeps_recent_and_unfinished_jobs(relay, runner):
    hook = relay.hook("practice-areas.create")
    relay.client.post(hook["path"], json={"name": "x"})
    result = runner.invoke(cli, ["purge", "--days", "1", "--yes"])  # 0 is refused now
    assert result.exit_code == 0, result.output
    assert "purged 0" in result.output  # the only job is queued, not finished
    dry = runner.invoke(cli, ["purge", "--days", "1", "--dry-run"])  # counts: nothing to ask
    assert dry.exit_code == 0 and "nothing deleted" in dry.output
