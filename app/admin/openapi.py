"""/openapi.json: the public contract, generated from what the code already holds so it
cannot drift: job statuses from :class:`~app.models.JobStatus`, admin request bodies
from the schemas the admin API validates with (``app/services/bodies.py``), action
payloads from the action registry. A test compares its paths with the app's URL map,
and schemathesis holds the running relay to it.

Served at ``/openapi.json`` by ``app/health.py`` (one route, outside the token-protected
``/api/v1``, so tools can read it before they have a token).
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from actions import registry

from .. import __version__
from ..services.bodies import SCHEMAS
from ..services.samples import SCHEMA as SAMPLES
from .openapi_schemas import (
    BODY_ERRORS,
    ERROR,
    ERROR_TEXT,
    JOB,
    READY,
    REF_JOB,
    STATUS_FILTER,
    body_schema,
)


def _resp(desc: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": desc}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def _err(*codes: int) -> dict[str, Any]:
    return {str(c): _resp(ERROR_TEXT[c], ERROR) for c in sorted(set(codes))}


def _data(schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": ["data"], "properties": {"data": schema or {}}}


def _admin(
    summary: str,
    ok: int = 200,
    body: str | None = None,
    errors: tuple[int, ...] = (),
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    success = _resp("Deleted") if ok == 204 else _resp("OK", _data(data))
    op: dict[str, Any] = {
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": {str(ok): success, **_err(401, *errors, *(BODY_ERRORS if body else ()))},
    }
    if body:
        schema = {"$ref": f"#/components/schemas/body.{body}"}
        op["requestBody"] = {"content": {"application/json": {"schema": schema}}}
    return op


def _param(name: str, where: str = "path", schema: dict[str, Any] | None = None) -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema or {"type": "string"},
    }


def _job_filters() -> list[dict[str, Any]]:
    named = {"status": STATUS_FILTER}
    return [
        _param(n, "query", named.get(n))
        for n in ("status", "action", "hook_id", "since", "until", "q", "limit", "cursor")
    ]


def _ingest_paths(hook_id: list[dict[str, Any]]) -> dict[str, Any]:
    any_object = {"schema": {"type": "object"}}
    return {
        "/hooks/{hook_id}": {
            "parameters": hook_id,
            "post": {
                "summary": "Deliver a trigger payload to a hook",
                "parameters": [_param("wait", "query"), _param("Idempotency-Key", "header")],
                "requestBody": {
                    "content": {
                        "application/json": any_object,
                        "application/x-www-form-urlencoded": any_object,
                        "multipart/form-data": any_object,
                    }
                },
                "responses": {
                    "202": _resp("Accepted and queued", REF_JOB),
                    "200": _resp("Finished within wait, or an idempotent replay", REF_JOB),
                    **_err(400, 401, 403, 404, 413, 415, 422, 429),
                },
            },
            "options": {
                "summary": "CORS preflight",
                "responses": {"204": _resp("OK"), **_err(403, 404)},
            },
        },
        "/hooks/{hook_id}/jobs/{job_id}": {
            "parameters": [*hook_id, _param("job_id")],
            "get": {
                "summary": "A job's public view",
                "responses": {"200": _resp("OK", REF_JOB), **_err(404)},
            },
        },
    }


def _admin_paths(hook_id: list[dict[str, Any]]) -> dict[str, Any]:
    job_id = [_param("job_id")]
    jobs = {"type": "array", "items": REF_JOB}
    return {
        "/api/v1/actions": {"get": _admin("List actions")},
        "/api/v1/actions/{name}": {
            "parameters": [_param("name")],
            "get": _admin("An action's schema, scope and example", errors=(404,)),
        },
        "/api/v1/connections": {
            "get": _admin("List connections"),
            "post": _admin("Create a connection", 201, "connection.create"),
        },
        "/api/v1/connections/{conn_id}": {
            "parameters": [_param("conn_id")],
            "get": _admin("A connection", errors=(404,)),
            "patch": _admin("Change a connection", body="connection.update", errors=(404,)),
            "delete": _admin("Delete a connection", 204, errors=(404, 409)),
        },
        "/api/v1/connections/{conn_id}/check": {
            "parameters": [_param("conn_id")],
            "post": _admin("Try the key against Esqase", errors=(404, 409)),
        },
        "/api/v1/hooks": {
            "get": _admin("List hooks"),
            "post": _admin("Create a hook", 201, "hook.create"),
        },
        "/api/v1/hooks/{hook_id}": {
            "parameters": hook_id,
            "get": _admin("A hook", errors=(404,)),
            "patch": _admin("Change a hook", body="hook.update", errors=(404,)),
            "delete": _admin("Delete a hook", 204, errors=(404,)),
        },
        "/api/v1/hooks/{hook_id}/samples": {
            "parameters": hook_id,
            "get": _admin(
                "The hook's last received bodies, as the field paths a mapping can use",
                errors=(404,),
                data=SAMPLES,
            ),
        },
        "/api/v1/hooks/{hook_id}/rotate": {
            "parameters": hook_id,
            "post": _admin(
                "Rotate the hook URL and/or secrets (exactly those named)",
                body="hook.rotate",
                errors=(404, 409),
            ),
        },
        "/api/v1/jobs": {
            "get": {
                **_admin("Search the job history", errors=(400,), data=jobs),
                "parameters": _job_filters(),
            }
        },
        "/api/v1/jobs/retry": {
            "post": _admin("Retry every job matching a filter", 202, "jobs.filter")
        },
        "/api/v1/jobs/{job_id}": {
            "parameters": job_id,
            "get": _admin("A job with attempts and deliveries", errors=(404,), data=REF_JOB),
        },
        "/api/v1/jobs/{job_id}/retry": {
            "parameters": job_id,
            "post": _admin("Retry a job", 202, "job.retry", errors=(404, 409), data=REF_JOB),
        },
        "/api/v1/jobs/{job_id}/cancel": {
            "parameters": job_id,
            "post": _admin("Cancel a job", errors=(404, 409), data=REF_JOB),
        },
        **_review_paths(job_id),
        "/api/v1/attention": {"get": _admin("What needs a person: the console's header count")},
    }


def _review_paths(job_id: list[dict[str, Any]]) -> dict[str, Any]:
    """A person's decisions on one job. Resolving may answer 202 (recheck, or a composite
    action running on from a linked step) and replaying 200 (the replay was ignored)."""
    resolve = _admin("Resolve a job waiting for review", 200, "job.resolve", (404, 409), REF_JOB)
    resolve["responses"]["202"] = _resp("Queued to run (recheck, or the rest of a composite)")
    replay = _admin("Replay a rejected or failed job as a new job", 202, None, (404, 409, 422))
    replay["responses"]["200"] = _resp("Replayed, and ignored (not a submission)")
    bulk = _admin("Replay every rejected (or failed) job matching a filter", 202, "jobs.replay")
    return {
        "/api/v1/jobs/replay": {"post": bulk},
        "/api/v1/jobs/{job_id}/resolve": {"parameters": job_id, "post": resolve},
        "/api/v1/jobs/{job_id}/replay": {"parameters": job_id, "post": replay},
        "/api/v1/jobs/{job_id}/redeliver": {
            "parameters": job_id,
            "post": _admin("Send the job's last callback again", 202, errors=(404, 409)),
        },
    }


def _service_paths() -> dict[str, Any]:
    return {
        "/healthz": {"get": {"summary": "Process is up", "responses": {"200": _resp("OK")}}},
        "/readyz": {
            "get": {
                "summary": "SQL and Redis answer",
                "responses": {"200": _resp("Ready", READY), "503": _resp("Not ready", READY)},
            }
        },
        "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": _resp("OK")}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": _resp("OK")}}},
    }


def spec(public_url: str | None = None) -> dict[str, Any]:
    """The document; ``public_url`` (default: this app's RELAY_PUBLIC_URL) is its server."""
    hook_id = [_param("hook_id")]
    actions = {f"action.{name}": action.schema for name, action in registry().items()}
    bodies = {f"body.{name}": body_schema(name) for name in SCHEMAS}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Esqase Relay", "version": __version__},
        "servers": [{"url": public_url or current_app.config["PUBLIC_URL"]}],
        "paths": {**_ingest_paths(hook_id), **_admin_paths(hook_id), **_service_paths()},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR, "Job": JOB, **bodies, **actions},
        },
    }
