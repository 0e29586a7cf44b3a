"""Errors raised by :class:`~app.esqase.client.EsqaseClient`.

::

    EsqaseError
    ├── ApiError                 the API answered with a non-2xx status
    │     status, code, message, details, retry_after
    └── TransportError           no usable answer
        ├── NotSent              connect failed: the request never left; retrying is safe
        └── SentNoAnswer         timeout or dropped connection after sending:
                                 a create may have happened upstream

The split between *not sent* and *sent, no answer* is what lets the worker
retry a create safely in one case and hand it to a person in the other.
No message, repr or detail ever contains the API key: requests are described
by method and path only.
"""

from __future__ import annotations

from typing import Any


class EsqaseError(Exception):
    """Base of every error from talking to Esqase."""


class ApiError(EsqaseError):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        retry_after: float | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.retry_after = retry_after
        self.method = method
        self.path = path
        super().__init__(f"{method} {path} -> {status} {code or ''}: {message}".strip())

    def __repr__(self) -> str:
        return f"ApiError(status={self.status}, code={self.code!r}, message={self.message!r})"


class TransportError(EsqaseError):
    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        self.method = method
        self.path = path
        self.reason = message
        super().__init__(f"{method} {path}: {message}".strip(": "))


class NotSent(TransportError):
    """The connection failed before the request was sent."""


class SentNoAnswer(TransportError):
    """The request went out but no answer came back (timeout, dropped connection)."""
