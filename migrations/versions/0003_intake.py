"""intake: sender schemes, HMAC signature spelling, reject status

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sender_scheme", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("sender_signature", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reject_status", sa.Integer(), nullable=True))
    # Before 0003 a sender secret meant Standard Webhooks, the only scheme there was.
    op.execute(
        "UPDATE hooks SET sender_scheme = 'standard-webhooks' "
        "WHERE sender_secret_encrypted IS NOT NULL"
    )


def downgrade() -> None:
    # Hooks of the newer schemes lose their verification with their scheme: drop their
    # secrets too, rather than leave them checked as Standard Webhooks.
    op.execute(
        "UPDATE hooks SET sender_secret_encrypted = NULL "
        "WHERE sender_scheme IS NOT NULL AND sender_scheme <> 'standard-webhooks'"
    )
    with op.batch_alter_table("hooks", schema=None) as batch_op:
        batch_op.drop_column("reject_status")
        batch_op.drop_column("sender_signature")
        batch_op.drop_column("sender_scheme")
