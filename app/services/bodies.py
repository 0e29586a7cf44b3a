"""JSON Schemas for admin request bodies: types and lengths that fit the columns.

The same explained validation as hook payloads, so an admin gets every
problem at once, each with its path.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from app.payload import explain, validator_for

from ..errors import ValidationFailed
from ..ingest.senders import ALGORITHMS, ENCODINGS, SCHEMES, SECRET_MAX
from ..text import NotText, check_text


def _text(max_length: int, min_length: int = 0) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


MAPPING_SOURCE = {
    "type": ["string", "object"],
    "maxLength": 500,
    "properties": {
        "value": {},
        "from": _text(500, 1),
        "map": {"type": "object", "maxProperties": 500, "propertyNames": {"maxLength": 500}},
        "default": {},
    },
    "additionalProperties": False,
}
"""A mapping target's source: a path, ``{"value": constant}``, or ``{"from", "map",
"default"}`` (see :mod:`app.payload.paths`); which keys go together is checked in
:mod:`app.services.hooks`, which can say it in a sentence."""

CONNECTION = {
    "name": _text(200, 1),
    # Printable ASCII, no spaces: anything else would end up inside an HTTP header.
    "api_key": {"type": "string", "pattern": "^[!-~]{8,500}$"},
    "base_url": _text(500, 1),
    "rate_limit_per_minute": _nullable({"type": "integer", "minimum": 1, "maximum": 100_000}),
}
HOOK = {
    "name": _text(200, 1),
    "action": _text(80, 1),
    "connection_id": _text(40, 1),
    "enabled": {"type": "boolean"},
    "callback_url": _nullable(_text(2000)),
    "callback_events": {
        "type": "array",
        "items": {"enum": ["job.failed", "job.needs_review", "job.succeeded"]},
        "uniqueItems": True,
    },
    "idempotency_field": _nullable(_text(200)),
    "mapping": {
        "type": ["object", "null"],
        "additionalProperties": MAPPING_SOURCE,
        "maxProperties": 200,
    },
    "preset": _nullable(_text(40)),
    "allowed_origins": _nullable({"type": "array", "items": _text(300, 1), "maxItems": 50}),
    "verify_sender": {"enum": [False, True, *sorted(SCHEMES)]},
    # Write-only: never in an answer, except the one that minted it.
    "sender_secret": _text(SECRET_MAX, 1),
    "sender_signature": {
        "type": ["object", "null"],
        "required": ["header"],
        "additionalProperties": False,
        "properties": {
            # An HTTP header name (RFC 9110 token).
            "header": {
                "type": "string",
                "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$",
                "x-message": "{field} must be an HTTP header name, such as X-Signature "
                "(letters, digits and - ; no spaces or colon)",
            },
            "algorithm": {"enum": sorted(ALGORITHMS)},
            "encoding": {"enum": list(ENCODINGS)},
            "prefix": {
                "type": "string",
                "pattern": "^[!-~]{0,40}$",
                "x-message": "{field} must be up to 40 printable characters without spaces, "
                "such as sha256=",
            },
        },
    },
    "reject_status": {"enum": [200, 422, None]},
}
ROTATE = {
    "rotate": {
        "type": "array",
        "items": {"enum": ["url", "callback_secret", "sender_secret"]},
        "minItems": 1,
        "uniqueItems": True,
    }
}
JOB_FILTER = {name: _text(300) for name in ("status", "action", "hook_id", "since", "until", "q")}
JOB_RETRY = {"confirm_create": {"type": "boolean"}}
# One shape per decision (``oneOf`` would report every branch's problems at once).
JOB_RESOLVE = {
    "action": {"enum": ["link", "discard", "recheck"]},
    # An Esqase record id: printable, no spaces (it goes into a URL path).
    "record_id": {"type": "string", "pattern": "^[!-~]{1,200}$"},
}
JOB_REPLAY = {**JOB_FILTER, "limit": {"type": "integer", "minimum": 1, "maximum": 1000}}

SCHEMAS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "connection.create": (CONNECTION, ("name", "api_key")),
    "connection.update": (CONNECTION, ()),
    "hook.create": (HOOK, ("name", "action", "connection_id")),
    "hook.update": (HOOK, ()),
    "hook.rotate": (ROTATE, ("rotate",)),
    "jobs.filter": (JOB_FILTER, ()),
    "job.retry": (JOB_RETRY, ()),
    "job.resolve": (JOB_RESOLVE, ("action",)),
    "jobs.replay": (JOB_REPLAY, ()),
}


@cache
def _validator(name: str) -> Any:
    properties, required = SCHEMAS[name]
    return validator_for(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": properties,
            "required": list(required),
            "additionalProperties": False,
        }
    )


# Never echoed back, not even when invalid: a mistyped key is still mostly a key.
SECRET_PATHS = {
    "/api_key": "api_key must be the Esqase API key: 8 to 500 printable characters, "
    "no spaces or line breaks",
    "/sender_secret": f"sender_secret must be text of 1 to {SECRET_MAX} characters, as the "
    "sending service shows it",
}


def problems(name: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every problem; a string that is not text (NUL, lone surrogate) comes first and
    alone, since nothing else about such a body can be stored or shown safely."""
    try:
        check_text(body)
    except NotText as exc:
        return [{"path": exc.path, "message": exc.message}]
    found = []
    for problem in explain(_validator(name), body):
        detail = problem.to_dict()
        if detail["path"] in SECRET_PATHS:
            detail = {"path": detail["path"], "message": SECRET_PATHS[detail["path"]]}
        found.append(detail)
    return found


def problem(path: str, message: str) -> dict[str, Any]:
    """One detail of a 422, in the shape every relay error uses."""
    return {"path": path, "message": message}


def typed(body: dict[str, Any], found: list[dict[str, Any]]) -> dict[str, Any]:
    """The fields of ``body`` that passed the schema: semantic checks look only at those,
    so a field whose type is wrong gets one complaint, not two."""
    bad = {p["path"] for p in found}
    return {k: v for k, v in body.items() if f"/{k}" not in bad}


def check(name: str, body: dict[str, Any], what: str) -> None:
    raise_if(problems(name, body), what)


def raise_if(found: list[dict[str, Any]], what: str) -> None:
    if found:
        found = sorted(found, key=lambda p: p["path"])
        raise ValidationFailed(f"The {what} has {len(found)} problem(s).", details=found)
