"""Reading request bodies the way the API does.

Unparseable JSON, or JSON that is not an object, is answered 400 ``bad_request`` (not 422):
there are no fields to point at, and a client that sends it has a bug rather than bad data.
An empty body reads as ``{}`` so a body-less create reports the missing required fields.
"""

from __future__ import annotations

import json
from typing import Any

from flask import request

from sandbox.errors import ApiError


def json_object() -> dict[str, Any]:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, f"The body is not valid JSON: {exc}.") from exc
    if not isinstance(body, dict):
        raise ApiError(400, f"The body must be a JSON object, not {type(body).__name__}.")
    return body
