"""Alembic environment: run by rapport.storage.migrate with a live connection."""

from __future__ import annotations

from typing import Any

from alembic import context

from rapport.storage.schema import Base

# Objects made by hand in migrations (full-text indexes) that models don't describe.
HAND_MADE = {"search_fts", "ix_search_doc_tsv"}


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (name in HAND_MADE or (name or "").startswith("search_fts"))


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
