"""job search: jobs.search (what q= finds a job by), filled for existing rows; a pg_trgm index

Revision ID: 0006
Revises: 0005

The backfill reads and writes in batches of BATCH rows by id, each batch its own
statement, so a large history is filled without holding every row in memory.
On PostgreSQL the column gets a GIN trigram index (pg_trgm, a trusted extension
in PostgreSQL 13+: the database owner may create it). When the extension
cannot be created (no privilege), the migration says so and goes on without the
index: search stays correct, it scans.
"""

import json
import logging

import sqlalchemy as sa
from alembic import op

from app.search import search_text

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 5000
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search", sa.Text(), nullable=True))
    _backfill(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        _trigram_index(op.get_bind())


def _backfill(bind: sa.Connection) -> None:
    jobs = sa.table(
        "jobs",
        sa.column("id", sa.String),
        sa.column("input", sa.Text),
        sa.column("received", sa.Text),
        sa.column("idempotency_key", sa.String),
        sa.column("error", sa.Text),
        sa.column("search", sa.Text),
    )
    read = sa.select(
        jobs.c.id, jobs.c.input, jobs.c.received, jobs.c.idempotency_key, jobs.c.error
    ).order_by(jobs.c.id)
    write = (
        sa.update(jobs).where(jobs.c.id == sa.bindparam("b_id")).values(search=sa.bindparam("s"))
    )
    after = ""
    while True:
        rows = bind.execute(read.where(jobs.c.id > after).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(
            write,
            [
                {
                    "b_id": r.id,
                    "s": search_text(
                        input=_json(r.input),
                        received=_json(r.received),
                        idempotency_key=r.idempotency_key,
                        error=_json(r.error),
                    ),
                }
                for r in rows
            ],
        )
        after = rows[-1].id


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def _trigram_index(bind: sa.Connection) -> None:
    # In public when it can: an extension created in a schema goes when that schema is
    # dropped, with every index that uses it, whichever schema holds them.
    failed = None
    for statement in (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    ):
        try:
            with bind.begin_nested():
                bind.exec_driver_sql(statement)
            failed = None
            break
        except sa.exc.DBAPIError as exc:
            failed = exc
    if failed is not None:
        log.warning(
            "pg_trgm could not be created (%s); job search works without its index, "
            "but scans the history: ask the database owner to run "
            "CREATE EXTENSION pg_trgm, then recreate ix_jobs_search_trgm",
            str(failed.orig).strip(),
        )
        return
    # Wherever the extension lives (public, or a schema on the search path), its
    # operator class is named by that schema.
    home = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar_one()
    quoted = bind.dialect.identifier_preparer.quote_identifier(home)
    bind.exec_driver_sql(
        f"CREATE INDEX ix_jobs_search_trgm ON jobs USING gin (search {quoted}.gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_jobs_search_trgm")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("search")
