"""one registration per invitation

Revision ID: 5cd7c91744a2
Revises: 3c5e1a7f9b20
Create Date: 2026-12-02 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5cd7c91744a2"
down_revision = "3c5e1a7f9b20"
branch_labels = None
depends_on = None

WHERE = sa.text("invitation_id IS NOT NULL")


def upgrade():
    # Until now one invitation link registered any address typed into the form. Those registrations stay, but
    # only the invited address's own registration keeps counting as made with the invitation.
    op.execute(
        "UPDATE registrations SET invitation_id = NULL WHERE invitation_id IS NOT NULL AND NOT EXISTS ("
        "SELECT 1 FROM invitations WHERE invitations.id = registrations.invitation_id"
        " AND invitations.event_id = registrations.event_id"
        " AND lower(invitations.email) = registrations.email_normalized)"
    )
    op.create_index(
        "uq_registrations_invitation_id",
        "registrations",
        ["invitation_id"],
        unique=True,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade():
    op.drop_index("uq_registrations_invitation_id", table_name="registrations")
