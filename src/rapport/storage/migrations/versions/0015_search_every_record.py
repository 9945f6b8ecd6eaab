"""Search over every record: no schema change; the search documents are rebuilt

Revision ID: 0015
Revises: 0014

Promises, favours, feedback, events, mentorships and milestones now have search
documents, people's documents hold their past roles and where they were met, and
text is tokenised in Python the same way for SQLite and PostgreSQL (plurals made
singular, unspaced scripts cut into pairs: storage/search.py). The tables stay as
they are; opening a database that was at an older revision rebuilds every
workspace's documents once, after migrating (services/context.py, SEARCH_REBUILT),
and `rapport reindex` does the same on demand.
"""

from __future__ import annotations

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
