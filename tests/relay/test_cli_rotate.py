"""Rotation replaces exactly what is named, never switches sender verification, and says
when it happened (``updated_at``); from the CLI and the admin API alike."""

from __future__ import annotations

import json

from app.cli import cli


def _rotate(runner, hook_id, *options):
    return runner.invoke(cli, ["hooks", "rotate", hook_id, *options, "--yes", "--json"])


def _rotated(runner, hook_id, *options):
    result = _rotate(runner, hook_id, *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rotate_without_saying_what_changes_nothing(relay, runner):
    hook = relay.hook("practice-areas.create")
    result = runner.invoke(cli, ["hooks", "rotate", hook["id"], "--yes"])
    assert result.exit_code == 2
    assert "--url, --callback-secret and/or --sender-secret" in result.output
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 202


def test_the_url_alone_keeps_the_callback_secret(relay, runner):
    hook = relay.hook("practice-areas.create")
    rotated = _rotated(runner, hook["id"], "--url")
    assert rotated["url"] != hook["url"]
    assert "callback_secret" not in rotated and "sender_secret" not in rotated
    assert rotated["verify_sender"] is False
    assert rotated["updated_at"] > hook["updated_at"]
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 404
    new_path = "/hooks/" + rotated["url"].rsplit("/hooks/", 1)[1]
    assert relay.client.post(new_path, json={"name": "x"}).status_code == 202


def test_the_callback_secret_alone_keeps_the_url(relay, runner):
    hook = relay.hook("practice-areas.create")
    rotated = _rotated(runner, hook["id"], "--callback-secret")
    assert rotated["url"] == hook["url"]
    assert rotated["callback_secret"].startswith("whsec_")
    assert rotated["callback_secret"] != hook["callback_secret"]


def test_a_sender_secret_is_not_made_for_a_hook_that_does_not_verify(relay, runner):
    hook = relay.hook("practice-areas.create")
    result = _rotate(runner, hook["id"], "--sender-secret")
    assert result.exit_code == 1
    assert "does not verify senders" in result.output and "verify_sender" in result.output
    shown = json.loads(runner.invoke(cli, ["hooks", "show", hook["id"], "--json"]).stdout)
    assert shown["verify_sender"] is False
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 202  # no signature


def test_a_verifying_hook_gets_a_new_sender_secret(relay, runner):
    hook = relay.hook("practice-areas.create", verify_sender=True)
    rotated = _rotated(runner, hook["id"], "--sender-secret")
    assert rotated["sender_secret"].startswith("whsec_")
    assert rotated["sender_secret"] != hook["sender_secret"]
    assert rotated["verify_sender"] == "standard-webhooks"  # True is the default scheme's name
    assert rotated["url"] == hook["url"] and "callback_secret" not in rotated


def test_the_api_wants_to_be_told_what_to_rotate(relay):
    hook = relay.hook("practice-areas.create")
    url = f"/api/v1/hooks/{hook['id']}/rotate"
    response = relay.client.post(url, json={}, headers=relay.headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["path"] == "/rotate"
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 202


def test_the_api_refuses_a_sender_secret_for_a_hook_that_does_not_verify(relay):
    hook = relay.hook("practice-areas.create")
    url = f"/api/v1/hooks/{hook['id']}/rotate"
    body = {"rotate": ["url", "sender_secret"]}
    response = relay.client.post(url, json=body, headers=relay.headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "sender_verification_off"
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 202  # URL kept
