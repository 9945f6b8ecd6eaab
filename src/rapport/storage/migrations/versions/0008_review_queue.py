"""the review queue: records matched by name alone, kept for the user to decide

Revision ID: 0008
Revises: 0007

An import no longer applies a match on the name alone (or on a phone shared by
people of different names): it keeps the record here, with the evidence, until the
user accepts it (an update, as the import would have made) or keeps it separate
(a new person).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.storage.schema

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("source_format", sa.String(length=32), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("created_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_proposal_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_proposal_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "ix_proposal_workspace_decision", ["workspace_id", "decision", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_workspace_decision")
        batch_op.drop_index(batch_op.f("ix_proposal_person_id"))
    op.drop_table("proposal")
