"""review: replays are unique per job, redeliveries get a retry budget, attention index, alerts

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_replay_of"))
        batch_op.create_index(batch_op.f("ix_jobs_replay_of"), ["replay_of"], unique=True)
        batch_op.create_index("ix_jobs_status_finished", ["status", "finished_at"], unique=False)
    with op.batch_alter_table("callback_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("budget_start", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "alert_conditions",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts_made", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("alert_conditions")
    with op.batch_alter_table("callback_events", schema=None) as batch_op:
        batch_op.drop_column("budget_start")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_finished")
        batch_op.drop_index(batch_op.f("ix_jobs_replay_of"))
        batch_op.create_index(batch_op.f("ix_jobs_replay_of"), ["replay_of"], unique=False)
