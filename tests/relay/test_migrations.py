"""The Alembic revisions build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.db import get_db
from app.models import Base


def test_migrations_match_the_models(app):
    with get_db().engine.connect() as conn:
        dialect = conn.dialect.name

        def on_this_database(obj: Any, *_: Any) -> bool:
            """An index marked for some databases only (the pg_trgm search index) is
            expected only there: the models say so with ``info["dialects"]``."""
            return dialect in getattr(obj, "info", {}).get("dialects", (dialect,))

        context = MigrationContext.configure(conn, opts={"include_object": on_this_database})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
