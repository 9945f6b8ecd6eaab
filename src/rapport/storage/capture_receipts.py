"""What a phone sent while it was offline, remembered by the key the phone made for
each capture, so that a capture sent twice (the connection dropped before the answer
came back, the page and the service worker both sending) is acted on once.

Not journaled (`storage.journal.NOT_JOURNALED`) and not backed up: a receipt is the
machinery of delivery. What the capture did (a person added, a conversation logged)
is journaled as usual. Imported at the end of `storage.schema`, so that
`Base.metadata` holds it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rapport.storage.schema import Base, UTCDateTime, utcnow


class CaptureReceipt(Base):
    """One capture acted on: its key (unique in the workspace) and the answer given
    the first time, which every repeat of the key gets again."""

    __tablename__ = "capture_receipt"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # log, met
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
