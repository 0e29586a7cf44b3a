"""An httpx transport over any ``httpcore`` connection pool, through public API only.

httpx's own ``HTTPTransport`` builds its pool itself and keeps it private, so a
pool with a custom network backend (the SSRF guard in :mod:`.netguard`) needs
a transport of its own. This is that transport, doing what
``HTTPTransport.handle_request`` does on top of its pool: the request is handed
to the pool as it is, the body streams back as it arrives, and httpcore's
exceptions become httpx's (:data:`HTTPX_ERRORS`) so callers catch
``httpx.TimeoutException`` and friends as with any client. Only names both
libraries document are used: ``httpx.BaseTransport``, ``httpx.SyncByteStream``,
``httpx.Response``, ``httpx.URL.raw_*``; ``httpcore.Request``, ``httpcore.URL``
and the pool's ``handle_request``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

HTTPX_ERRORS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.ProtocolError: httpx.ProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
}
"""httpcore's exception -> httpx's of the same name, as httpx's own transport maps them.
Anything else (the guard's ``BlockedAddress`` above all) passes through unchanged."""


class PoolTransport(httpx.BaseTransport):
    """Requests go to ``pool``; closing the transport closes the pool."""

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self._pool = pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.SyncByteStream):
            raise TypeError("this transport is synchronous; use it with httpx.Client")
        sent = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with as_httpx_errors():
            answer = self._pool.handle_request(sent)
        if not isinstance(answer.stream, Iterable):
            raise TypeError("httpcore gave a synchronous pool an asynchronous stream")
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _Body(httpx.SyncByteStream):
    """The response body as httpcore streams it, with its errors as httpx's."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        with as_httpx_errors():
            yield from self._chunks

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


@contextmanager
def as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for kind in type(exc).__mro__:  # the most specific match first
            mapped = HTTPX_ERRORS.get(kind)
            if mapped is not None:
                raise mapped(str(exc)) from exc
        raise
