"""fixes: a winner stands on a ceremony's guest list once (a unique index on ceremony and nomination); the
decision record keeps the decisions it was made from (an outdated record says so)

Revision ID: f3b8c2d4e6a1
Revises: c3a9f0e1d216
Create Date: 2026-12-06 09:15:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f3b8c2d4e6a1"
down_revision = "c3a9f0e1d216"
branch_labels = None
depends_on = None

NOT_NULL = sa.text("nomination_id IS NOT NULL")


def upgrade():
    with op.batch_alter_table('award_programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_fingerprint', sa.String(length=64), nullable=True))
    # A winner added twice before the index (the release and the button at once) keeps the first entry as the
    # winner's; a later one is kept as a plain entry (no nomination), for the organisers to remove by hand.
    op.execute(
        """
        UPDATE ceremony_guests SET nomination_id = NULL
        WHERE nomination_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM ceremony_guests AS earlier
            WHERE earlier.ceremony_id = ceremony_guests.ceremony_id
              AND earlier.nomination_id = ceremony_guests.nomination_id
              AND earlier.id < ceremony_guests.id
        )
        """
    )
    with op.batch_alter_table("ceremony_guests", schema=None) as batch_op:
        batch_op.create_index(
            "uq_ceremony_guests_nomination",
            ["ceremony_id", "nomination_id"],
            unique=True,
            sqlite_where=NOT_NULL,
            postgresql_where=NOT_NULL,
        )


def downgrade():
    with op.batch_alter_table('award_programmes', schema=None) as batch_op:
        batch_op.drop_column('record_fingerprint')
    with op.batch_alter_table("ceremony_guests", schema=None) as batch_op:
        batch_op.drop_index("uq_ceremony_guests_nomination", sqlite_where=NOT_NULL, postgresql_where=NOT_NULL)
