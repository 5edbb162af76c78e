"""when personal data was deleted: per event and per registration; which registration a mail is about

Revision ID: 5b7d2e9c4a10
Revises: 6af2298082ca
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op

from events.core.types import AwareDateTime

# revision identifiers, used by Alembic.
revision = "5b7d2e9c4a10"
down_revision = "6af2298082ca"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("personal_data_deleted_at", AwareDateTime(), nullable=True))
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", AwareDateTime(), nullable=True))
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


def downgrade():
    with op.batch_alter_table("outgoing_mails") as batch_op:
        batch_op.drop_constraint("fk_outgoing_mails_registration_id_registrations", type_="foreignkey")
        batch_op.drop_index("ix_outgoing_mails_registration_id")
        batch_op.drop_column("registration_id")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("personal_data_deleted_at")
