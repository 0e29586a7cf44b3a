"""Running the sandbox over real HTTP: in the foreground, or on a thread for tests.

Both use werkzeug's threaded server because the drop faults need its socket (see
:mod:`sandbox.hooks`) and because concurrency tests need requests to really overlap.
The threaded variant logs through ``sandbox.server`` at DEBUG instead of printing a line per
request to stderr, so test output stays clean.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

log = logging.getLogger("sandbox.server")


class QuietRequestHandler(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug("%s %s", type, (message % args if args else message).rstrip())


def serve(host: str, port: int, app: Flask) -> None:
    """Serve until interrupted, logging each request like ``flask run`` does."""
    server = make_server(host, port, app, threaded=True)
    server.log_startup()
    server.serve_forever()


def start_in_thread(
    app: Flask, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Start on a daemon thread; returns the base URL and an idempotent shutdown.

    Port 0 picks a free port. Shutdown stops accepting new connections and waits for the
    serving loop to exit, then closes the listening socket. It does NOT wait for requests
    in flight: werkzeug handles each on its own daemon thread, which nothing joins, so a
    request still running (a latency fault, say) may finish after shutdown returns, or be
    cut off when the process exits. Wait for your own requests' answers before shutting
    down if they matter.
    """
    server = make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"esqase-sandbox:{server.port}",
        daemon=True,
    )
    thread.start()
    stopped = threading.Event()

    def shutdown() -> None:
        if stopped.is_set():
            return
        stopped.set()
        server.shutdown()
        thread.join()
        server.server_close()  # serve_forever closed it already; this is a harmless repeat

    display_host = f"[{host}]" if ":" in host else host
    return f"http://{display_host}:{server.port}", shutdown
