"""The form-provider presets on realistic webhook bodies, and what a mapping makes of them."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from app.payload import (
    PRESET_META_KEYS,
    PRESETS,
    PresetError,
    apply_mapping,
    coerce,
    explain,
    strip_meta,
    unflatten,
    validator_for,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"

TYPEFORM: dict[str, Any] = {
    "event_id": "01J1Z8Q4N3X8ZK5V7W2Y6T9R0A",
    "event_type": "form_response",
    "form_response": {
        "form_id": "lT4Z3j",
        "token": "a3a12ec67a1365927098a606107fac15",
        "landed_at": "2026-07-01T14:30:11Z",
        "submitted_at": "2026-07-01T14:32:00Z",
        "hidden": {"type": "PERSON", "utm_source": "website"},
        "definition": {"id": "lT4Z3j", "title": "New client intake", "fields": []},
        "answers": [
            {
                "type": "text",
                "text": "Jane",
                "field": {"id": "JwWggjAKtOkA", "type": "short_text", "ref": "first_name"},
            },
            {
                "type": "text",
                "text": "Doe",
                "field": {"id": "SMEUb7VJz92Q", "type": "short_text", "ref": "last_name"},
            },
            {
                "type": "email",
                "email": "jane@example.com",
                "field": {"id": "pn48RmPazVdM", "type": "email", "ref": "email"},
            },
            {
                "type": "phone_number",
                "phone_number": "+15550100",
                "field": {"id": "Q7M2gKVa8UDx", "type": "phone_number", "ref": "phone"},
            },
            {
                "type": "number",
                "number": 5000,
                "field": {"id": "KoJxDM3c6x8h", "type": "number", "ref": "estimate"},
            },
            {
                "type": "boolean",
                "boolean": True,
                "field": {"id": "gFFf3xAkJKsr", "type": "yes_no", "ref": "private"},
            },
            {
                "type": "choice",
                "choice": {"id": "a1", "label": "Family law", "ref": "family"},
                "field": {"id": "k6TP9oLGgHjl", "type": "multiple_choice", "ref": "area"},
            },
            {
                "type": "choices",
                "choices": {"ids": ["c1", "c2"], "labels": ["Email", "Phone"], "other": "Fax"},
                "field": {"id": "XJ3aNmHhQ4jd", "type": "multiple_choice", "ref": "reach"},
            },
            {
                "type": "date",
                "date": "2026-06-15",
                "field": {"id": "RUqkXSeXBXSd", "type": "date", "ref": "incident_date"},
            },
            {
                "type": "choice",
                "choice": {"other": "Immigration"},
                "field": {"id": "m3hQe9hMvQ8c", "type": "dropdown", "ref": "other_area"},
            },
            {
                "type": "text",
                "text": "Dog bit me.",
                "field": {"id": "DlXFaesGBpoF", "type": "long_text"},
            },
        ],
    },
}

JOTFORM_RAW = {
    "slug": "submit/231234567890/",
    "jsExecutionTracker": "build-date-1688132456789=>init-started:1688132457000",
    "submitSource": "form",
    "buildDate": "1688132456789",
    "q3_name": {"first": "Jane", "last": "Doe"},
    "q4_email": "jane@example.com",
    "q5_phoneNumber": {"full": "(555) 555-0100"},
    "q6_incidentDate": {"month": "06", "day": "15", "year": "2026"},
    "q7_practiceArea": "Family law",
    "q8_howDid": ["Search", "Referral"],
    "q9_address": {"addr_line1": "1 Main St", "city": "Boston", "postal": "02110"},
    "event_id": "1688132457000_231234567890_abc",
}
# Jotform posts multipart form fields; after unflatten each value is a list.
JOTFORM: dict[str, Any] = {
    "formID": ["231234567890"],
    "submissionID": ["5612345678901234567"],
    "formTitle": ["Client intake"],
    "pretty": ["Name:Jane Doe, E-mail:jane@example.com"],
    "type": ["WEB"],
    "rawRequest": [json.dumps(JOTFORM_RAW)],
}

TALLY: dict[str, Any] = {
    "eventId": "a4cb511e-d513-4fa5-baee-b815d718dfd1",
    "eventType": "FORM_RESPONSE",
    "createdAt": "2026-07-01T14:32:00.000Z",
    "data": {
        "responseId": "2wgx4n",
        "submissionId": "2wgx4n",
        "respondentId": "dwQKYm",
        "formId": "VwbNEw",
        "formName": "Client intake",
        "createdAt": "2026-07-01T14:32:00.000Z",
        "fields": [
            {
                "key": "question_mVGEg3",
                "label": "First name",
                "type": "INPUT_TEXT",
                "value": "Jane",
            },
            {"key": "question_nPpWJE", "label": "Last name", "type": "INPUT_TEXT", "value": "Doe"},
            {
                "key": "question_3EKz4n",
                "label": "Email",
                "type": "INPUT_EMAIL",
                "value": "jane@example.com",
            },
            {"key": "question_w4Q1Xz", "label": "Estimate", "type": "INPUT_NUMBER", "value": 5000},
            {
                "key": "question_3jZaa7",
                "label": "Area of law",
                "type": "MULTIPLE_CHOICE",
                "value": ["5c4c4f6a"],
                "options": [
                    {"id": "5c4c4f6a", "text": "Family law"},
                    {"id": "7d2e9b10", "text": "Real estate"},
                ],
            },
            {
                "key": "question_mRoZ0y",
                "label": "How should we reach you?",
                "type": "CHECKBOXES",
                "value": ["e1", "p1"],
                "options": [{"id": "e1", "text": "Email"}, {"id": "p1", "text": "Phone"}],
            },
            {
                "key": "question_mRoZ0y_e1",
                "label": "How should we reach you? (Email)",
                "type": "CHECKBOXES",
                "value": True,
            },
            {
                "key": "question_dt9Kp2",
                "label": "Incident date",
                "type": "INPUT_DATE",
                "value": "2026-06-15",
            },
            {
                "key": "question_dup1",
                "label": "Email",
                "type": "INPUT_EMAIL",
                "value": "second@example.com",
            },
            {"key": "question_hid", "label": "type", "type": "HIDDEN_FIELDS", "value": "PERSON"},
        ],
    },
}


# --- presets --------------------------------------------------------------------


def test_typeform_answers_by_ref_and_type() -> None:
    assert PRESETS["typeform"](TYPEFORM) == {
        "event_id": "01J1Z8Q4N3X8ZK5V7W2Y6T9R0A",
        "token": "a3a12ec67a1365927098a606107fac15",
        "type": "PERSON",
        "utm_source": "website",
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.com",
        "phone": "+15550100",
        "estimate": 5000,
        "private": True,
        "area": "Family law",
        "reach": ["Email", "Phone", "Fax"],
        "incident_date": "2026-06-15",
        "other_area": "Immigration",
        "DlXFaesGBpoF": "Dog bit me.",
        # Every answer is reachable by its question id too (refs are editable).
        "JwWggjAKtOkA": "Jane",
        "SMEUb7VJz92Q": "Doe",
        "pn48RmPazVdM": "jane@example.com",
        "Q7M2gKVa8UDx": "+15550100",
        "KoJxDM3c6x8h": 5000,
        "gFFf3xAkJKsr": True,
        "k6TP9oLGgHjl": "Family law",
        "XJ3aNmHhQ4jd": ["Email", "Phone", "Fax"],
        "RUqkXSeXBXSd": "2026-06-15",
        "m3hQe9hMvQ8c": "Immigration",
    }


def test_typeform_preset_refuses_other_bodies() -> None:
    with pytest.raises(PresetError, match="Typeform"):
        PRESETS["typeform"]({"data": {"fields": []}})


def test_jotform_raw_request_is_flattened_by_unique_name() -> None:
    assert PRESETS["jotform"](JOTFORM) == {
        "submissionID": "5612345678901234567",
        "formID": "231234567890",
        "name.first": "Jane",
        "name.last": "Doe",
        "email": "jane@example.com",
        "phoneNumber": "(555) 555-0100",
        "phoneNumber.full": "(555) 555-0100",
        "incidentDate": "2026-06-15",
        "incidentDate.month": "06",
        "incidentDate.day": "15",
        "incidentDate.year": "2026",
        "practiceArea": "Family law",
        "howDid": ["Search", "Referral"],
        "address.addr_line1": "1 Main St",
        "address.city": "Boston",
        "address.postal": "02110",
    }


def test_jotform_accepts_bracketed_field_names() -> None:
    body = {"rawRequest": json.dumps({"q3_name[first]": "Jane", "q3_name[last]": "Doe"})}
    assert PRESETS["jotform"](body) == {"name.first": "Jane", "name.last": "Doe"}


def test_jotform_preset_refuses_a_broken_raw_request() -> None:
    with pytest.raises(PresetError, match="rawRequest"):
        PRESETS["jotform"]({"rawRequest": "{not json"})


def test_tally_fields_by_key_and_label_with_option_texts() -> None:
    out = PRESETS["tally"](TALLY)
    assert out["question_mVGEg3"] == out["First name"] == "Jane"
    assert out["Area of law"] == "Family law"
    assert out["How should we reach you?"] == ["Email", "Phone"]
    assert out["Estimate"] == 5000
    assert out["Incident date"] == "2026-06-15"
    assert out["type"] == "PERSON"


def test_tally_repeated_label_keeps_the_first_answer() -> None:
    out = PRESETS["tally"](TALLY)
    assert out["Email"] == "jane@example.com"
    assert out["question_dup1"] == "second@example.com"


def test_tally_preset_refuses_other_bodies() -> None:
    with pytest.raises(PresetError, match="Tally"):
        PRESETS["tally"](TYPEFORM)


def test_unknown_preset_names_itself_and_the_known_ones() -> None:
    with pytest.raises(KeyError) as caught:
        PRESETS["wufoo"]
    assert "wufoo" in str(caught.value)
    assert "jotform, tally, typeform" in str(caught.value)


# --- preset -> mapping -> coerce -> validate --------------------------------------


def leads_create() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / "leads.create.json").read_text())
    return loaded


def test_typeform_submission_becomes_a_valid_lead() -> None:
    mapping = {
        "type": "type",
        "firstName": "first_name",
        "lastName": "last_name",
        "email": "email",
        "phone": "phone",
        "isPrivate": "private",
    }
    data = coerce(apply_mapping(PRESETS["typeform"](TYPEFORM), mapping), leads_create())
    assert explain(validator_for(leads_create()), data) == []


def test_jotform_submission_becomes_a_valid_lead() -> None:
    body = unflatten(JOTFORM)
    mapping = {
        "firstName": "name.first",
        "lastName": "name.last",
        "email": "email",
        "phone": "phoneNumber",
    }
    data = apply_mapping(PRESETS["jotform"](body), mapping)
    data = coerce({"type": "PERSON", **data}, leads_create())
    assert explain(validator_for(leads_create()), data) == []


def test_a_mapped_source_that_is_missing_is_reported_as_the_missing_target() -> None:
    schema = json.loads((SCHEMAS / "practice-areas.create.json").read_text())
    data = coerce(apply_mapping(PRESETS["tally"](TALLY), {"name": "Area of lwa"}), schema)
    [problem] = explain(validator_for(schema), data)
    assert problem.path == "/name"
    assert problem.message.startswith("name is required")


# --- hostile values -----------------------------------------------------------------


def test_jotform_date_parts_in_unicode_digits_are_not_a_date() -> None:
    raw = {"q6_incidentDate": {"month": "0²", "day": "15", "year": "2026"}}
    out = PRESETS["jotform"]({"rawRequest": json.dumps(raw)})
    assert "incidentDate" not in out and out["incidentDate.month"] == "0²"


# --- provider metadata: kept for idempotency, out of the action input ----------


def test_typeform_keeps_its_delivery_ids() -> None:
    out = PRESETS["typeform"](TYPEFORM)
    assert out["event_id"] == "01J1Z8Q4N3X8ZK5V7W2Y6T9R0A"
    assert out["token"] == "a3a12ec67a1365927098a606107fac15"


def test_tally_keeps_its_delivery_ids() -> None:
    out = PRESETS["tally"](TALLY)
    assert out["eventId"] == "a4cb511e-d513-4fa5-baee-b815d718dfd1"
    assert out["responseId"] == "2wgx4n"


def test_every_preset_declares_its_metadata_keys() -> None:
    assert PRESET_META_KEYS == {
        "jotform": ("submissionID", "formID"),
        "typeform": ("event_id", "token"),
        "tally": ("eventId", "responseId"),
        "gravityforms": ("entry_id", "form_id"),
    }


def test_every_provider_module_is_registered_under_its_own_name() -> None:
    """A provider module that was written but not given its row would never be reachable."""
    import pkgutil

    from app.payload import presets

    modules = {m.name for m in pkgutil.iter_modules(presets.__path__)} - {"base"}
    assert modules == set(PRESETS) == set(PRESET_META_KEYS)
    for name in modules:
        module = importlib.import_module(f"app.payload.presets.{name}")
        assert PRESETS[name] is module.PRESET.flatten


@pytest.mark.parametrize(
    ("preset", "body"), [("typeform", TYPEFORM), ("jotform", JOTFORM), ("tally", TALLY)]
)
def test_strip_meta_removes_exactly_the_metadata(preset: str, body: dict[str, Any]) -> None:
    """...and the aliases (labels, titles, question ids): without a mapping, only the
    stable names are action input."""
    out = PRESETS[preset](body)
    stripped = strip_meta(preset, out)
    assert set(out) - set(stripped) == set(PRESET_META_KEYS[preset]) | out.aliases
    assert all(stripped[k] == out[k] for k in stripped)


def test_strip_meta_leaves_its_input_alone() -> None:
    out = PRESETS["jotform"](JOTFORM)
    strip_meta("jotform", out)
    assert "formID" in out


def test_strip_meta_without_a_preset_is_a_copy() -> None:
    data = {"formID": "1"}
    assert strip_meta(None, data) == data and strip_meta(None, data) is not data


def test_metadata_wins_over_a_form_field_of_the_same_name() -> None:
    body = {
        "eventId": "evt-1",
        "data": {"fields": [{"key": "k", "label": "eventId", "value": "x"}]},
    }
    assert PRESETS["tally"](body)["eventId"] == "evt-1"


def test_a_jotform_hook_without_a_mapping_has_no_unknown_metadata_fields() -> None:
    body = {
        "formID": ["231234567890"],
        "submissionID": ["5612345678901234567"],
        "rawRequest": [json.dumps({"q1_type": "PERSON", "q2_lastName": "Doe"})],
    }
    data = coerce(strip_meta("jotform", PRESETS["jotform"](unflatten(body))), leads_create())
    assert explain(validator_for(leads_create()), data) == []


def test_a_jotform_raw_request_nested_too_deeply_is_a_preset_error() -> None:
    # json.loads raises RecursionError here, which the ingest view would not catch.
    with pytest.raises(PresetError, match="nested too deeply"):
        PRESETS["jotform"]({"rawRequest": "[" * 100_000 + "]" * 100_000})


def test_jotform_flattens_only_a_few_levels() -> None:
    deep: Any = "x"
    for _ in range(10):
        deep = {"a": deep}
    out = PRESETS["jotform"]({"rawRequest": json.dumps({"q1_f": deep})})
    assert "f.a.a.a.a.a.a.a.a" in out and "f.a.a.a.a.a.a.a.a.a" not in out
