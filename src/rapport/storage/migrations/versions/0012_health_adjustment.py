"""A person's health can be corrected by the user, with a reason

Revision ID: 0012
Revises: 0011

The score reads only what is recorded; a tie kept on a channel Rapport cannot see
("we speak weekly on Signal") scores too low. The user's correction lives on the
person (points and reason), not in the workspace's settings: it goes with the person
when two are merged or one is deleted, and undoing one person's correction does not
collide with a later correction of someone else.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("health_adjustment", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("health_adjustment_reason", sa.Text(), nullable=True))
        batch.create_check_constraint(
            "health_adjustment_range",
            "health_adjustment IS NULL OR health_adjustment BETWEEN -100 AND 100",
        )


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint("health_adjustment_range", type_="check")
        batch.drop_column("health_adjustment_reason")
        batch.drop_column("health_adjustment")
