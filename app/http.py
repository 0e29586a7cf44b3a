"""One pooled ``httpx.Client`` per process for Esqase, and one for callbacks.

Made lazily (forked workers must not inherit a pool) and kept in
``app.extensions``. Tests may put a ``transport`` in the config to swap the
network for a ``MockTransport``; integration tests leave it unset.
"""

from __future__ import annotations

import threading

import httpx
from flask import Flask

_lock = threading.Lock()


def esqase_http(app: Flask) -> httpx.Client:
    with _lock:
        client = app.extensions.get("relay.http.esqase")
        if client is None:
            timeout = float(app.config["ESQASE_TIMEOUT"])
            client = httpx.Client(
                timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)),
                transport=app.config.get("ESQASE_TRANSPORT"),
                headers={"User-Agent": "esqase-relay"},
                limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
            )
            app.extensions["relay.http.esqase"] = client
        return client


def callback_http(app: Flask) -> httpx.Client:
    from .callbacks import make_client

    with _lock:
        client = app.extensions.get("relay.http.callbacks")
        if client is None:
            client = make_client(
                allow_private=app.config["ALLOW_PRIVATE_CALLBACKS"],
                timeout=float(app.config["CALLBACK_TIMEOUT"]),
            )
            app.extensions["relay.http.callbacks"] = client
        return client


def close_all(app: Flask) -> None:
    for name in ("relay.http.esqase", "relay.http.callbacks"):
        client = app.extensions.pop(name, None)
        if client is not None:
            client.close()
