"""People the user writes with who are not in the network: counted, then offered.

A mail sync never adds anyone silently. For each address that is neither the user's
nor a person's, it counts the exchanges (days of a thread, the unit of an email
interaction) and keeps those conversations. Once there have been `THRESHOLD`
exchanges and the user wrote in at least `WRITTEN_AT_LEAST` of them (so a stranger's
cold emails are never offered), the address is offered on the Review page, by
`rapport correspondents` and `GET /api/v1/correspondents`. Added, the person is
created the normal way (`imports.contacts.load`) and gets the kept conversations on
their timeline, with the same external ids the sync and the mbox importer use, so
nothing doubles; ignored, the address is not offered again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from rapport.adapters.records import Address, ContactRecord, Conversation
from rapport.domain.names import email_key
from rapport.errors import Invalid, NotFound
from rapport.services import owner
from rapport.services.context import Ctx
from rapport.services.imports import activity
from rapport.services.imports import contacts as import_contacts
from rapport.storage.schema import PersonEmail
from rapport.storage.sync_tables import Correspondent

THRESHOLD = 3  # exchanges (days of a thread) before an address is offered
WRITTEN_AT_LEAST = 1  # of which the user wrote in at least this many
CHUNK = 1000
ADDED, IGNORED = "added", "ignored"


@dataclass(frozen=True)
class CorrespondentOut:
    address: str
    name: str | None
    exchanges: int
    written: int  # exchanges the user wrote in
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    decision: str | None  # None, "added", "ignored"
    recent: list[str]  # the latest conversations' subjects

    @property
    def label(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass(frozen=True)
class Decided:
    """What `add` or `ignore` did."""

    addresses: list[str]
    people_created: int = 0
    interactions_created: int = 0
    interactions_updated: int = 0


def _written(row: Correspondent) -> int:
    return sum(1 for t in row.threads or [] if int(t.get("written", 0)) > 0)


def _out(row: Correspondent) -> CorrespondentOut:
    threads = sorted(row.threads or [], key=lambda t: str(t.get("occurred_at")), reverse=True)
    return CorrespondentOut(
        address=row.address_key,
        name=row.name,
        exchanges=row.exchanges,
        written=_written(row),
        first_at=row.first_at,
        last_at=row.last_at,
        decision=row.decision,
        recent=list(dict.fromkeys(str(t.get("summary", "")) for t in threads))[:3],
    )


def is_offered(row: Correspondent) -> bool:
    return row.decision is None and row.exchanges >= THRESHOLD and _written(row) >= WRITTEN_AT_LEAST


def _rows(ctx: Ctx, keys: Sequence[str]) -> dict[str, Correspondent]:
    found: dict[str, Correspondent] = {}
    for start in range(0, len(keys), CHUNK):
        for row in ctx.session.scalars(
            select(Correspondent).where(
                Correspondent.workspace_id == ctx.workspace_id,
                Correspondent.address_key.in_(keys[start : start + CHUNK]),
            )
        ):
            found[row.address_key] = row
    return found


def known_addresses(ctx: Ctx, keys: Iterable[str]) -> set[str]:
    """Which of `keys` are a person's email address in this workspace."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        found.update(
            ctx.session.scalars(
                select(PersonEmail.address_key).where(
                    PersonEmail.workspace_id == ctx.workspace_id,
                    PersonEmail.address_key.in_(wanted[start : start + CHUNK]),
                )
            ).all()
        )
    return found


def count(ctx: Ctx, conversations: Sequence[Conversation]) -> int:
    """Count the exchanges of `conversations` with addresses nobody in the network
    has, keeping the conversations; a conversation seen before (a later message the
    same day) adds its messages, not an exchange. How many addresses are newly
    offered."""
    people: dict[str, Address] = {}
    for c in conversations:
        for a in c.counterparts:
            people.setdefault(email_key(a.email), a)
    strangers = set(people) - known_addresses(ctx, people)
    if not strangers:
        return 0
    rows = _rows(ctx, sorted(strangers))
    offered_before = {k for k, r in rows.items() if is_offered(r)}
    for c in conversations:
        for a in c.counterparts:
            key = email_key(a.email)
            if key not in strangers:
                continue
            row = rows.get(key)
            if row is None:
                row = rows[key] = Correspondent(
                    workspace_id=ctx.workspace_id, address_key=key, name=a.name,
                    exchanges=0, threads=[],
                )  # fmt: skip
                ctx.session.add(row)
            _note(row, c, a)
    ctx.session.flush()
    return sum(1 for k, r in rows.items() if k not in offered_before and is_offered(r))


def _note(row: Correspondent, c: Conversation, a: Address) -> None:
    # copies: the JSON column notices a change only when the new value differs
    threads = [dict(t) for t in row.threads or []]
    entry = next((t for t in threads if t.get("external_id") == c.external_id), None)
    if entry is None:
        threads.append(
            {"external_id": c.external_id, "occurred_at": c.started_at.isoformat(),
             "summary": c.subject, "direction": c.direction, "kind": "email",
             "messages": c.messages, "written": c.written}
        )  # fmt: skip
        row.exchanges = (row.exchanges or 0) + 1
    else:
        entry["messages"] = int(entry.get("messages", 1)) + c.messages
        entry["written"] = int(entry.get("written", 0)) + c.written
    row.threads = threads  # a new list: the JSON column sees the change
    if a.name and not row.name:
        row.name = a.name
    if row.first_at is None or c.started_at < row.first_at:
        row.first_at = c.started_at
    if row.last_at is None or c.started_at > row.last_at:
        row.last_at = c.started_at


def offered(ctx: Ctx) -> list[CorrespondentOut]:
    """The addresses offered to be added, most exchanges first."""
    rows = ctx.session.scalars(
        select(Correspondent).where(
            Correspondent.workspace_id == ctx.workspace_id,
            Correspondent.decision.is_(None),
            Correspondent.exchanges >= THRESHOLD,
        )
    ).all()
    shown = [_out(r) for r in rows if is_offered(r)]
    shown.sort(key=lambda c: (-c.exchanges, c.address))
    return shown


def _decidable(ctx: Ctx, addresses: Iterable[str]) -> dict[str, Correspondent]:
    keys = [owner.checked(a) for a in addresses if a.strip()]
    if not keys:
        raise Invalid("address", "give at least one address")
    rows = _rows(ctx, keys)
    missing = [k for k in keys if k not in rows]
    if missing:
        raise NotFound(
            f"no exchanges with {missing[0]} were counted (rapport correspondents lists them)"
        )
    return {k: rows[k] for k in keys}


def add(ctx: Ctx, addresses: Iterable[str]) -> Decided:
    """Add each address as a person (unless someone has it already) with the
    conversations kept for it as interactions."""
    rows = _decidable(ctx, addresses)
    ctx.journal("add", f"Added {', '.join(rows)} from your email")
    known = known_addresses(ctx, rows)
    records = [
        ContactRecord(line=0, full_name=activity.name_from_address(Address(k, r.name)), emails=[k])
        for k, r in rows.items()
        if k not in known
    ]
    made = import_contacts.load(ctx, records, "mail") if records else None
    items = [
        activity.Item(
            line=None,
            external_id=str(t["external_id"]),
            occurred_at=dt.datetime.fromisoformat(str(t["occurred_at"])),
            kind="email",
            summary=str(t.get("summary") or "(no subject)"),
            direction=str(t.get("direction") or "them"),
            people=[Address(k, r.name)],
            notes=activity.message_count(int(t.get("messages", 1))),
        )
        for k, r in rows.items()
        for t in r.threads or []
    ]
    # one item per external id: several added people in one conversation share it
    merged: dict[str, activity.Item] = {}
    for item in sorted(items, key=lambda i: (i.occurred_at, i.external_id)):
        if item.external_id in merged:
            merged[item.external_id].people.extend(item.people)
        else:
            merged[item.external_id] = item
    result = activity.load(ctx, list(merged.values()), "mail", set(owner.addresses(ctx)),
                           add_people=False)  # fmt: skip
    now = ctx.now()
    for row in rows.values():
        row.decision, row.decided_at = ADDED, now
    ctx.session.flush()
    return Decided(
        addresses=list(rows),
        people_created=made.created if made else 0,
        interactions_created=result.created,
        interactions_updated=result.updated,
    )


def ignore(ctx: Ctx, addresses: Iterable[str]) -> Decided:
    """Stop offering each address (its exchanges are still counted)."""
    rows = _decidable(ctx, addresses)
    now = ctx.now()
    for row in rows.values():
        row.decision, row.decided_at = IGNORED, now
    ctx.session.flush()
    return Decided(addresses=list(rows))
