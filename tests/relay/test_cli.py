"""The CLI drives the same functions as the admin API."""

from __future__ import annotations

import json

from app.cli import cli


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_connections_hooks_and_jobs_from_the_cli(relay, runner):
    conn = _json(
        runner.invoke(
            cli,
            [
                "connections",
                "add",
                "--name",
                "Firm",
                "--api-key",
                relay.esqase.key,
                "--base-url",
                relay.esqase.url,
            ],
        )
    )
    assert conn["api_key_last4"] == relay.esqase.key[-4:]
    assert relay.esqase.key not in json.dumps(conn)

    checked = _json(runner.invoke(cli, ["connections", "check", conn["id"]]))
    assert checked["ok"] is True

    hook = _json(
        runner.invoke(
            cli,
            [
                "hooks",
                "add",
                "--name",
                "Intake",
                "--action",
                "practice-areas.create",
                "--connection",
                conn["id"],
            ],
        )
    )
    assert hook["callback_secret"].startswith("whsec_")
    path = "/hooks/" + hook["url"].rsplit("/hooks/", 1)[1]
    job_id = relay.client.post(path, json={"name": "Tax"}).get_json()["id"]
    relay.settle(job_id)

    listed = runner.invoke(cli, ["jobs", "list", "--status", "succeeded"])
    assert job_id in listed.output
    shown = _json(runner.invoke(cli, ["jobs", "show", job_id]))
    assert shown["attempts"][0]["calls"][0]["status"] == 201

    rotated = _json(runner.invoke(cli, ["hooks", "rotate", hook["id"], "--what", "url"]))
    assert rotated["url"] != hook["url"]


def test_check_of_a_bad_key_exits_nonzero(relay, runner):
    conn = _json(
        runner.invoke(
            cli,
            [
                "connections",
                "add",
                "--name",
                "Bad",
                "--api-key",
                "esq_wrong_key_000",
                "--base-url",
                relay.esqase.url,
            ],
        )
    )
    result = runner.invoke(cli, ["connections", "check", conn["id"]])
    assert result.exit_code == 1
    assert json.loads(result.output)["status"] == 401


def test_jobs_retry_requeues_a_failed_job(relay, runner):
    hook = relay.hook("contacts.get")
    job_id = relay.client.post(hook["path"], json={"id": "nope"}).get_json()["id"]
    assert relay.settle(job_id)["status"] == "failed"
    result = runner.invoke(cli, ["jobs", "retry", job_id])
    assert result.exit_code == 0, result.output
    assert relay.job(job_id)["status"] == "queued"


def test_actions_show_prints_zapier_field_names_and_an_example(runner):
    result = runner.invoke(cli, ["actions", "show", "matters.create-for-client"])
    assert result.exit_code == 0, result.output
    assert "client__firstName" in result.output
    assert "openDate" in result.output and "required" in result.output
    unknown = runner.invoke(cli, ["actions", "show", "matters.creat"])
    assert unknown.exit_code != 0 and "matters.create" in unknown.output


def test_tokens_create_gives_a_working_admin_token(client, runner):
    result = runner.invoke(cli, ["tokens", "create", "--name", "ops"])
    assert result.exit_code == 0, result.output
    token = result.output.split()[0]
    assert (
        client.get("/api/v1/hooks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_purge_keeps_recent_and_unfinished_jobs(relay, runner):
    hook = relay.hook("practice-areas.create")
    relay.client.post(hook["path"], json={"name": "x"})
    result = runner.invoke(cli, ["purge", "--days", "1"])  # 0 is refused now
    assert result.exit_code == 0
    assert "purged 0" in result.output  # the only job is queued, not finished
