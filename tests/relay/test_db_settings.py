"""The SQL engine's speed settings (app/db.py says why each)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import Database

SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def _synchronous(db: Database) -> str:
    with db.engine.connect() as conn:
        return SYNCHRONOUS[conn.execute(text("PRAGMA synchronous")).scalar_one()]


def test_sqlite_commits_without_an_fsync_each_unless_told(tmp_path):
    url = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    assert _synchronous(Database(url)) == "FULL"  # a 202 survives a power loss
    assert _synchronous(Database(url, "NORMAL")) == "NORMAL"


def test_a_wrong_synchronous_setting_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ValueError, match="NORMAL, FULL, EXTRA, OFF"):
        Database(f"sqlite:///{tmp_path / 'relay.sqlite3'}", "SOMETIMES")


def test_one_row_inserted_alone_is_committed_with_its_defaults(app):
    from app.db import get_db
    from app.models import Connection, new_id

    db = get_db()
    conn = Connection(id=new_id("con"), name="Firm", base_url="http://127.0.0.1:9")
    conn.api_key_encrypted, conn.api_key_last4 = b"x", "0000"
    db.insert_alone(conn)
    with db.session() as s:
        stored = s.get(Connection, conn.id)
    assert stored is not None
    assert stored.status == "active" and stored.created_at is not None
    assert stored.last_error is None
