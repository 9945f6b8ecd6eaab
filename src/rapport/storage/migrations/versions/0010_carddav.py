"""carddav: one address book per workspace and the cards it has served

Revision ID: 0010
Revises: 0009

The tables of storage/carddav_tables.py: the book's change counter and how far it
has read the journal, and per card its UID, file name, the properties Rapport does
not model (verbatim), its ETag and the change number at which it last changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.storage.schema

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carddav_book",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.BigInteger(), nullable=False),
        sa.Column("journal_seen", sa.BigInteger(), nullable=False),
        sa.Column("journal_gaps", sa.JSON(), nullable=False),
        sa.Column("created_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_carddav_book_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_carddav_book")),
    )
    op.create_table(
        "carddav_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("uid", sa.String(length=500), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("etag", sa.String(length=80), nullable=False),
        sa.Column("change", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("extras", sa.JSON(), nullable=False),
        sa.Column("extras_version", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_carddav_card_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_carddav_card_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carddav_card")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_carddav_card_workspace_id_name")),
        sa.UniqueConstraint("workspace_id", "uid", name=op.f("uq_carddav_card_workspace_id_uid")),
    )
    with op.batch_alter_table("carddav_card", schema=None) as batch_op:
        batch_op.create_index(
            "ix_carddav_card_workspace_change", ["workspace_id", "change"], unique=False
        )
        batch_op.create_index(
            "ix_carddav_card_workspace_person", ["workspace_id", "person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("carddav_card", schema=None) as batch_op:
        batch_op.drop_index("ix_carddav_card_workspace_person")
        batch_op.drop_index("ix_carddav_card_workspace_change")
    op.drop_table("carddav_card")
    op.drop_table("carddav_book")
