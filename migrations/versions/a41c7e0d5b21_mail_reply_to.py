"""a mail's Reply-To: replies to mails about an event reach its contact address

Revision ID: a41c7e0d5b21
Revises: 5b7d2e9c4a10
Create Date: 2026-12-02 06:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a41c7e0d5b21"
down_revision = "5b7d2e9c4a10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_mails") as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table("outgoing_mails") as batch_op:
        batch_op.drop_column("reply_to")
