"""A small client for the Esqase REST API over one pooled ``httpx.Client``.

Resource names are the API's path segments (``contacts``, ``practice-areas``).
Foreign exceptions (httpx) are translated into :mod:`app.esqase.errors` at
one boundary, :meth:`EsqaseClient._send`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from .errors import ApiError, NotSent, SentNoAnswer

RESOURCES = ("contacts", "matters", "leads", "practice-areas", "matter-types")
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# A Retry-After beyond a day is a server bug, not a plan; waiting longer would strand the job.
MAX_RETRY_AFTER = 86_400.0


@dataclass(frozen=True)
class Call:
    """One HTTP call as the job history records it: no headers, no body, no key."""

    method: str
    path: str
    status: int | None
    duration_ms: int
    error: str | None = None
    # False only when the request provably never left (connect failed).
    sent: bool = True


@dataclass(frozen=True)
class Page:
    data: list[dict[str, Any]]
    limit: int
    offset: int
    total: int


CallObserver = Callable[[Call], None]
SendObserver = Callable[[str, str], None]


class EsqaseClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        on_call: CallObserver | None = None,
        on_send: SendObserver | None = None,
    ) -> None:
        """``http`` lets a worker share one pooled client across many keys;
        the key then travels per request, never in the shared client."""
        self._base = base_url.rstrip("/")
        self._auth = {"Authorization": f"Bearer {api_key}"}
        self._own_http = http is None
        self._http = http or httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": "esqase-relay"},
        )
        self.on_call = on_call
        self.on_send = on_send

    def __repr__(self) -> str:
        return f"EsqaseClient(base_url={self._base!r})"

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    def __enter__(self) -> EsqaseClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- resource verbs -------------------------------------------------------

    def list(
        self, resource: str, *, limit: int | None = None, offset: int = 0, **params: Any
    ) -> Page:
        query: dict[str, Any] = {k: v for k, v in params.items() if v is not None}
        if limit is not None:
            query["limit"] = limit
        if offset:
            query["offset"] = offset
        body = self._send("GET", _path(resource), params=query)
        page = body.get("pagination") or {}
        data = body.get("data") or []
        return Page(
            data=data,
            limit=int(page.get("limit", len(data))),
            offset=int(page.get("offset", offset)),
            total=int(page.get("total", len(data))),
        )

    def iterate(
        self, resource: str, *, page_size: int | None = None, **params: Any
    ) -> Iterator[dict[str, Any]]:
        """Every record across pages; stops when ``offset`` reaches ``total``."""
        offset = 0
        while True:
            page = self.list(resource, limit=page_size, offset=offset, **params)
            yield from page.data
            offset += len(page.data)
            if not page.data or offset >= page.total:
                return

    def create(self, resource: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._send("POST", _path(resource), json=data)["data"]

    def get(self, resource: str, id: str) -> dict[str, Any]:
        return self._send("GET", _path(resource, id))["data"]

    def update(self, resource: str, id: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._send("PATCH", _path(resource, id), json=data)["data"]

    def delete(self, resource: str, id: str) -> None:
        self._send("DELETE", _path(resource, id))

    # -- the one boundary with httpx -------------------------------------------

    def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        if self.on_send:
            self.on_send(method, path)
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        sent = True
        try:
            try:
                response = self._http.request(
                    method, self._base + path, headers=self._auth, **kwargs
                )
            except httpx.ConnectError as exc:
                error, sent = "connection failed", False
                raise NotSent(
                    _describe(exc, "connection failed"), method=method, path=path
                ) from exc
            except httpx.ConnectTimeout as exc:
                error, sent = "connect timeout", False
                raise NotSent("connect timed out", method=method, path=path) from exc
            except httpx.PoolTimeout as exc:
                error, sent = "pool timeout", False
                raise NotSent("no free connection in the pool", method=method, path=path) from exc
            except (
                httpx.TimeoutException,
                httpx.RemoteProtocolError,
                httpx.ReadError,
                httpx.WriteError,
            ) as exc:
                error = _describe(exc, "no answer")
                raise SentNoAnswer(error, method=method, path=path) from exc
            except (httpx.HTTPError, httpx.InvalidURL):
                # e.g. LocalProtocolError, whose message quotes the offending header:
                # that could be the Authorization header, so nothing of it is kept.
                error, sent = "the request could not be built", False
                raise NotSent(error, method=method, path=path) from None
            status = response.status_code
            if response.is_success:
                return _json(response, method, path)
            raise _api_error(response, method, path)
        finally:
            if self.on_call:
                duration = int((time.monotonic() - started) * 1000)
                self.on_call(Call(method, path, status, duration, error, sent))


def _path(resource: str, id: str | None = None) -> str:
    if resource not in RESOURCES:
        raise ValueError(f"unknown Esqase resource {resource!r}; known: {', '.join(RESOURCES)}")
    return f"/v1/{resource}" if id is None else f"/v1/{resource}/{quote(str(id), safe='')}"


def _json(response: httpx.Response, method: str, path: str) -> dict[str, Any]:
    if not response.content:
        return {}
    try:
        body = response.json()
    except ValueError as exc:
        raise ApiError(
            response.status_code,
            "the API answered with a body that is not JSON",
            code="invalid_response",
            method=method,
            path=path,
        ) from exc
    return body if isinstance(body, dict) else {"data": body}


def _describe(exc: Exception, fallback: str) -> str:
    kind = type(exc).__name__
    return {
        "ReadTimeout": "read timed out",
        "WriteTimeout": "write timed out",
        "RemoteProtocolError": "connection closed without an answer",
        "ReadError": "connection lost while reading the answer",
        "WriteError": "connection lost while sending",
    }.get(kind, fallback)


def _api_error(response: httpx.Response, method: str, path: str) -> ApiError:
    code = None
    message = response.reason_phrase or f"HTTP {response.status_code}"
    details: list[dict[str, Any]] = []
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        code = err.get("code")
        message = str(err.get("message") or message)
        details = [d for d in err.get("details") or [] if isinstance(d, dict)]
    return ApiError(
        response.status_code,
        message,
        code=code,
        details=details,
        retry_after=_retry_after(response.headers.get("Retry-After")),
        method=method,
        path=path,
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds form only; the HTTP-date form is converted too because proxies use it."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    if seconds != seconds:  # NaN
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)
