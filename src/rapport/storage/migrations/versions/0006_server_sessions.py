"""Sessions and sign-in failures live in the database

Revision ID: 0006
Revises: 0004

A signed cookie alone could not be ended: one copied before "sign out" worked for
its fourteen days. Sessions are now rows (`web_session`, the cookie's random id
stored as a hash) that sign-out, a password change and "sign out everywhere"
delete. Wrong passwords are rows too (`login_failure`), so the sign-in throttle
counts the same failures in every process serving the database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rapport.storage.schema import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_web_session_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_web_session_id_hash")),
    )
    op.create_index(op.f("ix_web_session_user_id"), "web_session", ["user_id"])
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_key", sa.String(length=32), nullable=False),
        sa.Column("client_key", sa.String(length=32), nullable=False),
        sa.Column("failed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index(
        "ix_login_failure_pair", "login_failure", ["account_key", "client_key", "failed_at"]
    )
    op.create_index("ix_login_failure_client", "login_failure", ["client_key", "failed_at"])
    op.create_index(op.f("ix_login_failure_failed_at"), "login_failure", ["failed_at"])


def downgrade() -> None:
    op.drop_table("login_failure")
    op.drop_table("web_session")
