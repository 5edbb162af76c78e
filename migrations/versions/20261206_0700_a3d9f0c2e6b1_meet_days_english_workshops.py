"""meet: an event's texts in English; a waiting list per day of an event booked per day; certificate batches that
list the workshops and hours attended

Revision ID: a3d9f0c2e6b1
Revises: a7c3e9d1f254
Create Date: 2026-12-06 07:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a3d9f0c2e6b1"
down_revision = "a7c3e9d1f254"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("title_en", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("description_en", sa.Text(), nullable=True))
    with op.batch_alter_table("registration_days") as batch_op:
        batch_op.add_column(sa.Column("waiting_position", sa.Integer(), nullable=True))
    with op.batch_alter_table("certificate_batches") as batch_op:
        batch_op.add_column(sa.Column("list_workshops", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("certificate_batches") as batch_op:
        batch_op.drop_column("list_workshops")
    with op.batch_alter_table("registration_days") as batch_op:
        batch_op.drop_column("waiting_position")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("description_en")
        batch_op.drop_column("title_en")
