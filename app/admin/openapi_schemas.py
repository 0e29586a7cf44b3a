"""The component schemas of /openapi.json, apart from its paths (``openapi.py``).

Every enum here comes from the code (``JobStatus``, the admin body schemas) so the
published contract cannot drift from what the views accept.
"""

from __future__ import annotations

from typing import Any

from ..models import JobStatus
from ..services.bodies import SCHEMAS

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}
STATUSES = [status.value for status in JobStatus]
_TIME = {"type": "string", "format": "date-time"}
_MAYBE_TIME = {"anyOf": [_TIME, {"type": "null"}]}
JOB = {
    "type": "object",
    "required": ["id", "status", "action", "created_at", "status_url"],
    "properties": {
        "id": {"type": "string"},
        "status": {"enum": STATUSES},
        "action": {"type": "string"},
        "created_at": _TIME,
        "updated_at": _MAYBE_TIME,
        "finished_at": _MAYBE_TIME,
        "next_attempt_at": _MAYBE_TIME,
        "attempt_count": {"type": "integer"},
        "status_url": {"type": "string"},
        "result": {},
        "error": {"type": "object"},
    },
}
READY = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {"status": {"enum": ["ready", "not_ready"]}, "checks": {"type": "object"}},
}
REF_JOB = {"$ref": "#/components/schemas/Job"}
# ``status=`` takes one status or several, comma-separated.
_ONE_STATUS = "(" + "|".join(STATUSES) + ")"
STATUS_FILTER = {"type": "string", "pattern": f"^({_ONE_STATUS}(,{_ONE_STATUS})*)?$"}
ERROR_TEXT = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Rate limited",
}
# What any request with a body can meet before its view runs (see app/ingest/rawbody.py).
BODY_ERRORS = (400, 413, 415, 422)


# Bodies whose null values mean "not given" (JobFilter.parse drops them before checking).
NULL_MEANS_ABSENT = {"jobs.filter", "jobs.replay"}


def body_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of an admin request body, as ``app/services/bodies.py`` checks it."""
    properties, required = SCHEMAS[name]
    if name in NULL_MEANS_ABSENT:
        properties = {k: {"anyOf": [v, {"type": "null"}]} for k, v in properties.items()}
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema
