"""A participant row carries its interaction's direction and tone

Revision ID: 0004
Revises: 0003

A person's health reads their year of conversations: who started each one and its
tone. Those lived on the interaction only, so every participant row of the year
looked up its interaction (25 ms for a close tie with 12,700 conversations in the
year; 2 ms without). They are now copied onto the participant rows, as
`occurred_at` already was, and the (person, time) index covers them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("interaction_participant", sa.Column("direction", sa.String(8), nullable=True))
    op.add_column("interaction_participant", sa.Column("tone", sa.String(16), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE interaction_participant p SET direction = i.direction, tone = i.tone "
            "FROM interaction i WHERE i.id = p.interaction_id"
        )
    else:
        op.execute(
            "UPDATE interaction_participant SET (direction, tone) = (SELECT i.direction, "
            "i.tone FROM interaction i WHERE i.id = interaction_participant.interaction_id)"
        )
    op.drop_index("ix_participant_person_occurred", table_name="interaction_participant")
    op.create_index(
        "ix_participant_person_occurred",
        "interaction_participant",
        ["person_id", "occurred_at", "direction", "tone"],
    )


def downgrade() -> None:
    op.drop_index("ix_participant_person_occurred", table_name="interaction_participant")
    op.create_index(
        "ix_participant_person_occurred", "interaction_participant", ["person_id", "occurred_at"]
    )
    with op.batch_alter_table("interaction_participant") as batch:
        batch.drop_column("tone")
        batch.drop_column("direction")
