"""days of multi-day events booked one by one, with their capacity held by place rows

Revision ID: e7a4c2d9f1b6
Revises: c4f1a9e2b7d3
Create Date: 2026-12-06 03:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e7a4c2d9f1b6"
down_revision = "c4f1a9e2b7d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_days_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_days")),
        sa.UniqueConstraint("event_id", "day", name=op.f("uq_event_days_event_id")),
    )
    with op.batch_alter_table("event_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_days_event_id"), ["event_id"], unique=False)
    op.create_table(
        "day_places",
        sa.Column("event_day_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_day_id"], ["event_days.id"], name=op.f("fk_day_places_event_day_id_event_days"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_day_id", "place", name=op.f("pk_day_places")),
    )
    op.create_table(
        "registration_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_day_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_day_id", "place"],
            ["day_places.event_day_id", "day_places.place"],
            name=op.f("fk_registration_days_event_day_id_day_places"),
        ),
        sa.ForeignKeyConstraint(
            ["event_day_id"],
            ["event_days.id"],
            name=op.f("fk_registration_days_event_day_id_event_days"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_days_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_days")),
        sa.UniqueConstraint("event_day_id", "place", name=op.f("uq_registration_days_event_day_id")),
        sa.UniqueConstraint("registration_id", "event_day_id", name=op.f("uq_registration_days_registration_id")),
    )
    with op.batch_alter_table("registration_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_days_registration_id"), ["registration_id"], unique=False)


def downgrade():
    op.drop_table("registration_days")
    op.drop_table("day_places")
    with op.batch_alter_table("event_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_days_event_id"))
    op.drop_table("event_days")
