"""lifecycle: ignored status, idempotency body hash, replays, resolutions

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("input_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("replay_of", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_jobs_replay_of"), ["replay_of"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_replay_of"))
        batch_op.drop_column("resolution")
        batch_op.drop_column("replay_of")
        batch_op.drop_column("input_hash")
