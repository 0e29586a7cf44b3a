"""/openapi.json: the public contract, written as data so it can't drift from the routes silently
(a test compares its paths with the app's URL map)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app

from actions import registry

from .. import __version__
from . import bp

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
JOB = {
    "type": "object",
    "required": ["id", "status", "action", "created_at", "status_url"],
    "properties": {
        "id": {"type": "string"},
        "status": {
            "enum": [
                "rejected",
                "queued",
                "running",
                "retrying",
                "succeeded",
                "failed",
                "needs_review",
                "canceled",
            ]
        },
        "action": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "status_url": {"type": "string"},
        "result": {"type": "object"},
        "error": {"type": "object"},
    },
}


def _resp(desc: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": desc}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def _err(*codes: int) -> dict[str, Any]:
    text = {
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
    return {str(c): _resp(text[c], ERROR) for c in codes}


def _admin(summary: str, ok: int = 200, body: bool = False, errors: tuple[int, ...] = ()) -> dict:
    op: dict[str, Any] = {
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": {str(ok): _resp("OK", {"type": "object"}), **_err(401, *errors)},
    }
    if body:
        op["requestBody"] = {"content": {"application/json": {"schema": {"type": "object"}}}}
    return op


def _param(name: str, where: str = "path") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": {"type": "string"}}


def spec() -> dict[str, Any]:
    hook_id = [_param("hook_id")]
    job_filters = [
        _param(n, "query")
        for n in ("status", "action", "hook_id", "since", "until", "q", "limit", "cursor")
    ]
    ingest_body = {
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            "multipart/form-data": {"schema": {"type": "object"}},
        }
    }
    paths: dict[str, Any] = {
        "/hooks/{hook_id}": {
            "parameters": hook_id,
            "post": {
                "summary": "Deliver a trigger payload to a hook",
                "parameters": [_param("wait", "query"), _param("Idempotency-Key", "header")],
                "requestBody": ingest_body,
                "responses": {
                    "202": _resp("Accepted and queued", JOB),
                    "200": _resp("Finished within wait, or an idempotent replay", JOB),
                    **_err(400, 401, 403, 404, 413, 415, 422, 429),
                },
            },
            "options": {"summary": "CORS preflight", "responses": {"204": _resp("OK")}},
        },
        "/hooks/{hook_id}/jobs/{job_id}": {
            "parameters": [*hook_id, _param("job_id")],
            "get": {
                "summary": "A job's public view",
                "responses": {"200": _resp("OK", JOB), **_err(404)},
            },
        },
        "/api/v1/actions": {"get": _admin("List actions")},
        "/api/v1/actions/{name}": {
            "parameters": [_param("name")],
            "get": _admin("An action's schema, scope and example", errors=(404,)),
        },
        "/api/v1/connections": {
            "get": _admin("List connections"),
            "post": _admin("Create a connection", 201, True, (422,)),
        },
        "/api/v1/connections/{conn_id}": {
            "parameters": [_param("conn_id")],
            "get": _admin("A connection", errors=(404,)),
            "patch": _admin("Change a connection", body=True, errors=(404, 422)),
            "delete": _admin("Delete a connection", 204, errors=(404, 409)),
        },
        "/api/v1/connections/{conn_id}/check": {
            "parameters": [_param("conn_id")],
            "post": _admin("Try the key against Esqase", errors=(404,)),
        },
        "/api/v1/hooks": {
            "get": _admin("List hooks"),
            "post": _admin("Create a hook", 201, True, (422,)),
        },
        "/api/v1/hooks/{hook_id}": {
            "parameters": hook_id,
            "get": _admin("A hook", errors=(404,)),
            "patch": _admin("Change a hook", body=True, errors=(404, 422)),
            "delete": _admin("Delete a hook", 204, errors=(404,)),
        },
        "/api/v1/hooks/{hook_id}/rotate": {
            "parameters": hook_id,
            "post": _admin("Rotate the hook URL and/or secrets", body=True, errors=(404, 422)),
        },
        "/api/v1/jobs": {
            "get": {**_admin("Search the job history", errors=(400,)), "parameters": job_filters}
        },
        "/api/v1/jobs/retry": {
            "post": _admin("Retry every job matching a filter", 202, True, (400,))
        },
        "/api/v1/jobs/{job_id}": {
            "parameters": [_param("job_id")],
            "get": _admin("A job with attempts and deliveries", errors=(404,)),
        },
        "/api/v1/jobs/{job_id}/retry": {
            "parameters": [_param("job_id")],
            "post": _admin("Retry a job", 202, errors=(404, 409)),
        },
        "/api/v1/jobs/{job_id}/cancel": {
            "parameters": [_param("job_id")],
            "post": _admin("Cancel a job", errors=(404, 409)),
        },
        "/healthz": {"get": {"summary": "Process is up", "responses": {"200": _resp("OK")}}},
        "/readyz": {
            "get": {
                "summary": "SQL and Redis answer",
                "responses": {"200": _resp("Ready"), "503": _resp("Not ready", ERROR)},
            }
        },
        "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": _resp("OK")}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": _resp("OK")}}},
    }
    schemas = {name: action.schema for name, action in registry().items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Esqase Relay", "version": __version__},
        "servers": [{"url": current_app.config["PUBLIC_URL"]}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": ERROR,
                "Job": JOB,
                **{f"action:{k}": v for k, v in schemas.items()},
            },
        },
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    from flask import jsonify

    return jsonify(spec())
