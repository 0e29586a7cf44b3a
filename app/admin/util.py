"""Small helpers shared by the admin views: the envelope and body reading."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from ..errors import BadRequest, UnsupportedMediaType, ValidationFailed
from ..ingest.body import is_json, media_type
from ..ingest.strictjson import NotJSON, loads
from ..text import NotText, check_text


def ok(data: Any, status: int = 200, **extra: Any) -> Response:
    response = jsonify({"data": data, **extra})
    response.status_code = status
    return response


def json_body() -> dict[str, Any]:
    """The JSON object an admin request sent ({} for no body), parsed as strictly as a
    hook delivery (the same parser), so no body can reach a 500."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    if not is_json(media_type(request)):
        raise UnsupportedMediaType(
            "Send the body as JSON, with 'Content-Type: application/json'.",
            code="unsupported_media_type",
        )
    try:
        body = loads(raw)
    except NotJSON as exc:
        raise BadRequest(f"The body is not valid JSON{exc.why}.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise BadRequest(
            'The JSON body must be an object like {"name": "..."}.', code="invalid_json"
        )
    try:
        check_text(body)
    except NotText as exc:
        # The same answer the body schemas give: a 422 that names the field.
        raise ValidationFailed(
            "The request body has 1 problem(s).",
            details=[{"path": exc.path, "message": exc.message}],
        ) from None
    return body
