"""Thread roots (`adapters.mail.threads`): the smallest key of a thread within one
read, and a root remembered from an earlier read winning over new keys."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rapport.adapters import mail
from rapport.adapters.records import Address, MessageRecord

AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
ME = "ana@example.com"


def msg(mid: str, refs: list[str], sender: str = "bo@acme.com", hours: int = 0) -> MessageRecord:
    return MessageRecord(
        line=None, message_id=mid, thread_key=refs[0] if refs else mid, related=refs,
        sent_at=AT + dt.timedelta(hours=hours), subject="Lunch", sender=Address(sender),
        recipients=[Address(ME if sender != ME else "bo@acme.com")],
    )  # fmt: skip


def test_one_read_takes_the_smallest_key_whatever_the_order() -> None:
    first, reply = msg("m-root@acme", []), msg("a-reply@example.com", ["m-root@acme"], ME, 1)
    assert mail.threads([first, reply]) == mail.threads([reply, first])
    assert set(mail.threads([first, reply]).values()) == {"a-reply@example.com"}


def test_a_root_remembered_wins_so_a_later_reply_joins_the_stored_conversation() -> None:
    first = msg("m-root@acme", [])
    stored = mail.threads([first])
    assert stored == {"m-root@acme": "m-root@acme"}
    reply = msg("a-reply@example.com", ["m-root@acme"], ME, 1)
    roots = mail.threads([reply], stored)
    assert roots["a-reply@example.com"] == "m-root@acme"
    found, _ = mail.conversations([reply], {ME}, ZoneInfo("UTC"), roots)
    assert [c.external_id for c in found] == ["2026-11-02/m-root@acme"]
    assert found[0].written == 1
