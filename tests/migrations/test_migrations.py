"""Migrations build the schema from empty, and match the models exactly."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.config import REPO_ROOT
from portal.extensions import db

MIGRATIONS = str(REPO_ROOT / "migrations")


def test_upgrade_from_empty_to_head_matches_the_models(empty_app):
    """After upgrade, autogenerate sees no difference between database and models."""
    upgrade(directory=MIGRATIONS)
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_up_again(empty_app):
    """Every revision can be undone and redone."""
    upgrade(directory=MIGRATIONS)
    downgrade(directory=MIGRATIONS, revision="base")
    assert not set(db.metadata.tables) & set(inspect(db.engine).get_table_names())
    upgrade(directory=MIGRATIONS)
    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_every_revision_file_has_a_readable_name():
    """Revision files are numbered in order."""
    names = sorted(p.name for p in (Path(MIGRATIONS) / "versions").glob("*.py"))
    assert names and all(name[:4].isdigit() for name in names)
