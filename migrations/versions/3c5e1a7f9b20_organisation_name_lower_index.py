"""index on lower(organisation name), for matching a typed organisation

Revision ID: 3c5e1a7f9b20
Revises: 8862b1c1f3bb
Create Date: 2026-11-22 08:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c5e1a7f9b20"
down_revision = "8862b1c1f3bb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_organisations_name_lower", "organisations", [sa.text("lower(name)")])


def downgrade():
    op.drop_index("ix_organisations_name_lower", table_name="organisations")
