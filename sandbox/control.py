"""/_sandbox: the levers tests pull. Registered only when SANDBOX_CONTROL is true.

No auth here on purpose: the control surface exists for local tests and demos, and is
simply absent (404) otherwise. Keys made here are dropped by a reset; configured keys stay.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response

from sandbox.auth import valid_key, valid_scope
from sandbox.errors import ApiError, FieldError, field_error, validation_error
from sandbox.faults import parse_fault
from sandbox.payload import json_object
from sandbox.ratelimit import MAX_RATE_REQUESTS, MAX_RATE_SECONDS, valid_rate_limit
from sandbox.resources import lookup
from sandbox.state import current
from sandbox.store import ApiKey

bp = Blueprint("esqase_sandbox_control", __name__, url_prefix="/_sandbox")

KEY_PREFIX = "esq_test_"
_KEY_FIELDS = ("scopes", "key", "rate_limit")


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)  # 24 bytes -> 32 url-safe characters


def _key_errors(body: dict[str, Any]) -> list[FieldError]:
    errors = [field_error(name, "unknown field") for name in body if name not in _KEY_FIELDS]
    scopes = body.get("scopes")
    if not isinstance(scopes, list):
        errors.append(field_error("scopes", "is required: a list such as ['leads:write']"))
    else:
        errors += [
            field_error(f"scopes[{i}]", f"must be * or <resource>:read|write (got {s!r})")
            for i, s in enumerate(scopes)
            if not valid_scope(s)
        ]
    key = body.get("key")
    if key is not None and not valid_key(key):
        errors.append(
            field_error("key", "must be a non-empty string of printable ASCII, no spaces")
        )
    limit = body.get("rate_limit")
    if limit is not None and not valid_rate_limit(limit):
        errors.append(
            field_error(
                "rate_limit",
                f"must be {{requests: whole number 1..{MAX_RATE_REQUESTS}, "
                f"per_seconds: number > 0 and <= {MAX_RATE_SECONDS}}}",
            )
        )
    return errors


@bp.post("/keys")
def create_key() -> tuple[dict[str, Any], int]:
    body = json_object()
    errors = _key_errors(body)
    if errors:
        raise validation_error(errors)
    limit = body.get("rate_limit")
    api_key = ApiKey(
        key=body.get("key") or generate_key(),
        scopes=frozenset(body["scopes"]),
        rate_limit=(limit["requests"], float(limit["per_seconds"])) if limit else None,
    )
    if not current().store.add_key(api_key):
        raise validation_error([field_error("key", "already exists")])
    data = {"key": api_key.key, "scopes": list(body["scopes"]), "rate_limit": limit}
    return {"data": data}, 201


@bp.get("/lead-stages")
def lead_stages() -> dict[str, Any]:
    return {"data": [dict(stage) for stage in current().store.lead_stages]}


@bp.post("/faults")
def add_fault() -> tuple[dict[str, Any], int]:
    fields, errors = parse_fault(json_object())
    if errors:
        raise validation_error(errors)
    return {"data": current().faults.add(fields).to_json()}, 201


@bp.get("/faults")
def list_faults() -> dict[str, Any]:
    return {"data": [fault.to_json() for fault in current().faults.pending()]}


@bp.delete("/faults")
def clear_faults() -> Response:
    current().faults.clear()
    return Response(status=204)


@bp.get("/requests")
def list_requests() -> dict[str, Any]:
    """Every /v1 request in arrival order; status is null while in flight or when dropped."""
    return {"data": current().store.requests()}


@bp.delete("/requests")
def clear_requests() -> Response:
    current().store.clear_requests()
    return Response(status=204)


@bp.post("/reset")
def reset() -> Response:
    current().reset()
    return Response(status=204)


@bp.get("/state/<name>")
def state(name: str) -> dict[str, Any]:
    """Deleted records included, each with its status and deletedAt, to count upstream effects."""
    resource = lookup(name)
    if resource is None:
        raise ApiError(404, f"There is no resource called {name!r}.")
    store = current().store
    with store.lock:
        data = [
            {**resource.render(store, record), "deletedAt": record["deletedAt"]}
            for record in store.everything(name)
        ]
    return {"data": data}
