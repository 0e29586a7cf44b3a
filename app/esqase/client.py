"""A small client for the Esqase REST API over one pooled ``httpx.Client``.

Resource names are the API's path segments (``contacts``, ``practice-areas``).
Foreign exceptions (httpx) are translated into :mod:`app.esqase.errors` at
one boundary, :meth:`EsqaseClient._send`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from .calls import UNREADABLE, Call, CallJournal
from .errors import ApiError, NotSent, SentNoAnswer

RESOURCES = ("contacts", "matters", "leads", "practice-areas", "matter-types")
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# A Retry-After beyond a day is a server bug, not a plan; waiting longer would strand the job.
MAX_RETRY_AFTER = 86_400.0


@dataclass(frozen=True)
class Page:
    data: list[dict[str, Any]]
    limit: int
    offset: int
    total: int


class EsqaseClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        journal: CallJournal | None = None,
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
        self.journal = journal

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
        path = _path(resource)
        body = self._send("GET", path, params=query)
        data = body.get("data")
        page = body.get("pagination") or {}
        if not isinstance(data, list) or not isinstance(page, dict):
            raise _unreadable("GET", path, 200)
        try:
            return Page(
                data=data,
                limit=int(page.get("limit") or len(data)),
                offset=int(page.get("offset") or offset),
                total=int(page.get("total") or 0) if "total" in page else len(data),
            )
        except (TypeError, ValueError):
            raise _unreadable("GET", path, 200) from None

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
        return self._record("POST", _path(resource), json=data)

    def get(self, resource: str, id: str) -> dict[str, Any]:
        return self._record("GET", _path(resource, id))

    def update(self, resource: str, id: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._record("PATCH", _path(resource, id), json=data)

    def delete(self, resource: str, id: str) -> None:
        self._send("DELETE", _path(resource, id))

    def _record(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        record: dict[str, Any] = self._send(method, path, expect_record=True, **kwargs)["data"]
        return record

    # -- the one boundary with httpx -------------------------------------------

    def _send(
        self, method: str, path: str, *, expect_record: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        """Three phases, three meanings. Building the request (a body that is not JSON,
        a header that is not ASCII) fails before anything leaves: ``NotSent``. Sending
        can fail to connect (``NotSent``) or fail after the request went out
        (``SentNoAnswer``). Once a status is known, an unreadable body is an
        ``ApiError``. Errors are raised outside the ``except`` blocks on purpose: a
        chained httpx error could quote the Authorization header."""
        try:
            request = self._http.build_request(
                method, self._base + path, headers=self._auth, **kwargs
            )
            failure: Exception | None = None
        except Exception:  # noqa: BLE001 - any of them means nothing was sent
            failure = NotSent("the request could not be built", method=method, path=path)
        if failure is not None:
            self._observe(Call(method, path, None, 0, "the request could not be built", False))
            raise failure

        if self.journal is not None:
            self.journal.before_send(method, path, kwargs.get("json"))
        started = time.monotonic()
        response: httpx.Response | None = None
        try:
            response = self._http.send(request)
        except (
            httpx.ConnectError,
            httpx.ConnectTimeout,
            httpx.PoolTimeout,
            httpx.LocalProtocolError,  # refused to send (e.g. a header h11 rejects)
            httpx.UnsupportedProtocol,
        ) as exc:
            failure = NotSent(_describe(exc, "connection failed"), method=method, path=path)
        except httpx.HTTPError as exc:
            failure = SentNoAnswer(_describe(exc, "no answer"), method=method, path=path)
        duration = int((time.monotonic() - started) * 1000)
        if response is None:
            assert failure is not None
            sent = not isinstance(failure, NotSent)
            self._observe(Call(method, path, None, duration, _reason(failure), sent))
            raise failure

        if not response.is_success:
            self._observe(Call(method, path, response.status_code, duration))
            raise _api_error(response, method, path)
        body = _json(response)
        if body is None or (expect_record and not isinstance(body.get("data"), dict)):
            # It happened (2xx) but the record cannot be read: as unknown as no answer.
            self._observe(Call(method, path, response.status_code, duration, UNREADABLE))
            raise _unreadable(method, path, response.status_code)
        self._observe(Call(method, path, response.status_code, duration))
        return body

    def _observe(self, call: Call) -> None:
        if self.journal is not None:
            self.journal.record(call)


def _reason(error: Exception) -> str:
    return str(getattr(error, "reason", None) or error)


def _unreadable(method: str, path: str, status: int) -> ApiError:
    return ApiError(
        status,
        "the API answered with a body this client cannot read",
        code="invalid_response",
        method=method,
        path=path,
    )


def _path(resource: str, id: str | None = None) -> str:
    if resource not in RESOURCES:
        raise ValueError(f"unknown Esqase resource {resource!r}; known: {', '.join(RESOURCES)}")
    return f"/v1/{resource}" if id is None else f"/v1/{resource}/{quote(str(id), safe='')}"


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json() if response.content else {}
    except (ValueError, httpx.HTTPError):
        return None
    return body if isinstance(body, dict) else None


def _describe(exc: Exception, fallback: str) -> str:
    """A fixed sentence per kind: httpx messages are never passed on (they can quote
    request details)."""
    kind = type(exc).__name__
    return {
        "ConnectError": "connection failed",
        "ConnectTimeout": "connect timed out",
        "PoolTimeout": "no free connection in the pool",
        "ReadTimeout": "read timed out",
        "WriteTimeout": "write timed out",
        "RemoteProtocolError": "connection closed without an answer",
        "ReadError": "connection lost while reading the answer",
        "WriteError": "connection lost while sending",
        "DecodingError": "the answer could not be decoded",
        "LocalProtocolError": "the request could not be sent as built",
        "UnsupportedProtocol": "the base URL's scheme is not http or https",
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
