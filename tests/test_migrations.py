"""The models and the migrations describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from events.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, db.metadata)
    assert differences == []
