"""the meeting loop: names searched in a folded copy (umlauts, accents and ß alike on SQLite and PostgreSQL);
invitation-only events listed publicly only when the organiser wants

Revision ID: 5e8b1d0c7a94
Revises: e7a4c2d9f1b6
Create Date: 2026-12-06 04:10:00

"""

import sqlalchemy as sa
from alembic import op

from events.core.search import search_text

# revision identifiers, used by Alembic.
revision = "5e8b1d0c7a94"
down_revision = "e7a4c2d9f1b6"
branch_labels = None
depends_on = None


def _fill(table: str, columns: list[str]) -> None:
    """Fold the names of the rows already there, as the models do for new ones."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()  # noqa: S608
    for row in rows:
        full_name = f"{row.first_name or ''} {row.last_name or ''}"
        parts = (full_name, row.organisation_name) if "organisation_name" in columns else (full_name,)
        connection.execute(
            sa.text(f"UPDATE {table} SET search_text = :text WHERE id = :id"),  # noqa: S608
            {"text": search_text(*parts), "id": row.id},
        )


def upgrade():
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("listed_publicly", sa.Boolean(), server_default=sa.false(), nullable=False))
    _fill("registrations", ["first_name", "last_name", "organisation_name"])
    _fill("invitations", ["first_name", "last_name"])


def downgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("listed_publicly")
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("search_text")
