"""What did the form send? A hook's samples as mapping paths, and a mapping made from them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.cli import cli
from app.payload import lookup

PROVIDERS = Path(__file__).resolve().parents[1] / "fixtures" / "providers"
JOTFORM = "jotform/submission_zulip_response.multipart.crlf"
JOTFORM_TYPE = "multipart/form-data; boundary=------------------------J1JNT4vbVO4FCC1qLG4HSv"


def samples(relay: Any, hook: dict[str, Any]) -> list[dict[str, Any]]:
    response = relay.client.get(f"/api/v1/hooks/{hook['id']}/samples", headers=relay.headers)
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["data"]["samples"])


def paths(sample: dict[str, Any]) -> dict[str, Any]:
    return {p["path"]: p["value"] for p in sample["paths"]}


def test_a_jotform_sample_shows_the_paths_its_mapping_can_use(relay):
    hook = relay.hook("leads.create", preset="jotform")
    body = (PROVIDERS / JOTFORM).read_bytes()
    relay.client.post(hook["path"], data=body, content_type=JOTFORM_TYPE)
    [sample] = samples(relay, hook)
    assert sample["status"] == "rejected"  # no mapping yet: that is why one looks
    found = paths(sample)
    assert found["studentsName.first"] == "Niloth"
    assert found["typeOf"] == "Online Tutoring"
    assert found["identityProof"][1].endswith("/Driving.license.png")
    assert found["submissionID"] == "6084250982513018472"


def test_every_sample_path_reads_back_its_value_through_a_mapping(relay):
    """The paths are spelled the way a mapping source reads them: dotted, or a JSON
    pointer for a Typeform title that ends in a full stop."""
    from app.payload import PRESETS

    hook = relay.hook("leads.create", preset="typeform")
    body = (PROVIDERS / "typeform" / "form_response_docs_2023.min.json").read_bytes()
    relay.client.post(hook["path"], data=body, content_type="application/json")
    [sample] = samples(relay, hook)
    flattened = PRESETS["typeform"](json.loads(body))
    for entry in sample["paths"]:
        assert lookup(flattened, entry["path"]) is not None, entry
    titles = [p for p in sample["paths"] if p.get("label")]
    assert {"path": "What is your first name?", "value": "Laura", "label": True} in titles
    assert any(p["path"].startswith("/If you're OK") for p in titles)


def test_samples_never_show_secrets(relay):
    hook = relay.hook("leads.create", verify_sender="hmac", sender_signature={"header": "X-S"})
    secret = hook["sender_secret"]
    relay.client.post(
        hook["path"],
        json={
            "webhookURL": hook["url"],
            "password": "hunter2",
            "nested": {"api_key": "esq_live_123", "note": f"signed with {secret}"},
            "callback": hook["callback_secret"],
        },
    )
    [sample] = samples(relay, hook)
    shown = json.dumps(sample)
    for secret_text in ("hunter2", "esq_live_123", secret, hook["callback_secret"]):
        assert secret_text not in shown
    assert hook["url"].rsplit("/", 1)[1] not in shown
    assert paths(sample)["password"] == "[redacted]"
    assert paths(sample)["webhookURL"].endswith("/hooks/[redacted]")


def test_samples_are_the_newest_few_with_ignored_and_rejected_ones(relay):
    hook = relay.hook("leads.create", preset="typeform", mapping={"type": {"value": "PERSON"}})
    partial = (PROVIDERS / "typeform" / "form_response_partial_derived.min.json").read_bytes()
    relay.client.post(hook["path"], data=partial, content_type="application/json")
    for i in range(6):
        relay.client.post(hook["path"], json={"not": "typeform", "i": i})
    shown = samples(relay, hook)
    assert len(shown) == 5
    assert [paths(s)["i"] for s in shown] == [5, 4, 3, 2, 1]
    assert all("could not read" in s["note"] for s in shown)
    response = relay.client.get(
        f"/api/v1/hooks/{hook['id']}/samples", headers=relay.headers
    ).get_json()
    assert response["data"]["preset"] == "typeform"


def test_an_ignored_delivery_is_a_sample_too(relay):
    hook = relay.hook("leads.create", preset="typeform")
    partial = (PROVIDERS / "typeform" / "form_response_partial_derived.min.json").read_bytes()
    relay.client.post(hook["path"], data=partial, content_type="application/json")
    [sample] = samples(relay, hook)
    assert sample["status"] == "ignored" and "form_response_partial" in sample["note"]
    assert paths(sample)["event_type"] == "form_response_partial"


def test_a_sample_of_a_body_that_could_not_be_read_says_so(relay):
    hook = relay.hook("leads.create")
    relay.client.post(hook["path"], data=b'{"type": ', content_type="application/json")
    [sample] = samples(relay, hook)
    assert sample["paths"] == [] and "not valid JSON" in sample["note"]


def test_long_values_and_many_paths_are_cut_and_say_so(relay):
    hook = relay.hook("leads.create")
    relay.client.post(hook["path"], json={"a_long": "x" * 500} | {f"f{i}": i for i in range(249)})
    [sample] = samples(relay, hook)
    assert len(sample["paths"]) == 200 and sample["paths_left_off"] == 50
    assert sample["paths"][0]["value"] == "x" * 200 + "… (500 chars)"


def test_a_rejected_body_too_large_to_keep_whole_is_not_guessed_at(relay):
    hook = relay.hook("leads.create")
    relay.client.post(hook["path"], json={f"f{i}": "x" * 500 for i in range(100)})
    [sample] = samples(relay, hook)
    assert sample["paths"] == [] and "kept as text" in sample["note"]


def test_unknown_hooks_have_no_samples(relay):
    response = relay.client.get("/api/v1/hooks/hook_nope/samples", headers=relay.headers)
    assert response.status_code == 404


# -- the CLI -------------------------------------------------------------------------------

TALLY_LIKE = {
    "eventId": "e-1",
    "eventType": "FORM_RESPONSE",
    "data": {
        "responseId": "r-1",
        "fields": [
            {"key": "question_a1", "label": "First name", "type": "INPUT_TEXT", "value": "Jane"},
            {"key": "question_b2", "label": "Surname", "type": "INPUT_TEXT", "value": "Doe"},
            {
                "key": "question_c3",
                "label": "Email address",
                "type": "INPUT_EMAIL",
                "value": "jane@example.com",
            },
            {"key": "question_d4", "label": "Phone", "type": "INPUT_PHONE_NUMBER", "value": "+1"},
            {
                "key": "question_e5",
                "label": "Budget",
                "type": "DROPDOWN",
                "value": ["o1"],
                "options": [{"id": "o1", "text": "Over $50k"}],
            },
        ],
    },
}


def test_hooks_samples_prints_each_path_and_value(relay, runner):
    hook = relay.hook("leads.create", preset="tally")
    relay.client.post(hook["path"], json=TALLY_LIKE)
    result = runner.invoke(cli, ["hooks", "samples", hook["id"]])
    assert result.exit_code == 0, result.output
    assert 'First name = "Jane"  (label)' in result.output
    assert 'question_a1 = "Jane"' in result.output
    as_json = runner.invoke(cli, ["hooks", "samples", hook["id"], "--json"])
    assert json.loads(as_json.output)["samples"][0]["status"] == "rejected"


def test_suggest_mapping_matches_labels_to_the_actions_fields(relay, runner):
    hook = relay.hook("leads.create", preset="tally")
    relay.client.post(hook["path"], json=TALLY_LIKE)
    result = runner.invoke(cli, ["hooks", "suggest-mapping", hook["id"]])
    assert result.exit_code == 0, result.output
    proposal = json.loads(result.output)
    assert proposal["mapping"] == {
        "firstName": "First name",
        "lastName": "Surname",
        "email": "Email address",
        "phone": "Phone",
        "value": "Budget",
        "type": {"value": "PERSON"},
    }
    notes = " ".join(proposal["notes"])
    assert "'Over $50k'" in notes and '"map"' in notes  # value needs a value map
    assert "type" in notes  # the constant is said, not slipped in
    # What it proposes, applied, makes a valid lead once the value map is added.
    mapping = proposal["mapping"] | {"value": {"from": "Budget", "map": {"Over $50k": "HIGH"}}}
    patched = relay.client.patch(
        f"/api/v1/hooks/{hook['id']}", json={"mapping": mapping}, headers=relay.headers
    )
    assert patched.status_code == 200
    job = relay.client.post(hook["path"], json=TALLY_LIKE | {"eventId": "e-2"}).get_json()
    assert relay.settle(job["id"])["status"] == "succeeded"


def test_suggest_mapping_before_anything_arrived_says_so(relay, runner):
    hook = relay.hook("leads.create")
    result = runner.invoke(cli, ["hooks", "suggest-mapping", hook["id"]])
    assert result.exit_code == 0, result.output
    assert "received nothing yet" in json.loads(result.output)["notes"][0]
