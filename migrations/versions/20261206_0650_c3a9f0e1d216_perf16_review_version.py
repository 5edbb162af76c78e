"""perf16: when a jury review last changed (the version the cached jury figures are keyed on)

Revision ID: c3a9f0e1d216
Revises: 7d9795ddef08
Create Date: 2026-12-06 06:50:00

"""
from alembic import op
import sqlalchemy as sa
import events.core.types


# revision identifiers, used by Alembic.
revision = 'c3a9f0e1d216'
down_revision = "7d9795ddef08"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('award_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', events.core.types.AwareDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('award_reviews', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
