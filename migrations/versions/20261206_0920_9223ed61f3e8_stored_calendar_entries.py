"""issue 19: each event's calendar entry text kept per language (meetings.stored_entries)

Revision ID: 9223ed61f3e8
Revises: f3b8c2d4e6a1
Create Date: 2026-12-06 09:10:00

The table starts empty: an event gets its stored texts with its next change; until then the public feed writes
its text itself, as before.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9223ed61f3e8"
down_revision = "f3b8c2d4e6a1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_calendar_entries",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_calendar_entries_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "language", name=op.f("pk_event_calendar_entries")),
    )


def downgrade():
    op.drop_table("event_calendar_entries")
