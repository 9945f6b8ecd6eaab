"""Lists of one's own: saved filters and hand-picked sets of people, with stages

Revision ID: 0014
Revises: 0012

Two new tables (storage/saved_lists.py), created whole: nothing existing is altered,
so no table is copied on SQLite. (Revises 0012 on its branch; renumbered on merge.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.storage.schema

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("filter", sa.JSON(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("created_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.Column("updated_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('filter', 'picked')", name=op.f("ck_person_list_kind")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_person_list_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_list")),
        sa.UniqueConstraint(
            "workspace_id", "name_key", name=op.f("uq_person_list_workspace_id_name_key")
        ),
    )
    op.create_index(
        op.f("ix_person_list_workspace_id"), "person_list", ["workspace_id"], unique=False
    )
    op.create_table(
        "person_list_member",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=50), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["person_list.id"],
            name=op.f("fk_person_list_member_list_id_person_list"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_list_member_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_person_list_member_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("list_id", "person_id", name=op.f("pk_person_list_member")),
    )
    op.create_index(
        op.f("ix_person_list_member_person_id"), "person_list_member", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_person_list_member_workspace_id"),
        "person_list_member",
        ["workspace_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("person_list_member")
    op.drop_table("person_list")
