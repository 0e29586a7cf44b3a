"""Small helpers shared by the admin views: the envelope and body reading."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from ..errors import BadRequest


def ok(data: Any, status: int = 200, **extra: Any) -> Response:
    response = jsonify({"data": data, **extra})
    response.status_code = status
    return response


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        raise BadRequest("The body must be JSON.", code="invalid_json")
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("The JSON body must be an object.", code="invalid_json")
    return body
