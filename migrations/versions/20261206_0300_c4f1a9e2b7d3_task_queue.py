"""task queue: mail linked to any object (about), periodic job slots, stored files, certificate batch leases

Revision ID: c4f1a9e2b7d3
Revises: c4d8e2f61a37
Create Date: 2026-12-06 03:00:00

"""

import sqlalchemy as sa
from alembic import op

from events.core.types import AwareDateTime

# revision identifiers, used by Alembic.
revision = "c4f1a9e2b7d3"
down_revision = "c4d8e2f61a37"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_mails") as batch_op:
        batch_op.add_column(sa.Column("about", sa.String(length=60), nullable=True))
        batch_op.create_index("ix_outgoing_mails_about", ["about"])
    # every mail linked to a registration keeps that link, now written "registration:<id>"
    op.execute("UPDATE outgoing_mails SET about = 'registration:' || registration_id WHERE registration_id IS NOT NULL")
    with op.batch_alter_table("outgoing_mails") as batch_op:
        batch_op.drop_constraint("fk_outgoing_mails_registration_id_registrations", type_="foreignkey")
        batch_op.drop_index("ix_outgoing_mails_registration_id")
        batch_op.drop_column("registration_id")

    op.create_table(
        "periodic_runs",
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("slot", AwareDateTime(), nullable=False),
        sa.Column("started_at", AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", "slot", name=op.f("pk_periodic_runs")),
    )
    with op.batch_alter_table("periodic_runs") as batch_op:
        batch_op.create_index("ix_periodic_runs_started_at", ["started_at"])

    with op.batch_alter_table("certificate_batches") as batch_op:
        batch_op.add_column(sa.Column("send_mail", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("lease_until", AwareDateTime(), nullable=True))
        batch_op.add_column(sa.Column("runs", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("certificate_batches") as batch_op:
        batch_op.alter_column("send_mail", server_default=None)
        batch_op.alter_column("runs", server_default=None)

    op.create_table(
        "stored_files",
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("area", "name", name=op.f("pk_stored_files")),
    )


def downgrade():
    op.drop_table("stored_files")
    with op.batch_alter_table("certificate_batches") as batch_op:
        for column in ("runs", "lease_until", "lease_owner", "send_mail"):
            batch_op.drop_column(column)
    with op.batch_alter_table("periodic_runs") as batch_op:
        batch_op.drop_index("ix_periodic_runs_started_at")
    op.drop_table("periodic_runs")
    with op.batch_alter_table("outgoing_mails") as batch_op:
        batch_op.add_column(sa.Column("registration_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_outgoing_mails_registration_id", ["registration_id"])
        batch_op.create_foreign_key(
            "fk_outgoing_mails_registration_id_registrations",
            "registrations",
            ["registration_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        "UPDATE outgoing_mails SET registration_id = CAST(substr(about, 14) AS INTEGER) "
        "WHERE about LIKE 'registration:%'"
    )
    with op.batch_alter_table("outgoing_mails") as batch_op:
        batch_op.drop_index("ix_outgoing_mails_about")
        batch_op.drop_column("about")
