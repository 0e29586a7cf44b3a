"""One callback delivery attempt, reduced to a record fit for the job history.

``deliver`` is called from a queue worker that decides about retries itself,
so it reports instead of raising: every network outcome, including a refused
destination, comes back as a :class:`DeliveryResult` with a sentence a hook
owner can act on and a flag saying whether trying again could help.
"""

from __future__ import annotations

import codecs
import json
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

import httpx

from .netguard import BlockedAddress, InvalidCallbackURL, check_url, guarded_transport
from .signing import InvalidSecret, sign_headers

EXCERPT_CHARS = 500
# Enough bytes for 500 characters of any UTF-8 text; more is never read, so a
# receiver answering with a huge (or endless) body cannot hold the worker.
_EXCERPT_BYTES = 4 * EXCERPT_CHARS


def _version() -> str:
    try:
        return metadata.version("esqase-relay")
    except metadata.PackageNotFoundError:
        return "0.1"


USER_AGENT = f"esqase-relay/{_version()}"


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int
    response_excerpt: str | None
    retryable: bool


def make_client(allow_private: bool, timeout: float = 10.0) -> httpx.Client:
    """The pooled client for one worker process.

    ``trust_env=False`` keeps proxy variables and ``~/.netrc`` credentials of
    the worker's environment out of requests to user-chosen URLs. Redirects
    are never followed: a 3xx is the receiver's answer, and following it
    would be a second, unchecked destination.
    """
    return httpx.Client(
        transport=guarded_transport(allow_private),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


def _iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("callback timestamps must be timezone-aware")
    text = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def build_body(
    event_type: str, data: dict[str, Any], occurred_at: datetime, text: str | None = None
) -> bytes:
    """Compact JSON; ASCII-escaped so any string (even a lone surrogate) encodes. ``text``
    (alerts) is a top-level sentence, where a Slack incoming webhook reads its message."""
    payload: dict[str, Any] = {"type": event_type, "timestamp": _iso_utc(occurred_at)}
    if text is not None:
        payload["text"] = text
    payload["data"] = data
    return json.dumps(payload, separators=(",", ":")).encode("ascii")


def deliver(
    client: httpx.Client,
    url: str,
    secret: str,
    *,
    event_id: str,
    event_type: str,
    data: dict[str, Any],
    timestamp: datetime,
    occurred_at: datetime | None = None,
    text: str | None = None,
) -> DeliveryResult:
    """POST one signed callback; never raises for network or destination problems.

    ``event_id`` becomes ``webhook-id`` and must be the same on every attempt
    of one event so receivers can de-duplicate; ``timestamp`` is this
    attempt's time (``webhook-timestamp``, which receivers check for
    freshness). The body's ``timestamp`` is ``occurred_at``, defaulting to
    ``timestamp``.
    """
    started = time.monotonic()

    def failed(error: str, *, retryable: bool) -> DeliveryResult:
        return DeliveryResult(
            ok=False,
            status_code=None,
            error=error,
            duration_ms=_elapsed_ms(started),
            response_excerpt=None,
            retryable=retryable,
        )

    try:
        # Shape only (scheme, host, credentials); addresses are vetted by the
        # client's transport at connect time, against what it actually dials.
        check_url(url, allow_private=True)
    except InvalidCallbackURL as exc:
        return failed(f"invalid callback URL: {exc}", retryable=False)

    body = build_body(event_type, data, occurred_at or timestamp, text)
    try:
        headers = sign_headers(secret, event_id, timestamp, body)
    except InvalidSecret as exc:
        return failed(str(exc), retryable=False)
    headers["content-type"] = "application/json"
    headers["user-agent"] = USER_AGENT

    try:
        with client.stream(
            "POST", url, content=body, headers=headers, follow_redirects=False
        ) as response:
            status = response.status_code
            excerpt = _read_excerpt(response, client.timeout)
    except BlockedAddress as exc:
        return failed(f"blocked: {exc}", retryable=False)
    except httpx.TimeoutException as exc:
        return failed(_describe_timeout(exc, client.timeout), retryable=True)
    except httpx.UnsupportedProtocol as exc:
        return failed(f"invalid callback URL: {exc}", retryable=False)
    except (httpx.RequestError, OSError) as exc:
        return failed(_describe_network_error(exc, url), retryable=True)

    ok = 200 <= status < 300
    return DeliveryResult(
        ok=ok,
        status_code=status,
        error=None,
        duration_ms=_elapsed_ms(started),
        response_excerpt=excerpt,
        retryable=not ok,
    )


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _read_excerpt(response: httpx.Response, timeout: httpx.Timeout) -> str | None:
    """At most the first 500 characters of the body, read within one read timeout.

    The status line already decided the outcome; a body that fails or stalls
    only costs the excerpt (``None``), never the result.
    """
    deadline = time.monotonic() + (timeout.read or 10.0)
    buffer = bytearray()
    try:
        for chunk in response.iter_bytes():
            buffer += chunk
            if len(buffer) >= _EXCERPT_BYTES or time.monotonic() > deadline:
                break
    except (httpx.HTTPError, OSError):
        if not buffer:
            return None
    encoding = response.charset_encoding or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    return bytes(buffer[:_EXCERPT_BYTES]).decode(encoding, errors="replace")[:EXCERPT_CHARS]


def _seconds(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _describe_timeout(exc: httpx.TimeoutException, timeout: httpx.Timeout) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {_seconds(timeout.connect)}s connecting"
    if isinstance(exc, httpx.WriteTimeout):
        return f"timed out after {_seconds(timeout.write)}s sending the request"
    if isinstance(exc, httpx.PoolTimeout):
        return f"timed out after {_seconds(timeout.pool)}s waiting for a free connection"
    return f"timed out after {_seconds(timeout.read)}s waiting for the response"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _describe_network_error(exc: BaseException, url: str) -> str:
    """The root cause in a few words; httpx's own messages are errno soup."""
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return f"could not resolve host {_host(url)!r}"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {cause.reason or cause}"
        if isinstance(cause, ConnectionResetError):
            return "connection reset by the receiver"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"receiver sent no valid HTTP response: {exc}"
    return f"network error: {exc}" if str(exc) else f"network error: {type(exc).__name__}"


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host
    except httpx.InvalidURL:
        return url
