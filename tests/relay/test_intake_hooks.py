"""A hook's intake settings through the admin API: sender schemes with write-only secrets,
mappings with constants and value maps, the answer policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

PROVIDERS = Path(__file__).resolve().parents[1] / "fixtures" / "providers"
FORM = "application/x-www-form-urlencoded"


def create(relay: Any, **body: Any) -> Any:
    body = {"name": "Intake", "action": "leads.create", "connection_id": relay.connection(), **body}
    return relay.client.post("/api/v1/hooks", json=body, headers=relay.headers)


def patch(relay: Any, hook_id: str, **body: Any) -> Any:
    return relay.client.patch(f"/api/v1/hooks/{hook_id}", json=body, headers=relay.headers)


def problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}


# -- sender verification ------------------------------------------------------------------


def test_true_still_means_standard_webhooks_with_a_minted_secret(relay):
    hook = relay.hook("leads.create", verify_sender=True)
    assert hook["verify_sender"] == "standard-webhooks"
    assert hook["sender_secret"].startswith("whsec_")


@pytest.mark.parametrize("scheme", ["typeform", "tally"])
def test_a_providers_secret_is_taken_and_never_shown(relay, scheme):
    hook = relay.hook("leads.create", verify_sender=scheme, sender_secret="chosen in the app")
    assert hook["verify_sender"] == scheme and "sender_secret" not in hook
    shown = relay.client.get(f"/api/v1/hooks/{hook['id']}", headers=relay.headers).get_json()
    listed = relay.client.get("/api/v1/hooks", headers=relay.headers).get_json()
    assert "chosen in the app" not in json.dumps([shown, listed])


def test_a_scheme_without_a_secret_gets_one_minted_and_shown_once(relay):
    hook = relay.hook("leads.create", verify_sender="tally")
    assert len(hook["sender_secret"]) >= 32 and not hook["sender_secret"].startswith("whsec_")
    shown = relay.client.get(f"/api/v1/hooks/{hook['id']}", headers=relay.headers).get_json()
    assert hook["sender_secret"] not in json.dumps(shown)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"verify_sender": "hmac"}, "/sender_signature"),
        (
            {"verify_sender": "typeform", "sender_signature": {"header": "X-Sig"}},
            "/sender_signature",
        ),
        ({"verify_sender": "hmac", "sender_signature": {"header": "X Sig"}}, "/sender_signature"),
        (
            {"verify_sender": "hmac", "sender_signature": {"header": "X", "algorithm": "md5"}},
            "/sender_signature",
        ),
        ({"verify_sender": "svix"}, "/verify_sender"),
        ({"sender_secret": "abc"}, "/sender_secret"),
        ({"verify_sender": "standard-webhooks", "sender_secret": "not a whsec"}, "/sender_secret"),
        ({"verify_sender": "tally", "sender_secret": "trailing space "}, "/sender_secret"),
        ({"reject_status": 500}, "/reject_status"),
    ],
)
def test_sender_settings_that_cannot_work_are_refused_when_saved(relay, body, path):
    found = problems(create(relay, **body))
    assert [p for p in found if p.startswith(path)], found
    assert body.get("sender_secret", "\0") not in json.dumps(found)  # never echoed


def test_changing_the_scheme_mints_a_new_secret_and_false_drops_it(relay):
    hook = relay.hook("leads.create", verify_sender="typeform", sender_secret="typeform-secret")
    same = patch(relay, hook["id"], verify_sender="typeform").get_json()["data"]
    assert "sender_secret" not in same  # nothing changed, nothing minted
    moved = patch(relay, hook["id"], verify_sender="standard-webhooks").get_json()["data"]
    assert moved["sender_secret"].startswith("whsec_")
    off = patch(relay, hook["id"], verify_sender=False).get_json()["data"]
    assert off["verify_sender"] is False
    from app.db import get_db
    from app.models import Hook

    with get_db().session() as s:
        stored = s.get(Hook, hook["id"])
        assert stored is not None and stored.sender_secret_encrypted is None


def test_a_new_secret_pasted_alone_replaces_the_old_one(relay):
    hook = relay.hook("leads.create", verify_sender="tally", sender_secret="first")
    body = b'{"eventType":"FORM_RESPONSE"}'
    import base64
    import hashlib
    import hmac

    def sign(secret: str) -> str:
        return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()

    assert patch(relay, hook["id"], sender_secret="second").status_code == 200
    old = relay.client.post(
        hook["path"],
        data=body,
        content_type="application/json",
        headers={"Tally-Signature": sign("first")},
    )
    new = relay.client.post(
        hook["path"],
        data=body,
        content_type="application/json",
        headers={"Tally-Signature": sign("second")},
    )
    assert old.status_code == 401 and new.status_code == 422  # signed right, not a lead


def test_rotating_a_sender_secret_needs_a_scheme_and_keeps_it(relay):
    unsigned = relay.hook("leads.create")
    refused = relay.client.post(
        f"/api/v1/hooks/{unsigned['id']}/rotate",
        json={"rotate": ["sender_secret"]},
        headers=relay.headers,
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "sender_verification_off"
    tally = relay.hook("leads.create", verify_sender="tally", sender_secret="old")
    rotated = relay.client.post(
        f"/api/v1/hooks/{tally['id']}/rotate",
        json={"rotate": ["sender_secret"]},
        headers=relay.headers,
    ).get_json()["data"]
    assert rotated["verify_sender"] == "tally" and rotated["sender_secret"] != "old"


def test_the_hmac_spelling_is_shown_with_its_defaults(relay):
    hook = relay.hook(
        "leads.create", verify_sender="hmac", sender_signature={"header": "X-WP-Signature"}
    )
    assert hook["sender_signature"] == {
        "header": "X-WP-Signature",
        "algorithm": "sha256",
        "encoding": "hex",
        "prefix": "",
    }


# -- mappings with values -------------------------------------------------------------------


def test_a_zapier_form_body_with_a_constant_type_and_a_value_map_becomes_a_lead(relay):
    """Zapier's own form example (zapier.com/help/webhooks: first_name=Bryan&last_name=
    Helmig&age=27); the form has no type, so the mapping sets it."""
    hook = relay.hook(
        "leads.create",
        mapping={
            "type": {"value": "PERSON"},
            "firstName": "first_name",
            "lastName": "last_name",
            "value": {"from": "age", "map": {"27": "HIGH", "65": "LOW"}},
        },
    )
    body = (PROVIDERS / "zapier" / "docs_form_example.txt").read_bytes()
    response = relay.client.post(hook["path"], data=body, content_type=FORM)
    assert response.status_code == 202, response.get_json()
    job = relay.settle(response.get_json()["id"])
    assert job["status"] == "succeeded", job
    assert job["input"] == {
        "type": "PERSON",
        "firstName": "Bryan",
        "lastName": "Helmig",
        "value": "HIGH",
    }
    [lead] = relay.esqase.records("leads")
    assert lead["value"] == "HIGH" and lead["contact"]["name"] == "Bryan Helmig"


def test_a_value_the_map_does_not_know_is_a_422_naming_it_and_the_choices(relay):
    hook = relay.hook(
        "leads.create",
        mapping={
            "type": {"value": "PERSON"},
            "lastName": "last_name",
            "value": {"from": "age", "map": {"30": "HIGH", "65": "LOW"}},
        },
    )
    body = (PROVIDERS / "zapier" / "docs_json_example.json").read_bytes()
    response = relay.client.post(hook["path"], data=body, content_type="application/json")
    found = problems(response)
    assert "27" in found["/value"] and "'30', '65'" in found["/value"]
    assert relay.job(response.get_json()["job_id"])["status"] == "rejected"


@pytest.mark.parametrize(
    "mapping",
    [
        {"type": {"values": "PERSON"}},
        {"type": {"from": ""}},
        {"type": {"map": {"a": "b"}}},
        {"type": {"from": "x", "map": "a=b"}},
        {"type": {"value": "PERSON", "from": "x"}},
        {"type": 5},
    ],
)
def test_mapping_sources_of_no_known_shape_are_refused_when_saved(relay, mapping):
    assert any(p.startswith("/mapping") for p in problems(create(relay, mapping=mapping)))


def test_actions_show_how_to_map_with_values(relay):
    shown = relay.client.get("/api/v1/actions/leads.create", headers=relay.headers).get_json()
    guide = shown["data"]["mapping"]
    assert guide["example"]["type"] == {"value": "PERSON"}
    assert set(guide["forms"]) == {"path", "value", "map"}
    assert "practiceAreaName" in guide["names"]


def test_actions_show_on_the_cli_prints_the_mapping_guide(runner):
    from app.cli import cli

    result = runner.invoke(cli, ["actions", "show", "matters.create"])
    assert result.exit_code == 0, result.output
    assert '{"value": "PERSON"}' in result.output
    assert "practiceAreaName, stageName, clientEmails" in result.output
