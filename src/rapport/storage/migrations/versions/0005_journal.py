"""The journal of actions

Revision ID: 0005
Revises: 0004

Every user action that changes data is recorded as one entry, in the same
transaction as the change: who, when, what in words, and the rows it changed with
what they replaced. History and undo read it (`storage.journal`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rapport.storage.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"],
            name=op.f("fk_journal_entry_workspace_id_workspace"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"],
            name=op.f("fk_journal_entry_user_id_app_user"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
    )  # fmt: skip
    op.create_index(
        "ix_journal_entry_workspace_id", "journal_entry", ["workspace_id", "id"], unique=False
    )
    op.create_index(op.f("ix_journal_entry_user_id"), "journal_entry", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_journal_entry_user_id"), table_name="journal_entry")
    op.drop_index("ix_journal_entry_workspace_id", table_name="journal_entry")
    op.drop_table("journal_entry")
