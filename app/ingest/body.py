"""Reading a trigger body the way Zapier, Make, n8n and HTML forms really send it.

JSON must be an object. Form-encoded and multipart bodies become
``{name: [values...]}`` (repeated keys are how forms send lists); uploaded
files are noted by name but not relayed, since Esqase takes no files here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from flask import Request

from ..errors import BadRequest, UnsupportedMediaType
from ..text import NotText, check_text

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_TYPES = ("application/json",)


@dataclass(frozen=True)
class Body:
    kind: Literal["json", "form"]
    fields: dict[str, Any]
    files: tuple[str, ...] = ()


def media_type(request: Request) -> str:
    return (request.mimetype or "").lower()


def read_body(request: Request) -> Body:
    mtype = media_type(request)
    if mtype in JSON_TYPES or mtype.endswith("+json"):
        return Body("json", _json_object(request.get_data(cache=True)))
    if mtype in FORM_TYPES:
        fields = request.form.to_dict(flat=False)
        _text(fields)
        return Body("form", fields, tuple(sorted(request.files.keys())))
    if not mtype and not request.get_data(cache=True):
        return Body("json", {})
    shown = mtype or "none"
    raise UnsupportedMediaType(
        f"Content-Type {shown!r} is not supported. Send JSON (application/json) or form "
        "fields (application/x-www-form-urlencoded or multipart/form-data). In Zapier's "
        "Webhooks POST choose Payload Type 'json' or 'form'; in Make's HTTP module choose "
        "'JSON' or 'application/x-www-form-urlencoded'.",
        code="unsupported_media_type",
    )


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _json_object(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw, parse_constant=_no_constants, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise _invalid(f" at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except UnicodeDecodeError:
        raise _invalid(": it is not valid UTF-8 text") from None
    except RecursionError:
        raise _invalid(": it is nested too deeply") from None
    except ValueError as exc:  # NaN/Infinity, or an integer with thousands of digits
        raise _invalid(f": {exc}") from None
    if not isinstance(value, dict):
        raise BadRequest(
            f'The JSON body must be an object like {{"email": "..."}}, '
            f"not {type(value).__name__ if value is not None else 'null'}.",
            code="invalid_json",
        )
    _text(value)
    return value


def _invalid(why: str) -> BadRequest:
    return BadRequest(
        f"The body is not valid JSON{why}. Check for a missing quote or comma, or send the "
        "data as form fields instead.",
        code="invalid_json",
    )


def _text(value: Any) -> None:
    try:
        check_text(value)
    except NotText as exc:
        raise BadRequest(f"{exc.message}.", code="invalid_body") from None
