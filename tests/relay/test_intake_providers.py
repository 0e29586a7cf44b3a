"""Form providers' payloads as the providers send them, signed their way, into leads.

Every body here is a fixture of tests/fixtures/providers/ (where each byte came from:
SOURCES.md there; what each provider does: docs/providers-research.md):

- Typeform: the documented example payload (typeform.com/developers/webhooks/example-payload,
  2023 revision, vendored by trigger.dev), whose answers carry field ids only; Pipedream's
  sample event, whose answers carry refs; the partial event derived from the example.
- Tally: the "Example webhook event" of tally.so/help/webhooks.
- Jotform: Zulip's captured multipart webhooks, with the urlencoded body derived from one.
- Gravity Forms: the entry JSON of docs.gravityforms.com/entry-object, and Pipedream's
  entry as the Webhooks add-on sends it (JSON and form-encoded, derived by derive.py).

Signatures use the published vectors of vectors.json where the body is the vector's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest

PROVIDERS = Path(__file__).resolve().parents[1] / "fixtures" / "providers"
VECTORS = {v["name"]: v for v in json.loads((PROVIDERS / "vectors.json").read_text())["vectors"]}
JSON = "application/json"


def fixture(name: str) -> bytes:
    return (PROVIDERS / name).read_bytes()


def b64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def lead_of(relay: Any, job: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The lead a succeeded job made, and the contact Esqase made with it."""
    assert job["status"] == "succeeded", job
    [lead] = [r for r in relay.esqase.records("leads") if r["id"] == job["result"]["id"]]
    [contact] = [c for c in relay.esqase.records("contacts") if c["id"] == lead["contact"]["id"]]
    return lead, contact


def nothing_sent(relay: Any) -> bool:
    return not any(r["method"] == "POST" for r in relay.esqase.requests())


# -- Typeform -------------------------------------------------------------------------------

TYPEFORM_DOCS = "typeform/form_response_docs_2023.min.json"
TYPEFORM_MAPPING = {
    "type": {"value": "PERSON"},
    # By ref: the documented answers carry only field.id; the ref comes from definition.fields.
    "firstName": "readable_ref_short_text",
    # By title, spelled as a JSON pointer: the title ends in a full stop.
    "email": "/If you're OK with our city management following up if they have further "
    "questions, please give us your email address.",
    "value": {
        "from": "Which of these cities is your favorite?",
        "map": {"London": "HIGH", "Sydney": "LOW"},
    },
}


def typeform_hook(relay: Any, secret: str = "123456") -> dict[str, Any]:
    return relay.hook(
        "leads.create",
        preset="typeform",
        verify_sender="typeform",
        sender_secret=secret,
        mapping=TYPEFORM_MAPPING,
    )


def test_typeforms_documented_payload_signed_by_typeform_becomes_a_lead(relay):
    vector = VECTORS["typeform-docs-example-trigger-dev"]
    hook = typeform_hook(relay, vector["secret"])
    assert "sender_secret" not in hook  # chosen in Typeform, pasted here: never shown back
    body = fixture(vector["body_file"])
    response = relay.client.post(
        hook["path"],
        data=body,
        content_type=JSON,
        headers={"Typeform-Signature": vector["expected_signature"]},
    )
    assert response.status_code == 202, response.get_json()
    lead, contact = lead_of(relay, relay.settle(response.get_json()["id"]))
    assert (contact["firstName"], contact["emails"], lead["value"]) == (
        "Laura",
        ["laura@example.com"],
        "HIGH",
    )


def test_a_typeform_redelivery_is_one_job(relay):
    """Typeform retries a delivery it got no 2xx for; form_response.token names the
    response, and a preset hook dedupes on it without being told to."""
    vector = VECTORS["typeform-docs-example-trigger-dev"]
    hook = typeform_hook(relay, vector["secret"])
    headers = {"Typeform-Signature": vector["expected_signature"]}
    body = fixture(vector["body_file"])
    first = relay.client.post(hook["path"], data=body, content_type=JSON, headers=headers)
    again = relay.client.post(hook["path"], data=body, content_type=JSON, headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Typeform-Signature": "sha256=WsvwNrh0fT5VWF+05H3azXZXJyFkhHTtONMxIVm6PZ4="},
        {"Typeform-Signature": VECTORS["typeform-docs-example-trigger-dev"]["expected_signature"]}
        | {"X-Other": "1"},
    ],
    ids=["missing", "wrong", "other-secret"],
)
def test_a_typeform_delivery_not_signed_with_the_hooks_secret_is_401_and_kept(relay, headers):
    secret = "123456" if len(headers) < 2 else "654321"
    hook = typeform_hook(relay, secret)
    response = relay.client.post(
        hook["path"], data=fixture(TYPEFORM_DOCS), content_type=JSON, headers=headers
    )
    assert response.status_code == 401, response.get_json()
    body = response.get_json()
    assert body["error"]["code"] == "bad_signature"
    assert "Typeform" in body["error"]["message"]
    assert relay.job(body["job_id"])["status"] == "rejected"
    assert nothing_sent(relay)


def test_a_typeform_partial_response_is_answered_200_and_ignored(relay):
    """form_response_partial: someone is still filling the form in (derived fixture: the
    documented payload with only event_type changed; Typeform documents no partial body)."""
    hook = typeform_hook(relay)
    body = fixture("typeform/form_response_partial_derived.min.json")
    response = relay.client.post(
        hook["path"],
        data=body,
        content_type=JSON,
        headers={"Typeform-Signature": "sha256=" + b64_hmac("123456", body)},
    )
    assert response.status_code == 200, response.get_json()
    job = relay.job(response.get_json()["id"])
    assert job["status"] == "ignored"
    assert "form_response_partial" in json.dumps(job["result"])
    relay.work()
    assert nothing_sent(relay)


def test_typeform_answers_that_carry_their_ref_are_read_by_it(relay):
    """Pipedream's sample event: a UUID-style default ref on each answer."""
    hook = relay.hook(
        "leads.create",
        preset="typeform",
        mapping={
            "type": {"value": "PERSON"},
            "lastName": "45678961-d3e4-4603-b12g-h789e456mno9",
            "nickname": "What's your full name?",
        },
    )
    body = fixture("typeform/form_response_pipedream_with_refs.json")
    response = relay.client.post(hook["path"], data=body, content_type=JSON)
    assert response.status_code == 202, response.get_json()
    _, contact = lead_of(relay, relay.settle(response.get_json()["id"]))
    assert contact["lastName"] == contact["nickname"] == "NAME NAME"


# -- Tally ----------------------------------------------------------------------------------

TALLY_MAPPING = {
    "type": {"value": "PERSON"},
    "firstName": "Text",
    "lastName": "Payment (name)",
    "email": "Email",
    "phone": "Phone number",
    "value": {"from": "Dropdown", "map": {"Hard": "HIGH", "Easy": "LOW"}},
}


def tally_hook(relay: Any, secret: str) -> dict[str, Any]:
    return relay.hook(
        "leads.create",
        preset="tally",
        verify_sender="tally",
        sender_secret=secret,
        mapping=TALLY_MAPPING,
    )


def test_tallys_documented_event_signed_by_tally_becomes_a_lead_mapped_by_label(relay):
    vector = VECTORS["tally-docs-example-computed"]
    hook = tally_hook(relay, vector["secret"])
    response = relay.client.post(
        hook["path"],
        data=fixture(vector["body_file"]),
        content_type=JSON,
        headers={"Tally-Signature": vector["expected_signature"]},
    )
    assert response.status_code == 202, response.get_json()
    lead, contact = lead_of(relay, relay.settle(response.get_json()["id"]))
    assert contact["firstName"] == "Hello" and contact["lastName"] == "Alice Smith"
    assert contact["emails"] == ["alice@example.com"]
    assert contact["phones"] == ["+32491223344"]
    assert lead["value"] == "HIGH"


def test_a_tally_event_with_a_wrong_signature_is_401_and_kept(relay):
    vector = VECTORS["tally-docs-example-computed"]
    hook = tally_hook(relay, vector["secret"])
    body = fixture(vector["body_file"])
    wrong = b64_hmac("another secret", body)
    response = relay.client.post(
        hook["path"], data=body, content_type=JSON, headers={"Tally-Signature": wrong}
    )
    assert response.status_code == 401
    assert relay.job(response.get_json()["job_id"])["status"] == "rejected"
    assert nothing_sent(relay)


def test_a_tally_event_that_is_not_a_form_response_is_ignored(relay):
    """Tally's API lists FORM_RESPONSE as its only event type; anything else is not one."""
    hook = relay.hook("leads.create", preset="tally", mapping=TALLY_MAPPING)
    event = json.loads(fixture("tally/form_response_docs.json"))
    event["eventType"] = "FORM_PARTIAL"
    response = relay.client.post(hook["path"], json=event)
    assert response.status_code == 200
    assert relay.job(response.get_json()["id"])["status"] == "ignored"


# -- Jotform (unsigned: the URL is the secret) ----------------------------------------------

JOTFORM_MAPPING = {
    "type": {"value": "PERSON"},
    "firstName": "studentsName.first",
    "lastName": "studentsName.last",
    "value": {"from": "typeOf", "map": {"Online Tutoring": "MEDIUM"}},
}


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        (
            "jotform/submission_zulip_response.multipart.crlf",
            "multipart/form-data; boundary=------------------------J1JNT4vbVO4FCC1qLG4HSv",
        ),
        (
            "jotform/submission_zulip_response.urlencoded_derived.txt",
            "application/x-www-form-urlencoded",
        ),
    ],
    ids=["multipart", "urlencoded"],
)
def test_a_jotform_submission_becomes_a_lead_once(relay, name, content_type):
    hook = relay.hook("leads.create", preset="jotform", mapping=JOTFORM_MAPPING)
    body = fixture(name)
    first = relay.client.post(hook["path"], data=body, content_type=content_type)
    again = relay.client.post(hook["path"], data=body, content_type=content_type)
    assert first.status_code == 202, first.get_json()
    assert again.get_json()["id"] == first.get_json()["id"]  # submissionID dedupes
    lead, contact = lead_of(relay, relay.settle(first.get_json()["id"]))
    assert (contact["firstName"], contact["lastName"], lead["value"]) == ("Niloth", "P", "MEDIUM")


def test_jotform_uploads_are_kept_as_their_urls(relay):
    """The captured submission's files sit under their unique names as full URLs."""
    from app.ingest.forms import multipart
    from app.payload import PRESETS, unflatten

    fields, _ = multipart(
        fixture("jotform/submission_zulip_response.multipart.crlf"),
        "------------------------J1JNT4vbVO4FCC1qLG4HSv",
    )
    out = PRESETS["jotform"](unflatten(fields))
    assert out["identityProof"] == [
        "https://www.jotform.com/uploads/UserNiloth/243231271343446/6111139644845227683/"
        "Student_ID_%21_%24%26%27%28%29_%2C-.%3B%3D%40%5B%5D%5E_%60%7B%7D~%20.png",
        "https://www.jotform.com/uploads/UserNiloth/243231271343446/6111139644845227684/"
        "Driving.license.png",
    ]
    assert out["reports"] == [
        "https://www.jotform.com/uploads/UserNiloth/243231271343446/6111139644845227685/"
        "Report%20Card.pdf"
    ]
    assert "temp_upload" not in out and "slug" not in out


def test_an_older_jotform_capture_posted_as_form_fields_becomes_a_lead(relay):
    hook = relay.hook(
        "leads.create",
        preset="jotform",
        mapping={"type": {"value": "PERSON"}, "firstName": "name.first", "lastName": "name.last"},
    )
    fields = json.loads(fixture("jotform/submission_zulip_legacy_fields.json"))
    response = relay.client.post(hook["path"], data=fields)
    assert response.status_code == 202, response.get_json()
    _, contact = lead_of(relay, relay.settle(response.get_json()["id"]))
    assert (contact["firstName"], contact["lastName"]) == ("gerd", "sfds")


# -- Gravity Forms (unsigned) ---------------------------------------------------------------

GRAVITY_MAPPING = {
    "type": {"value": "PERSON"},
    "firstName": "1.3",
    "lastName": "1.6",
    "phone": "2",
    "nickname": "3",
}


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("gravityforms/all_fields_json_body_derived.json", JSON),
        ("gravityforms/all_fields_form_body_derived.txt", "application/x-www-form-urlencoded"),
    ],
    ids=["json", "form"],
)
def test_a_gravity_forms_entry_becomes_a_lead_once(relay, name, content_type):
    hook = relay.hook("leads.create", preset="gravityforms", mapping=GRAVITY_MAPPING)
    body = fixture(name)
    first = relay.client.post(hook["path"], data=body, content_type=content_type)
    again = relay.client.post(hook["path"], data=body, content_type=content_type)
    assert first.status_code == 202, first.get_json()
    assert again.get_json()["id"] == first.get_json()["id"]  # the entry id dedupes
    _, contact = lead_of(relay, relay.settle(first.get_json()["id"]))
    assert (contact["firstName"], contact["lastName"]) == ("value03", "value04")
    assert (contact["phones"], contact["nickname"]) == (["value01"], "value02")


def test_the_documented_gravity_forms_entry_maps_by_field_id_with_a_value_map(relay):
    hook = relay.hook(
        "leads.create",
        preset="gravityforms",
        mapping={
            "type": {"value": "PERSON"},
            "lastName": "2",
            "value": {"from": "1", "map": {"First Choice": "LOW", "Third Choice": "HIGH"}},
        },
    )
    response = relay.client.post(
        hook["path"], data=fixture("gravityforms/entry_docs_example.json"), content_type=JSON
    )
    assert response.status_code == 202, response.get_json()
    lead, contact = lead_of(relay, relay.settle(response.get_json()["id"]))
    assert (contact["lastName"], lead["value"]) == ("This is text content", "HIGH")


@pytest.mark.parametrize("status", ["partial", "spam"])
def test_a_gravity_forms_partial_or_spam_entry_is_ignored(relay, status):
    """Partial Entries sends feeds the entry with status "partial"
    (docs.gravityforms.com/gform_partialentries_post_event); "spam" is an entry status."""
    hook = relay.hook("leads.create", preset="gravityforms", mapping=GRAVITY_MAPPING)
    entry = json.loads(fixture("gravityforms/entry_pipedream.json"))
    entry["status"] = status
    response = relay.client.post(hook["path"], json=entry)
    assert response.status_code == 200
    assert relay.job(response.get_json()["id"])["status"] == "ignored"
    relay.work()
    assert nothing_sent(relay)


# -- answer policy: 200 for form providers, 422 for the rest --------------------------------


def test_a_form_preset_answers_a_refused_delivery_200_with_the_problems(relay):
    """Typeform retries a 4xx for hours and then disables the webhook: the refusal is
    still recorded and still explained, under a 200."""
    hook = relay.hook("leads.create", preset="typeform", mapping={"email": "readable_ref_email"})
    assert hook["reject_status"] == 200
    response = relay.client.post(hook["path"], data=fixture(TYPEFORM_DOCS), content_type=JSON)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "rejected" and body["error"]["code"] == "validation_failed"
    assert "/type" in [d["path"] for d in body["error"]["details"]]
    assert relay.job(body["job_id"])["status"] == "rejected"


def test_a_hook_may_ask_for_422_with_a_preset_and_gets_it_by_default_without(relay):
    with_preset = relay.hook(
        "leads.create", preset="typeform", mapping={"email": "x"}, reject_status=422
    )
    plain = relay.hook("leads.create")
    assert plain["reject_status"] == 422
    for hook, body in ((with_preset, fixture(TYPEFORM_DOCS)), (plain, b'{"type": "ROBOT"}')):
        response = relay.client.post(hook["path"], data=body, content_type=JSON)
        assert response.status_code == 422, response.get_json()
        assert relay.job(response.get_json()["job_id"])["status"] == "rejected"


# -- a website form or plugin that signs its own way ----------------------------------------


def test_a_website_forms_backend_signing_with_hmac_is_verified(relay):
    hook = relay.hook(
        "leads.create",
        verify_sender="hmac",
        sender_signature={"header": "X-Intake-Signature", "encoding": "hex", "prefix": "sha256="},
        mapping={"type": {"value": "PERSON"}, "firstName": "first_name", "email": "email"},
    )
    secret = hook["sender_secret"]  # minted, shown this once: paste it into the website
    body = b"first_name=Ada&email=ada%40example.com"
    good = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    form = "application/x-www-form-urlencoded"
    ok = relay.client.post(
        hook["path"], data=body, content_type=form, headers={"X-Intake-Signature": good}
    )
    assert ok.status_code == 202, ok.get_json()
    bad = relay.client.post(
        hook["path"], data=body + b"x", content_type=form, headers={"X-Intake-Signature": good}
    )
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "bad_signature"
    _, contact = lead_of(relay, relay.settle(ok.get_json()["id"]))
    assert contact["emails"] == ["ada@example.com"]
