"""Conversation ties kept for warm paths: one row per pair of people who took part
in the same conversations

Revision ID: 0017
Revises: 0015

A new table (storage/person_ties.py), created whole: nothing existing is altered.
It is filled once on the first open after migrating (services/context.py,
TIES_FILLED), and by `rapport reindex`. (Revises 0015 on its branch; re-chained
after 0016 on merge.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.storage.schema

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_tie",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.Column("last_conversation_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["person.id"],
            name=op.f("fk_person_tie_other_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_tie_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_person_tie_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "other_id", name=op.f("pk_person_tie")),
    )
    op.create_index(
        "ix_person_tie_person_conversations", "person_tie", ["person_id", "conversations"]
    )
    op.create_index(
        "ix_person_tie_other_conversations", "person_tie", ["other_id", "conversations"]
    )
    op.create_index(op.f("ix_person_tie_workspace_id"), "person_tie", ["workspace_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_person_tie_workspace_id"), table_name="person_tie")
    op.drop_index("ix_person_tie_other_conversations", table_name="person_tie")
    op.drop_index("ix_person_tie_person_conversations", table_name="person_tie")
    op.drop_table("person_tie")
