"""Reading request bodies the way the API does.

Unparseable JSON, or JSON that is not an object, is answered 400 ``bad_request`` (not 422):
there are no fields to point at, and a client that sends it has a bug rather than bad data.
The same goes for JSON nested too deeply to parse, for numbers JSON cannot carry (``NaN``,
``Infinity``, ``-Infinity``, or a literal such as ``1e400`` that overflows to infinity), and
for a body that cannot be read at all (a broken chunked encoding, a client that hangs up).
An empty body reads as ``{}`` so a body-less create reports the missing required fields.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import request
from werkzeug.exceptions import ClientDisconnected

from sandbox.errors import ApiError


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 24 else f"{text[:20]}..."
        raise ValueError(f"{shown} is too large for a number")
    return value


def _read_body() -> bytes:
    try:
        return request.get_data(cache=True)
    except (OSError, ClientDisconnected) as exc:
        message = "The body could not be read; check its length or chunked encoding."
        raise ApiError(400, message) from exc


def json_object() -> dict[str, Any]:
    raw = _read_body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError as exc:
        raise ApiError(400, "The body is nested too deeply to read.") from exc
    except ValueError as exc:
        raise ApiError(400, f"The body is not valid JSON: {exc}.") from exc
    if not isinstance(body, dict):
        raise ApiError(400, f"The body must be a JSON object, not {type(body).__name__}.")
    return body
