"""Reading a trigger body the way Zapier, Make, n8n and HTML forms really send it.

JSON must be an object. Form-encoded and multipart bodies become
``{name: [values...]}`` (repeated keys are how forms send lists); uploaded
files are noted by name but not relayed, since Esqase takes no files here.

The bytes come whole or not at all (``rawbody`` guards the stream: framing,
truncation, the size limit); what they say is parsed strictly (``strictjson``,
``forms``): a body that cannot be read exactly as sent is refused, never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flask import Request

from ..errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from ..text import NotText, check_text
from . import forms, strictjson

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_TYPES = ("application/json",)


@dataclass(frozen=True)
class Body:
    kind: Literal["json", "form"]
    fields: dict[str, Any]
    files: tuple[str, ...] = ()


def media_type(request: Request) -> str:
    return (request.mimetype or "").lower()


def is_json(mtype: str) -> bool:
    return mtype in JSON_TYPES or mtype.endswith("+json")


def read_body(request: Request) -> Body:
    mtype = media_type(request)
    if is_json(mtype):
        return Body("json", _json_object(request.get_data(cache=True)))
    if mtype in FORM_TYPES:
        return _form(mtype, request.mimetype_params, request.get_data(cache=True))
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


def _form(mtype: str, params: dict[str, str], raw: bytes) -> Body:
    try:
        if mtype == "multipart/form-data":
            fields, files = forms.multipart(raw, params.get("boundary"))
        else:
            fields, files = forms.urlencoded(raw, _charset(params.get("charset"))), ()
    except forms.TooManyFields as exc:
        raise PayloadTooLarge(
            f"The form body cannot be read{exc.why}. Send fewer fields.", code="too_many_fields"
        ) from None
    except forms.NotForm as exc:
        raise BadRequest(
            f"The form body cannot be read{exc.why}. Send the form again as UTF-8 "
            "application/x-www-form-urlencoded or multipart/form-data, or send JSON.",
            code="invalid_form",
        ) from None
    _text(fields)
    return Body("form", fields, files)


def _charset(declared: str | None) -> str:
    encoding = forms.codec(declared)
    if encoding is None:
        raise UnsupportedMediaType(
            f"charset {declared!r} is not one a form can be sent in here. Send the form as "
            "UTF-8 (charset=utf-8, or no charset at all).",
            code="unsupported_charset",
        )
    return encoding


def _json_object(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        value = strictjson.loads(raw)
    except strictjson.NotJSON as exc:
        raise BadRequest(
            f"The body is not valid JSON{exc.why}. Check for a missing quote or comma, or "
            "send the data as form fields instead.",
            code="invalid_json",
        ) from None
    if not isinstance(value, dict):
        raise BadRequest(
            f'The JSON body must be an object like {{"email": "..."}}, '
            f"not {type(value).__name__ if value is not None else 'null'}.",
            code="invalid_json",
        )
    _text(value)
    return value


def _text(value: Any) -> None:
    try:
        check_text(value)
    except NotText as exc:
        raise BadRequest(f"{exc.message}.", code="invalid_body") from None
