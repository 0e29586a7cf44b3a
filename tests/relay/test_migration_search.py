"""Migration 0006 fills jobs.search for the jobs a history already holds, as the relay would."""

from __future__ import annotations

import json

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from app.db import MIGRATIONS
from app.search import search_text


def test_upgrading_fills_the_search_line_of_existing_jobs(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    command.upgrade(cfg, "0004")
    lead = {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@engine.example"}
    refused = {"kind": "json", "fields": {"mail": "bad@x.example"}}
    error = {"code": "validation_failed", "message": "1 field(s) need fixing", "details": []}
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO connections (id, name, base_url, api_key_encrypted, api_key_last4,"
                " status, created_at, updated_at) VALUES ('con_1', 'c', 'http://x', x'00',"
                " '0000', 'active', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO hooks (id, token, name, action, connection_id, enabled,"
                " callback_secret_encrypted, callback_events, created_at, updated_at)"
                " VALUES ('hook_1', 'hk_1', 'h', 'leads.create', 'con_1', 1, x'00', '[]',"
                " '2026-01-01', '2026-01-01')"
            )
        )
        for job_id, values in (
            ("job_1", {"input": lead, "key": "Resp_7"}),
            ("job_2", {"received": refused, "error": error}),
        ):
            conn.execute(
                text(
                    "INSERT INTO jobs (id, hook_id, action, status, input, received, error,"
                    " idempotency_key, attempts_made, budget_start, created_at, updated_at)"
                    " VALUES (:id, 'hook_1', 'leads.create', 'succeeded', :input, :received,"
                    " :error, :key, 1, 0, '2026-01-01', '2026-01-01')"
                ),
                {
                    "id": job_id,
                    "input": json.dumps(values.get("input")) if "input" in values else None,
                    "received": json.dumps(refused) if "received" in values else None,
                    "error": json.dumps(error) if "error" in values else None,
                    "key": values.get("key"),
                },
            )

    command.upgrade(cfg, "head")

    with engine.connect() as conn:
        lines = dict(conn.execute(text("SELECT id, search FROM jobs ORDER BY id")).all())
    assert lines == {
        "job_1": search_text(input=lead, idempotency_key="Resp_7"),
        "job_2": search_text(received=refused, error=error),
    }
    assert lines["job_1"] == "resp_7 ada lovelace ada@engine.example"
    engine.dispose()
