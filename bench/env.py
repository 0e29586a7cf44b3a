"""A throwaway relay for benchmarks: temp SQLite, the tests' Redis choice, a threaded sandbox."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from flask import Flask

from app import create_app

ADMIN = "bench-admin"


def redis_url(workdir: Path) -> str:
    if os.environ.get("RELAY_REDIS_URL"):
        return os.environ["RELAY_REDIS_URL"]
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return "redis://127.0.0.1:6379/14"
    except OSError:
        from app.redis_conn import start_embedded

        return start_embedded(workdir / "bench.rdb")


@dataclass
class Bench:
    app: Flask
    sandbox_url: str
    key: str

    def hook(self, action: str) -> str:
        client = self.app.test_client()
        headers = {"Authorization": f"Bearer {ADMIN}"}
        conn = client.post(
            "/api/v1/connections",
            json={"name": "bench", "api_key": self.key, "base_url": self.sandbox_url},
            headers=headers,
        ).get_json()["data"]["id"]
        hook = client.post(
            "/api/v1/hooks",
            json={"name": "bench", "action": action, "connection_id": conn},
            headers=headers,
        ).get_json()["data"]
        return "/hooks/" + hook["url"].rsplit("/hooks/", 1)[1]


@contextmanager
def relay(**config: Any) -> Iterator[Bench]:
    from sandbox import create_app as sandbox_app
    from sandbox.serve import start_in_thread

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url, stop = start_in_thread(sandbox_app({"SANDBOX_CONTROL": True}))
        key = httpx.post(
            f"{url}/_sandbox/keys",
            json={"scopes": ["*"], "rate_limit": {"requests": 10**9, "per_seconds": 60}},
        ).json()["data"]["key"]
        prefix = f"bench{os.getpid()}"
        app = create_app(
            {
                "INSTANCE_PATH": str(workdir),
                "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
                "REDIS_URL": redis_url(workdir),
                "SECRET_KEY": Fernet.generate_key().decode(),
                "ADMIN_TOKEN": ADMIN,
                "INGEST_RATE_LIMIT": 0,
                "REDIS_PREFIX": prefix,
                "QUEUE_PREFIX": f"{prefix}-",
                **config,
            }
        )
        with app.app_context():
            from app.db import get_db

            get_db().upgrade()
            try:
                yield Bench(app, url, key)
            finally:
                from app.redis_conn import get_redis

                redis = get_redis()
                for name in redis.scan_iter(match=f"*{prefix}*", count=1000):
                    redis.delete(name)
                get_db().dispose()
                stop()
