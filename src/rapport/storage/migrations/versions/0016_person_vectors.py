"""Meaning vectors of people for "who do I know who…"

Revision ID: 0016
Revises: 0015

One new table (storage.schema.PersonVector), created whole: nothing existing is
altered. It starts empty: every person is waiting to be embedded, which the scheduler
of `rapport serve`, `rapport who` (a few at a time) or `rapport reindex` do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.storage.schema

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_vector",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("text_hash", sa.String(length=64), nullable=True),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("embedded_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_vector_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_person_vector_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_vector")),
    )
    op.create_index(
        "ix_person_vector_workspace_stale",
        "person_vector",
        ["workspace_id", "stale"],
        unique=False,
    )
    op.create_index(
        "ix_person_vector_workspace_embedded",
        "person_vector",
        ["workspace_id", "embedded_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("person_vector")
