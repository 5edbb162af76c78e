"""when a certificate batch's rendering last moved: a stuck one can be restarted, a running one not

Revision ID: b7e3d1c9a042
Revises: a41c7e0d5b21
Create Date: 2026-12-02 06:50:00

"""

import sqlalchemy as sa
from alembic import op

from events.core.types import AwareDateTime

# revision identifiers, used by Alembic.
revision = "b7e3d1c9a042"
down_revision = "a41c7e0d5b21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificate_batches") as batch_op:
        batch_op.add_column(sa.Column("progress_at", AwareDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("certificate_batches") as batch_op:
        batch_op.drop_column("progress_at")
