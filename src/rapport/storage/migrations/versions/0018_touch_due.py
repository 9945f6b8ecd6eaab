"""What ranking check-ins needs, kept on each person: their rhythm in force, the
importance of their types and the day past which a check-in is due

Revision ID: 0018
Revises: 0015

Three nullable columns on person and an index on (workspace, due day) that covers
what ranking needs, so that the agenda ranks and counts the people due a check-in
from the index alone, instead of working out every person's rhythm and last contact
on each read. The values depend
on the workspace's time zone and rhythms, which the migration does not know: opening a
database that was at an older revision works them out once for everyone, after
migrating (services/context.py, TOUCH_FILLED; services/touch_state.py). Columns are
added, never altered: no table is copied on SQLite. (Revises 0015 on its branch;
renumbered on merge.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("touch_cadence", sa.Integer(), nullable=True))
    op.add_column("person", sa.Column("touch_weight", sa.Integer(), nullable=True))
    op.add_column("person", sa.Column("touch_due_on", sa.Date(), nullable=True))
    # the columns ranking and counting the people due read: the index covers them
    op.create_index(
        "ix_person_workspace_touch_due",
        "person",
        [
            "workspace_id", "touch_due_on", "touch_cadence", "touch_weight", "archived_at",
            "not_before", "max_contact_days", "last_contact_at", "full_name",
        ],
        unique=False,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_person_workspace_touch_due", table_name="person")
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+): person is referenced, never copied
    for column in ("touch_due_on", "touch_weight", "touch_cadence"):
        op.drop_column("person", column)
