"""the agenda as last shown, per interface

Revision ID: 0007
Revises: 0004

A number typed after `rapport agenda` (`rapport done 2`) names an entry of the
listing the user saw, not of the agenda as it stands after an earlier answer; the
listing each interface showed last is kept here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.storage.schema

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agenda_listing",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("interface", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("shown_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_agenda_listing_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "interface", name=op.f("pk_agenda_listing")),
    )


def downgrade() -> None:
    op.drop_table("agenda_listing")
