"""Fields of the user's own, on people and organisations (issue 23)

Revision ID: 0013
Revises: 0012

Two new tables, nothing else changed: the definitions (`custom_field`) and the
values (`custom_field_value`), each value belonging to a person or an organisation
and going with it when it is deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rapport.storage.schema import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "custom_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_custom_field_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_field")),
        sa.UniqueConstraint(
            "workspace_id",
            "target",
            "name_key",
            name=op.f("uq_custom_field_workspace_id_target_name_key"),
        ),
    )
    op.create_index(
        op.f("ix_custom_field_workspace_id"), "custom_field", ["workspace_id"], unique=False
    )
    op.create_table(
        "custom_field_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_key", sa.String(length=300), nullable=False),
        sa.Column("number_value", sa.Float(), nullable=True),
        sa.Column("date_value", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["custom_field.id"],
            name=op.f("fk_custom_field_value_field_id_custom_field"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_custom_field_value_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_custom_field_value_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_custom_field_value_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_field_value")),
        sa.UniqueConstraint(
            "field_id",
            "organization_id",
            name=op.f("uq_custom_field_value_field_id_organization_id"),
        ),
        sa.UniqueConstraint(
            "field_id", "person_id", name=op.f("uq_custom_field_value_field_id_person_id")
        ),
    )
    for column in ("workspace_id", "field_id", "person_id", "organization_id"):
        op.create_index(
            op.f(f"ix_custom_field_value_{column}"), "custom_field_value", [column], unique=False
        )
    op.create_index(
        "ix_custom_field_value_field_key",
        "custom_field_value",
        ["field_id", "value_key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("custom_field_value")
    op.drop_table("custom_field")
