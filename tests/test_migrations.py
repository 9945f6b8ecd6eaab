"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from rapport.storage import migrate
from rapport.storage.engine import make_engine
from rapport.storage.schema import Base, include_object


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"include_object": include_object, "compare_type": True},
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrading_twice_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        assert not migrate.needs_upgrade(engine)
    finally:
        engine.dispose()


def test_head_is_the_newest_script() -> None:
    """Opening a database compares with migrate.HEAD, not the scripts: it must be
    the newest script's revision (update HEAD with each new migration)."""
    assert migrate.head_revision() == migrate.HEAD


def test_a_database_never_migrated_has_no_revision(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        assert migrate.current_revision(engine) is None
        assert migrate.needs_upgrade(engine)
    finally:
        engine.dispose()
