"""The hook form: the admin API's hook body from form fields, and back.

Pure functions. The fields carry the API's names (``name``, ``action``,
``connection_id``, ``callback_url``, ``callback_events``, ``idempotency_field``,
``mapping``, ``preset``, ``allowed_origins``, ``verify_sender``, ``sender_secret``,
``sender_signature.header`` ..., ``reject_status``, ``enabled``), so the service
judges exactly what a JSON client would send and its sentences land on the field
they name. Only what a form cannot type is translated here: the mapping is JSON
in a textarea (a parse error is a problem at ``/mapping`` with its line and
column), origins are one per line, events are checkboxes, ``verify_sender``'s
"off" is ``false``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from actions import Action

from . import forms

EVENTS = ("job.succeeded", "job.failed", "job.needs_review")
SCHEMES = ("standard-webhooks", "typeform", "tally", "hmac")
SIGNATURE_PARTS = ("header", "algorithm", "encoding", "prefix")


class FormData(Mapping[str, str]):
    """What a form sent: ``get`` gives a field's one value, ``getlist`` all of them
    (werkzeug's MultiDict has both; a plain dict works in tests)."""

    def __init__(self, values: Any) -> None:
        self._values = values

    def __getitem__(self, key: str) -> str:
        return str(self._values[key])

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def getlist(self, key: str) -> list[str]:
        if hasattr(self._values, "getlist"):
            return [str(v) for v in self._values.getlist(key)]
        value = self._values.get(key)
        return [] if value is None else list(value) if isinstance(value, list) else [value]


def body(raw: Any, *, creating: bool) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The API body, and the problems only the form can have (unreadable mapping JSON).
    Blank optional fields are the API's null; a blank secret is "keep" (or "mint one")."""
    form = FormData(raw)
    problems: dict[str, list[str]] = {}
    data: dict[str, Any] = {
        "name": forms.text(form, "name"),
        "callback_url": forms.optional_text(form, "callback_url"),
        "callback_events": [e for e in form.getlist("callback_events") if e],
        "idempotency_field": forms.optional_text(form, "idempotency_field"),
        "preset": forms.optional_text(form, "preset"),
        "allowed_origins": forms.lines(form, "allowed_origins"),
        "reject_status": forms.integer(form, "reject_status"),
    }
    for name in ("action", "connection_id"):
        if creating or name in form:
            data[name] = forms.text(form, name)
    if creating:
        data["enabled"] = form.get("enabled") == "true"
        if data["reject_status"] is None:
            del data["reject_status"]  # the default that suits the preset
    mapping, said = parse_mapping(form.get("mapping") or "")
    data["mapping"] = mapping
    if said:
        problems["mapping"] = [said]
    scheme = forms.text(form, "verify_sender")
    data["verify_sender"] = False if scheme in ("", "false") else scheme
    secret = form.get("sender_secret") or ""
    if secret.strip():
        data["sender_secret"] = secret  # as pasted: the service says if it has stray spaces
    if data["verify_sender"] == "hmac":
        signature = {part: forms.text(form, f"sender_signature.{part}") for part in SIGNATURE_PARTS}
        data["sender_signature"] = {k: v for k, v in signature.items() if v}
    return data, problems


def parse_mapping(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """``(mapping, None)``, or ``(None, sentence)`` naming where the JSON breaks."""
    if not text.strip():
        return None, None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, (
            f"The mapping is not valid JSON: {exc.msg} at line {exc.lineno}, column "
            f'{exc.colno}. Write it as {{"firstName": "answers.first_name", "type": '
            '{"value": "PERSON"}}.'
        )
    if not isinstance(value, dict):
        return None, 'The mapping must be a JSON object like {"firstName": "answers.first_name"}.'
    return value, None


def values_from_view(view: Mapping[str, Any]) -> dict[str, Any]:
    """What the edit form shows for a saved hook (never a secret)."""
    signature = view.get("sender_signature") or {}
    return {
        "name": view["name"],
        "action": view["action"],
        "connection_id": view["connection_id"],
        "enabled": view["enabled"],
        "callback_url": view.get("callback_url") or "",
        "callback_events": list(view.get("callback_events") or []),
        "idempotency_field": view.get("idempotency_field") or "",
        "mapping": json.dumps(view["mapping"], indent=2, ensure_ascii=False)
        if view.get("mapping")
        else "",
        "preset": view.get("preset") or "",
        "allowed_origins": "\n".join(view.get("allowed_origins") or []),
        "verify_sender": view.get("verify_sender") or "false",
        "reject_status": str(view.get("reject_status") or ""),
        **{f"sender_signature.{p}": str(signature.get(p) or "") for p in SIGNATURE_PARTS},
    }


def values_from_form(raw: Any) -> dict[str, Any]:
    """What was typed, to show again beside the problems (never the sender secret)."""
    form = FormData(raw)
    kept: dict[str, Any] = {
        name: form.get(name, "") for name in form if name not in ("sender_secret", "csrf_token")
    }
    kept["callback_events"] = form.getlist("callback_events")
    kept["enabled"] = form.get("enabled") == "true"
    kept.setdefault("verify_sender", "false")
    return kept


NEW_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "callback_events": list(EVENTS),
    "verify_sender": "false",
    "sender_signature.algorithm": "sha256",
    "sender_signature.encoding": "hex",
}


def field_guide(action: Action) -> list[dict[str, Any]]:
    """The action's input fields as a person reads them: name, required, what to send
    (type or choices), the schema's description and an example value."""
    schema = action.schema
    required = set(schema.get("required") or [])
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type", "any")
        if "enum" in prop:
            kind = "one of " + ", ".join(map(str, prop["enum"]))
        elif kind == "array":
            kind = f"list of {prop.get('items', {}).get('type', 'values')}"
        elif prop.get("format"):
            kind = f"{kind} ({prop['format']})"
        examples = prop.get("examples") or []
        rows.append(
            {
                "name": name,
                "required": name in required,
                "kind": kind,
                "description": prop.get("description", ""),
                "example": json.dumps(examples[0], ensure_ascii=False) if examples else "",
            }
        )
    rows.sort(key=lambda row: not row["required"])  # required first, schema order kept
    return rows


def one_of_note(action: Action) -> list[str]:
    """Choices the schema states beside its fields (``oneOf`` / ``anyOf`` of required)."""
    notes = []
    for keyword in ("oneOf", "anyOf"):
        for option in action.schema.get(keyword) or []:
            needed = option.get("required") if isinstance(option, dict) else None
            if needed:
                notes.append(" and ".join(needed))
    return notes


def example(action: Action) -> dict[str, Any]:
    """The schema's example a test delivery sends: one that names things rather than
    giving ids (an example id exists in no one's Esqase), else the first."""
    examples = [e for e in action.schema.get("examples") or [] if isinstance(e, dict)]
    by_name = [e for e in examples if not any(k.endswith("Id") for k in e)]
    chosen = (by_name or examples or [{}])[0]
    return dict(chosen)
