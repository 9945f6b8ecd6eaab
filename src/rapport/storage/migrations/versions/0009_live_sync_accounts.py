"""live sync: mail and calendar accounts, where each sync left off, and what it learnt

Revision ID: 0009
Revises: 0008

The tables of storage/sync_tables.py: accounts (with their password sealed by the
data directory's key), cursors per folder or calendar, calendar objects as last
seen, message threads across syncs, correspondents not yet in the network, and
upcoming meetings with their attendees.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.storage.schema

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "correspondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("exchanges", sa.Integer(), nullable=False),
        sa.Column("first_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("last_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("threads", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_correspondent_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondent")),
        sa.UniqueConstraint(
            "workspace_id", "address_key", name=op.f("uq_correspondent_workspace_id_address_key")
        ),
    )
    with op.batch_alter_table("correspondent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correspondent_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "mail_thread",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=500), nullable=False),
        sa.Column("root_key", sa.String(length=500), nullable=False),
        sa.Column("read", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_mail_thread_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "message_key", name=op.f("pk_mail_thread")),
    )
    op.create_table(
        "sync_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("host", sa.String(length=500), nullable=False),
        sa.Column("port", sa.Integer(), nullable=True),
        sa.Column("security", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=320), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("folders", sa.JSON(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.Column("last_run_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("last_success_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("next_run_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("running_since", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_sync_account_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_account")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_sync_account_workspace_id_name")),
    )
    with op.batch_alter_table("sync_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_account_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "sync_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=1000), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=True),
        sa.Column("modseq", sa.BigInteger(), nullable=True),
        sa.Column("sync_token", sa.Text(), nullable=True),
        sa.Column("ctag", sa.Text(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["sync_account.id"],
            name=op.f("fk_sync_cursor_account_id_sync_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_cursor")),
        sa.UniqueConstraint("account_id", "folder", name=op.f("uq_sync_cursor_account_id_folder")),
    )
    op.create_table(
        "sync_resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=1000), nullable=False),
        sa.Column("href", sa.String(length=1000), nullable=False),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("external_ids", sa.JSON(), nullable=False),
        sa.Column("recheck_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("waiting_for", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["sync_account.id"],
            name=op.f("fk_sync_resource_account_id_sync_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_resource")),
        sa.UniqueConstraint("account_id", "href", name=op.f("uq_sync_resource_account_id_href")),
    )
    with op.batch_alter_table("sync_resource", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_resource_recheck_at"), ["recheck_at"], unique=False
        )
    op.create_table(
        "upcoming_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=500), nullable=False),
        sa.Column("starts_at", rapport.storage.schema.UTCDateTime(), nullable=False),
        sa.Column("ends_at", rapport.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["sync_account.id"],
            name=op.f("fk_upcoming_meeting_account_id_sync_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_upcoming_meeting_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upcoming_meeting")),
        sa.UniqueConstraint(
            "workspace_id", "external_id", name=op.f("uq_upcoming_meeting_workspace_id_external_id")
        ),
    )
    with op.batch_alter_table("upcoming_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_upcoming_meeting_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            "ix_upcoming_meeting_workspace_starts", ["workspace_id", "starts_at"], unique=False
        )

    op.create_table(
        "upcoming_attendee",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["upcoming_meeting.id"],
            name=op.f("fk_upcoming_attendee_meeting_id_upcoming_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_upcoming_attendee_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person_id", name=op.f("pk_upcoming_attendee")),
    )
    with op.batch_alter_table("upcoming_attendee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_upcoming_attendee_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("upcoming_attendee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_upcoming_attendee_person_id"))

    op.drop_table("upcoming_attendee")
    with op.batch_alter_table("upcoming_meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_upcoming_meeting_workspace_starts")
        batch_op.drop_index(batch_op.f("ix_upcoming_meeting_account_id"))

    op.drop_table("upcoming_meeting")
    with op.batch_alter_table("sync_resource", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_resource_recheck_at"))

    op.drop_table("sync_resource")
    op.drop_table("sync_cursor")
    with op.batch_alter_table("sync_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_account_workspace_id"))

    op.drop_table("sync_account")
    op.drop_table("mail_thread")
    with op.batch_alter_table("correspondent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correspondent_workspace_id"))

    op.drop_table("correspondent")
