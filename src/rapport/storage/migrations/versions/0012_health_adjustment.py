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
    # columns only, as ALTER TABLE ADD COLUMN: a CHECK constraint in a batch would make
    # SQLite copy the table, dropping the old one, and with foreign keys on that drop
    # cascades to every row that points at a person (participants, roles, promises).
    # On SQLite the range is kept by the service alone; PostgreSQL also checks it.
    op.add_column("person", sa.Column("health_adjustment", sa.Integer(), nullable=True))
    op.add_column("person", sa.Column("health_adjustment_reason", sa.Text(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(
            "health_adjustment_range",
            "person",
            "health_adjustment IS NULL OR health_adjustment BETWEEN -100 AND 100",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("health_adjustment_range", "person", type_="check")
    # SQLite 3.35+ drops a column in place (no copy of the table, no cascade)
    op.drop_column("person", "health_adjustment_reason")
    op.drop_column("person", "health_adjustment")
