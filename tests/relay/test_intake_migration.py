"""The intake migration keeps what a sender secret meant before it: Standard Webhooks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Boolean, DateTime, Integer, LargeBinary, MetaData, create_engine

from app.db import MIGRATIONS


def _config(engine: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def _intake(cfg: Config) -> tuple[str, str]:
    """This revision and the one before it, found by what it is (ids are re-chained at merge)."""
    script = ScriptDirectory.from_config(cfg)
    [rev] = [r for r in script.walk_revisions() if (r.doc or "").startswith("intake:")]
    assert isinstance(rev.down_revision, str)
    return rev.revision, rev.down_revision


def _filler(column: Any) -> Any:
    kind = type(column.type)
    if issubclass(kind, LargeBinary):
        return b"x"
    if issubclass(kind, Boolean):
        return True
    if issubclass(kind, Integer):
        return 0
    if issubclass(kind, DateTime):
        return datetime.now(UTC).replace(tzinfo=None)
    if issubclass(kind, JSON):
        return []
    return "x"


def _insert(conn: Any, table: Any, **values: Any) -> None:
    row = {c.name: _filler(c) for c in table.columns if not c.nullable and c.name not in values}
    conn.execute(table.insert().values(**row, **values))


def test_hooks_with_a_sender_secret_verify_standard_webhooks_after_the_upgrade(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = _config(engine)
    this, before = _intake(cfg)
    command.upgrade(cfg, before)
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as conn:
        _insert(conn, tables.tables["connections"], id="con_1")
        hooks = tables.tables["hooks"]
        _insert(conn, hooks, id="hook_signed", token="t1", connection_id="con_1")
        conn.execute(
            hooks.update().where(hooks.c.id == "hook_signed").values(sender_secret_encrypted=b"s")
        )
        _insert(conn, hooks, id="hook_open", token="t2", connection_id="con_1")
    command.upgrade(cfg, this)
    with engine.connect() as conn:
        schemes = dict(conn.exec_driver_sql("SELECT id, sender_scheme FROM hooks").all())
    assert schemes == {"hook_signed": "standard-webhooks", "hook_open": None}

    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE hooks SET sender_scheme = 'tally', sender_secret_encrypted = x'73' "
            "WHERE id = 'hook_open'"
        )
    command.downgrade(cfg, before)
    with engine.connect() as conn:
        secrets = dict(conn.exec_driver_sql("SELECT id, sender_secret_encrypted FROM hooks").all())
    # A Tally secret would be checked as Standard Webhooks by the older code: dropped.
    assert secrets == {"hook_signed": b"s", "hook_open": None}
    engine.dispose()
