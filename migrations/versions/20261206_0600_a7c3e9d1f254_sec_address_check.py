"""branch sec: places held until the address is confirmed; the tandem guideline PDF rendered by the worker

Revision ID: a7c3e9d1f254
Revises: 6f18cfa88e00
Create Date: 2026-12-06 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e9d1f254"
down_revision = "6f18cfa88e00"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column("confirm_address_first", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("hold_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "guideline_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("failure", sa.String(length=20), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["programme_id"], ["tandem_programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "content_hash"),
    )


def downgrade():
    op.drop_table("guideline_prints")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("hold_expires_at")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("confirm_address_first")
