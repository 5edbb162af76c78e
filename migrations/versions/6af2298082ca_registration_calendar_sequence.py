"""a registration's own part of the calendar SEQUENCE

Revision ID: 6af2298082ca
Revises: 5cd7c91744a2
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6af2298082ca"
down_revision = "5cd7c91744a2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("calendar_sequence")
