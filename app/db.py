"""The SQL engine and sessions: SQL is the source of truth, Redis only transport.

One engine per app (``app.extensions["relay.db"]``). SQLite gets WAL and a
busy timeout so the web process and workers can share the file.

Two choices here, each with its reason:

- SQLite runs ``synchronous=FULL`` by default (``RELAY_SQLITE_SYNCHRONOUS``): a delivery
  answered 202 must survive a power loss or an OS crash, as a commit does on PostgreSQL.
  FULL waits for an fsync at every commit (about 7 ms on a loaded shared VM), and with
  one writer at a time that caps SQLite ingest near 140 deliveries a second whatever the
  CPU. ``NORMAL`` (WAL) survives any crash of the relay's processes but may take back
  the last commits on a power loss: an operator may choose it for speed, knowingly.
- A pooled connection is pinged only when it has sat idle (``IDLE_PING_SECONDS``), not
  at every checkout as ``pool_pre_ping`` does: a ping is one more round trip per unit of
  work, and a connection used a moment ago is as alive as a ping would find it. A
  connection that dies while in use fails that unit of work; SQLAlchemy then discards
  the whole pool, so the next checkouts reconnect.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
IDLE_PING_SECONDS = 2.0
SQLITE_SYNCHRONOUS = ("NORMAL", "FULL", "EXTRA", "OFF")


class Database:
    def __init__(self, url: str, sqlite_synchronous: str = "FULL") -> None:
        self.url = url
        kwargs: dict[str, Any] = {"future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas(sqlite_synchronous))
        else:
            event.listen(self.engine, "checkout", _ping_if_idle)
            event.listen(self.engine, "checkin", _mark_used)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # One statement needs no BEGIN and COMMIT around it: each is a round trip on
        # PostgreSQL. Same pool; the isolation level is set per checkout, client-side.
        self._alone = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        # A forked child (gunicorn --preload, a forking RQ worker) must not reuse the
        # parent's sockets or SQLite handles: it opens its own on first use.
        os.register_at_fork(after_in_child=lambda: self.engine.dispose(close=False))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def insert_alone(self, row: Any) -> None:
        """INSERT one new ORM object as ONE statement, atomic by itself: sent without a
        transaction around it and without the ORM's unit of work (one round trip, not
        three; each cost more than the statement). Columns left None are left out, so
        they get their defaults and SQL NULL (a JSON column given None would store JSON
        null). Never for writes that must stand or fall together."""
        table = row.__table__
        values = {c.key: v for c in table.columns if (v := getattr(row, c.key)) is not None}
        with self._alone.connect() as conn:
            conn.execute(table.insert(), values)

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = self.engine
        command.upgrade(cfg, "head")

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(synchronous: str) -> Any:
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(
            f"RELAY_SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)} "
            f"(got {synchronous!r})."
        )

    def pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    return pragmas


def _mark_used(_dbapi_conn: Any, record: Any) -> None:
    record.info["relay.used_at"] = time.monotonic()


def _ping_if_idle(dbapi_conn: Any, record: Any, proxy: Any) -> None:
    """``pool_pre_ping`` for connections that sat idle: a dead one is replaced here,
    the way SQLAlchemy's own pre-ping does it (DisconnectionError -> a new connection)."""
    used = record.info.get("relay.used_at")
    if used is None or time.monotonic() - used < IDLE_PING_SECONDS:
        return
    from sqlalchemy import exc

    try:
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        if not getattr(dbapi_conn, "autocommit", True):
            dbapi_conn.rollback()  # the ping must not leave a transaction open
    except Exception as error:
        raise exc.DisconnectionError(f"the pooled connection is gone ({error})") from error


def init_app(app: Flask) -> None:
    synchronous = str(app.config.get("SQLITE_SYNCHRONOUS") or "FULL").upper()
    app.extensions["relay.db"] = Database(app.config["DATABASE_URL"], synchronous)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["relay.db"]


@contextmanager
def session() -> Iterator[Session]:
    with get_db().session() as s:
        yield s
