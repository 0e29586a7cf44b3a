"""The pipeline around every request: request log, then faults, then auth and rate limit.

Order matters and mirrors where things happen in front of the real API: an injected fault
acts like the network or a proxy, so it runs before auth; auth (401/403) runs before the
rate limit (429); validation (422) and not-found (404) happen in the views after that.

Dropping a connection: the werkzeug server exposes the socket as
``environ["werkzeug.socket"]``. We only ``shutdown(SHUT_RDWR)`` it, we do not ``close()``
it: the peer sees the connection end at once, werkzeug's next write fails with
BrokenPipeError, which it treats as a quietly dropped connection, and the server still
closes the socket itself. Closing here would make werkzeug fail on a dead file descriptor
and print a traceback. Servers without that environ key (gunicorn, the Flask test client)
cannot drop; a drop fault then answers 500 with a message saying so.
"""

from __future__ import annotations

import logging
import socket
import time

from flask import Flask, Response, g, request

from sandbox.auth import authenticate, bearer_token
from sandbox.errors import ApiError, error_response
from sandbox.faults import Fault
from sandbox.state import current

log = logging.getLogger(__name__)


def _is_api(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


def fault_response(fault: Fault) -> Response:
    status = fault.status or 500
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)  # 0 included: "retry at once"
    elif status == 429:
        headers["Retry-After"] = "1"  # a 429 always says when; 1 s unless the fault chose
    return error_response(status, headers=headers)


_CANNOT_DROP = "This server cannot drop connections; run the sandbox on werkzeug."


def _drop_connection() -> bool:
    sock = request.environ.get("werkzeug.socket")
    if not isinstance(sock, socket.socket):
        return False
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        log.debug("socket already gone while dropping", exc_info=True)
    g.sandbox_dropped = True
    return True


def before_request() -> Response | None:
    path = request.path
    if path.startswith("/_sandbox"):
        return None
    sandbox = current()
    api = _is_api(path)
    if api:
        token = bearer_token(request.headers.get("Authorization"))
        g.sandbox_entry = sandbox.store.log_request(
            request.method, path, request.args.to_dict(), token[-4:] if token else None
        )
    fault = sandbox.faults.take(request.method, path)
    if fault is not None:
        g.sandbox_fault = fault
        if api:
            sandbox.store.update_request(g.sandbox_entry, fault=fault.kind)
        if fault.kind == "drop":
            if not _drop_connection():
                raise ApiError(500, _CANNOT_DROP)
            return Response(status=204)  # never arrives; the write fails quietly
        if fault.kind == "status":
            return fault_response(fault)
        if fault.kind == "latency" and fault.seconds:
            time.sleep(fault.seconds)  # no lock is held here
    if api:
        key = authenticate(
            sandbox.store, request.headers.get("Authorization"), request.method, path
        )
        wait = sandbox.limiter.hit(key.key, key.rate_limit)
        if wait is not None:
            raise ApiError(
                429,
                f"Rate limit exceeded for this API key; retry in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
    return None


def after_request(response: Response) -> Response:
    fault: Fault | None = g.get("sandbox_fault")
    if fault is not None and fault.kind == "process_then_status":
        response = fault_response(fault)
    elif fault is not None and fault.kind == "process_then_drop":
        if not _drop_connection():
            response = error_response(500, _CANNOT_DROP)
    entry = g.get("sandbox_entry")
    if entry is not None and not g.get("sandbox_dropped", False):
        current().store.update_request(entry, status=response.status_code)
    return response


def install(app: Flask) -> None:
    app.before_request(before_request)
    app.after_request(after_request)
