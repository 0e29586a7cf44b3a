"""Relay errors, and the one place they become HTTP responses.

::

    RelayError                      (500 internal_error)
    ├── BadRequest                  400 bad_request / invalid_json / invalid_form /
    │                                   invalid_framing / body_incomplete
    ├── Unauthorized                401 unauthorized / bad_signature
    ├── Forbidden                   403 forbidden / origin_not_allowed
    ├── NotFound                    404 not_found
    ├── Conflict                    409 conflict
    ├── PayloadTooLarge             413 payload_too_large / too_many_fields
    ├── UnsupportedMediaType        415 unsupported_media_type / unsupported_charset
    ├── ValidationFailed            422 validation_failed (details: one per problem)
    └── RateLimited                 429 rate_limited (Retry-After)

Werkzeug's own HTTP errors (routing, a client gone mid-body, MAX_CONTENT_LENGTH) are
translated here too, so every 4xx reads the same way.

Every response body has the shape
``{"error": {"code", "message", "details": [...]}}`` so a no-code user sees a
sentence, and a program sees a stable code.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import ClientDisconnected, HTTPException

log = logging.getLogger(__name__)


class RelayError(Exception):
    status = 500
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or []
        self.headers = headers or {}
        # Top-level fields beside "error", e.g. the id of the rejected job.
        self.extra: dict[str, Any] = {}

    def body(self) -> dict[str, Any]:
        error = {"code": self.code, "message": self.message, "details": self.details}
        return {"error": error, **self.extra}


class BadRequest(RelayError):
    status, code = 400, "bad_request"


class Unauthorized(RelayError):
    status, code = 401, "unauthorized"


class Forbidden(RelayError):
    status, code = 403, "forbidden"


class NotFound(RelayError):
    status, code = 404, "not_found"


class Conflict(RelayError):
    status, code = 409, "conflict"


class PayloadTooLarge(RelayError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(RelayError):
    status, code = 415, "unsupported_media_type"


class ValidationFailed(RelayError):
    status, code = 422, "validation_failed"


class RateLimited(RelayError):
    status, code = 429, "rate_limited"


def body_too_large(limit: int) -> PayloadTooLarge:
    """One sentence for every way a body can be too large: announced by Content-Length,
    counted while a chunked body streams, or a form with too many parts."""
    size = f"{limit // 1024} KiB" if limit % 1024 == 0 else f"{limit} bytes"
    return PayloadTooLarge(
        "The request body is larger than this relay accepts. Send fewer or smaller fields. "
        f"The limit is {size}; nothing was accepted."
    )


def error_response(exc: RelayError) -> Response:
    response = jsonify(exc.body())
    response.status_code = exc.status
    for name, value in exc.headers.items():
        response.headers[name] = value
    return response


# Werkzeug's own HTTP errors (routing 404/405, 413 from MAX_CONTENT_LENGTH, a client
# gone mid-body) get the same body shape and a friendlier sentence.
_HTTP_MESSAGES = {
    404: ("not_found", "Nothing is here. Check the URL."),
    405: ("method_not_allowed", "This URL does not accept that method."),
}
_DISCONNECTED = (
    "body_incomplete",
    "The body ended before all of it arrived (the connection was closed early). "
    "Nothing was accepted: send it again.",
)


def _from_http(exc: HTTPException, limit: int) -> RelayError:
    status = exc.code or 500
    if status == 413:
        return body_too_large(limit)
    if isinstance(exc, ClientDisconnected):
        code, message = _DISCONNECTED
    else:
        code, message = _HTTP_MESSAGES.get(
            status, (exc.name.lower().replace(" ", "_"), exc.description or exc.name)
        )
    # werkzeug's own headers stay (a 405's Allow: RFC 9110 requires it); its body does not.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    err = RelayError(message, code=code, headers=headers)
    err.status = status
    return err


def init_app(app: Flask) -> None:
    @app.errorhandler(RelayError)
    def _relay_error(exc: RelayError) -> Response:
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return error_response(_from_http(exc, int(app.config["MAX_BODY_BYTES"])))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # The traceback goes to the log, never to the caller.
        log.exception("unhandled error")
        return error_response(RelayError("Something went wrong on our side; it has been logged."))
