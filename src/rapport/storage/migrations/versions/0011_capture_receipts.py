"""offline capture: the keys of captures already acted on

Revision ID: 0011
Revises: 0010

The table of storage/capture_receipts.py: a phone that captured offline sends each
capture with a key it made; the first answer is kept under that key, so a capture
sent twice is acted on once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.storage.schema

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capture_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("received_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_capture_receipt_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture_receipt")),
        sa.UniqueConstraint(
            "workspace_id", "key", name=op.f("uq_capture_receipt_workspace_id_key")
        ),
    )
    with op.batch_alter_table("capture_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capture_receipt_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("capture_receipt")
