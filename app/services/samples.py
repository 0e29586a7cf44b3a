"""What did the form send? A hook's last few deliveries, as the paths a mapping can use.

Read from the job history (every job, accepted, ignored or rejected, keeps what
arrived), so ingest does no extra work for it: a person asking costs one indexed
query over ``(hook_id, created_at)``. Each body is shown the way the hook's mapping
sees it: unflattened when it was a form, through the hook's preset when it has one
(a body the preset refuses or ignores is shown as it arrived, with why). Values are
cut to a length, the paths to a number, and nothing secret is shown: values under
names that say secret, password, API key or signature, and the hook's own URL token
and secrets wherever they appear (Jotform sends back the URL it posts to).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.payload import PRESET_META_KEYS, PRESETS, NotASubmission, UnflattenError, unflatten
from app.payload.fieldpaths import FieldPath, field_paths
from app.payload.suggest import Suggestion, suggest

from ..ingest import strictjson
from ..ingest.body import is_json
from ..jobs.present import iso
from ..models import Hook, Job, JobStatus
from ..vault import VaultError, get_vault
from . import hooks

SAMPLES = 5
REDACTED = "[redacted]"
SECRET_NAMES = re.compile(
    r"secret|passw(or)?d|api[_-]?key|auth(orization)?$|signature|credential|access[_-]?token",
    re.IGNORECASE,
)


SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["hook_id", "samples"],
    "properties": {
        "hook_id": {"type": "string"},
        "preset": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "samples": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["job_id", "status", "received_at", "paths"],
                "properties": {
                    "job_id": {"type": "string"},
                    "status": {"enum": [s.value for s in JobStatus]},
                    "received_at": {"type": "string", "format": "date-time"},
                    "paths": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["path", "value"],
                            "properties": {
                                "path": {"type": "string"},
                                "value": {},
                                "label": {"type": "boolean"},
                            },
                        },
                    },
                    "paths_left_off": {"type": "integer"},
                    "note": {"type": "string"},
                },
            },
        },
    },
}
"""The shape :func:`samples` answers with (for /openapi.json)."""


def samples(session: Session, hook_id: str, limit: int = SAMPLES) -> dict[str, Any]:
    """The hook's last ``limit`` received bodies, newest first, as field paths."""
    hook = hooks.get(session, hook_id)
    rows = session.execute(
        select(Job.id, Job.status, Job.created_at, Job.received)
        .where(Job.hook_id == hook.id)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(limit)
    ).all()
    hidden = _hook_secrets(hook)
    shown = [_sample(hook, row, hidden) for row in rows]
    return {"hook_id": hook.id, "preset": hook.preset, "samples": shown}


def suggestion(session: Session, hook_id: str) -> Suggestion:
    """A mapping proposed from the hook's samples (see :mod:`app.payload.suggest`)."""
    from actions import get_action

    hook = hooks.get(session, hook_id)
    found = samples(session, hook_id)
    paths = [
        FieldPath(p["path"], p["value"], bool(p.get("label")))
        for sample in found["samples"]
        for p in sample["paths"]
    ]
    skip = PRESET_META_KEYS.get(hook.preset, ()) if hook.preset else ()
    result = suggest(get_action(hook.action).schema, paths, skip)
    if not paths:
        result.notes.insert(0, "the hook has received nothing yet: send a test submission first")
    return result


def _sample(hook: Hook, row: Any, hidden: list[str]) -> dict[str, Any]:
    job_id, status, created_at, received = row
    out: dict[str, Any] = {"job_id": job_id, "status": status, "received_at": iso(created_at)}
    data, note = _as_mapped(hook, received if isinstance(received, dict) else {})
    labels = frozenset(getattr(data, "aliases", ()))
    paths, left_off = field_paths(_redact(data, hidden), labels)
    out["paths"] = [p.to_dict() for p in paths]
    if left_off:
        out["paths_left_off"] = left_off
    if note:
        out["note"] = note
    return out


def _as_mapped(hook: Hook, received: dict[str, Any]) -> tuple[Any, str | None]:
    """The data the hook's mapping reads, and a note when that is not what it would read."""
    kind = received.get("kind")
    fields = received.get("fields")
    if kind == "raw":
        if received.get("cut_at_bytes") or not is_json(str(received.get("content_type") or "")):
            return {}, "the body could not be read as fields (it is kept as text in the job)"
        try:
            fields = strictjson.loads(str(received.get("text", "")).encode())
        except strictjson.NotJSON:
            return {}, "the body is not valid JSON"
        kind = "json"
    if not isinstance(fields, dict):
        return {}, "nothing readable arrived"
    data: Any = fields
    if kind == "form":
        try:
            data = unflatten(fields)
        except UnflattenError as exc:
            return fields, f"the form's field names conflict: {exc}"
    if not hook.preset:
        return data, None
    try:
        return PRESETS[hook.preset](data), None
    except NotASubmission as event:
        return data, f"ignored ({event.reason}); shown as it arrived"
    except Exception:  # noqa: BLE001 - whatever a preset meets in a body it refuses
        return data, f"the {hook.preset} preset could not read this body; shown as it arrived"


def _hook_secrets(hook: Hook) -> list[str]:
    hidden = [hook.token]
    for sealed in (hook.sender_secret_encrypted, hook.callback_secret_encrypted):
        if sealed is not None:
            try:
                hidden.append(get_vault().decrypt(sealed))
            except VaultError:
                continue
    return [h for h in hidden if h]


def _redact(data: Any, hidden: list[str]) -> Any:
    """A copy of ``data`` with secret-named values and the hook's secrets masked."""
    if isinstance(data, dict):
        return {
            k: REDACTED if SECRET_NAMES.search(str(k)) else _redact(v, hidden)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_redact(v, hidden) for v in data]
    if isinstance(data, str):
        for secret in hidden:
            data = data.replace(secret, REDACTED)
    return data
