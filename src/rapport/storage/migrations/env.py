"""Alembic environment: run by rapport.storage.migrate with a live connection."""

from __future__ import annotations

from alembic import context

from rapport.storage.schema import Base, include_object


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
