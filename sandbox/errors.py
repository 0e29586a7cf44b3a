"""Error bodies, in the one shape the Esqase API uses everywhere.

Every failure the sandbox answers looks like::

    {"error": {"code": "validation_error",
               "message": "The request has 2 problems.",
               "details": [{"field": "openDate", "message": "must be a date ..."}]}}

``details`` is always present (empty unless fields are at fault) so clients can read it
without a guard. Codes are snake_case: unauthorized, forbidden, not_found,
method_not_allowed, validation_error, bad_request, rate_limited, internal_error, and for
any other status the snake_case of its reason phrase (e.g. service_unavailable).

Views raise :class:`ApiError`; :func:`install` maps it, werkzeug's HTTP exceptions and any
unexpected exception to that shape in one place.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES

FieldError = dict[str, str]

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}

_MESSAGES = {
    400: "The request could not be understood.",
    401: "A valid API key is required.",
    403: "This API key is not allowed to do that.",
    404: "Nothing was found at this address.",
    405: "This method is not allowed on this address.",
    422: "The request has problems.",
    429: "Too many requests; slow down and retry later.",
    500: "Something went wrong on our side.",
    502: "An upstream service answered badly.",
    503: "The service is temporarily unavailable; retry later.",
    504: "An upstream service did not answer in time.",
}

log = logging.getLogger(__name__)


def field_error(field: str, message: str) -> FieldError:
    return {"field": field, "message": message}


def code_for(status: int) -> str:
    """Known codes first; otherwise the reason phrase, so injected statuses stay readable."""
    if status in _CODES:
        return _CODES[status]
    phrase = HTTP_STATUS_CODES.get(status)
    if phrase:
        return phrase.lower().replace(" ", "_").replace("-", "_").replace("'", "")
    return "internal_error" if status >= 500 else "bad_request"


def default_message(status: int) -> str:
    if status in _MESSAGES:
        return _MESSAGES[status]
    phrase = HTTP_STATUS_CODES.get(status, "Error")
    return f"{phrase}."


class ApiError(Exception):
    """A failure that becomes an error response; carries everything the body needs."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        details: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        self.status = status
        self.message = message or default_message(status)
        self.details = details or []
        self.headers = headers or {}
        self.code = code or code_for(status)
        super().__init__(self.message)


def validation_error(details: list[FieldError]) -> ApiError:
    count = len(details)
    noun = "problem" if count == 1 else "problems"
    return ApiError(422, f"The request has {count} {noun}; see details.", details)


def error_body(
    status: int,
    message: str | None = None,
    details: list[FieldError] | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    return {
        "error": {
            "code": code or code_for(status),
            "message": message or default_message(status),
            "details": details or [],
        }
    }


def error_response(
    status: int,
    message: str | None = None,
    details: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    code: str | None = None,
) -> Response:
    response = jsonify(error_body(status, message, details, code))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.message, exc.details, exc.headers, exc.code)


def _from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers: dict[str, str] = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return error_response(status, default_message(status), headers=headers)


def _from_unexpected(exc: Exception) -> Response:
    # A bug in the sandbox must not look like a well-formed upstream answer; log it loudly.
    log.exception("sandbox failed while handling a request", exc_info=exc)
    return error_response(500)


def install(app: Flask) -> None:
    app.register_error_handler(ApiError, _from_api_error)
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(Exception, _from_unexpected)
