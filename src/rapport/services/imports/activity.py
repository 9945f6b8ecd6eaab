"""Meetings (iCalendar) and email conversations into interactions.

Each item becomes one interaction with the people in it, matched by email address.
Interactions carry (source, external_id), so importing the same file again finds
them instead of adding more; a person newly known since the last import is added
to the interactions they took part in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select

from rapport.adapters.records import Address, ContactRecord, Conversation, Skipped
from rapport.domain.names import email_key
from rapport.errors import ImportFailed, Invalid
from rapport.services import interactions, ties
from rapport.services.context import Ctx
from rapport.services.imports import contacts as import_contacts
from rapport.storage.schema import (
    Interaction,
    InteractionParticipant,
    Person,
    PersonEmail,
)

Progress = Callable[[int], None]
LOG_CHUNK = 10_000  # interactions logged at once


@dataclass
class Item:
    """One interaction to be: a past meeting or a day of an email thread."""

    line: int | None
    external_id: str
    occurred_at: dt.datetime
    kind: str
    summary: str
    direction: str
    people: list[Address]
    notes: str | None = None


def mail_item(conversation: Conversation) -> Item:
    """The interaction to be of a day of an email thread (mbox import and IMAP sync)."""
    c = conversation
    return Item(
        line=c.line,
        external_id=c.external_id,
        occurred_at=c.started_at,
        kind="email",
        summary=c.subject,
        direction=c.direction,
        people=c.counterparts,
        notes=message_count(c.messages),
    )


def message_count(n: int) -> str | None:
    """An email interaction's notes: how many messages, when more than one."""
    return f"{n} messages" if n > 1 else None


_COUNT = re.compile(r"^(\d+) messages$")


def stored_ids(ctx: Ctx, source: str, external_ids: Sequence[str]) -> set[str]:
    """Which of `external_ids` are interactions from `source` already."""
    found: set[str] = set()
    wanted = list(dict.fromkeys(external_ids))
    for start in range(0, len(wanted), 1000):
        found.update(
            ctx.session.scalars(
                select(Interaction.external_id).where(
                    Interaction.workspace_id == ctx.workspace_id,
                    Interaction.source == source,
                    Interaction.external_id.in_(wanted[start : start + 1000]),
                )
            ).all()  # type: ignore[arg-type]
        )
    return found


def add_messages(ctx: Ctx, source: str, more: dict[str, int]) -> int:
    """Count `more` messages (external id → how many) on stored email interactions
    whose notes are still the message count: a reply read in a later sync. How many
    interactions changed."""
    changed = 0
    wanted = [k for k, n in more.items() if n > 0]
    for start in range(0, len(wanted), 1000):
        rows = ctx.session.scalars(
            select(Interaction).where(
                Interaction.workspace_id == ctx.workspace_id,
                Interaction.source == source,
                Interaction.external_id.in_(wanted[start : start + 1000]),
            )
        ).all()
        for row in rows:
            counted = _COUNT.match(row.notes or "")
            if row.notes and counted is None:  # the user's own notes: left alone
                continue
            n = more[str(row.external_id)]
            row.notes = message_count((int(counted.group(1)) if counted else 1) + n)
            changed += 1
    ctx.session.flush()
    return changed


@dataclass
class ActivityResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    offered: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ignored: list[Skipped] = field(default_factory=list)


def name_from_address(address: Address) -> str:
    """A display name for someone known only by email: theirs if given, else
    'ana.lima@acme.com' → 'Ana Lima'."""
    if address.name and "@" not in address.name:
        return address.name.strip()
    local = address.email.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w]
    return " ".join(w.capitalize() for w in words) or address.email


def _label(address: Address) -> str:
    return f"{address.name} <{address.email}>" if address.name else address.email


def load(
    ctx: Ctx,
    items: Sequence[Item],
    source: str,
    own: set[str],
    *,
    add_people: bool,
    progress: Progress | None = None,
) -> ActivityResult:
    """Log `items` as interactions from `source` ('ics', 'mail') in the caller's
    transaction. Unknown people are created when `add_people`, else offered."""
    result = ActivityResult()
    known: dict[str, int] = dict(
        ctx.session.execute(
            select(PersonEmail.address_key, PersonEmail.person_id).where(
                PersonEmail.workspace_id == ctx.workspace_id
            )
        ).all()
    )
    unknown: dict[str, Address] = {}
    for item in items:
        for address in item.people:
            key = email_key(address.email)
            if key in known or key in own:
                continue
            if key not in unknown or (address.name and not unknown[key].name):
                unknown[key] = address
    if unknown and add_people:
        records = [
            ContactRecord(line=0, full_name=name_from_address(a), emails=[a.email])
            for a in unknown.values()
        ]
        made = import_contacts.load(ctx, records, source)
        result.people_created = made.created
        known.update(
            ctx.session.execute(
                select(PersonEmail.address_key, PersonEmail.person_id).where(
                    PersonEmail.workspace_id == ctx.workspace_id,
                    PersonEmail.person_id.in_(made.created_ids),
                )
            ).all()
        )
    elif unknown:
        result.offered = sorted((_label(a) for a in unknown.values()), key=str.casefold)
    stored = _stored(ctx, source, [i.external_id for i in items])
    pending: dict[str, tuple[Item, list[int]]] = {}
    for done, item in enumerate(items, start=1):
        pids = list(
            dict.fromkeys(known[k] for a in item.people if (k := email_key(a.email)) in known)
        )
        if not item.people:
            result.ignored.append(Skipped(item.line, "no one else in it", invalid=False))
        elif not pids:
            result.ignored.append(
                Skipped(item.line, f"no one in {item.summary!r} is in your network", invalid=False)
            )
        elif item.external_id in pending:
            result.ignored.append(Skipped(item.line, "repeated in the file", invalid=False))
        elif item.external_id in stored:
            known_meeting = stored[item.external_id]
            missing = [p for p in pids if p not in known_meeting.people]
            if missing:
                _add_participants(ctx, known_meeting, missing)
                result.updated += 1
            else:
                result.unchanged += 1
        else:
            pending[item.external_id] = (item, pids)
        if progress and done % 500 == 0:
            progress(done // 2)
    # in order of time, a chunk at a time (what log_many holds grows with the chunk):
    # a person met at an event is followed up by the earliest contact after it
    waiting = sorted(pending.values(), key=lambda entry: entry[0].occurred_at)
    for start in range(0, len(waiting), LOG_CHUNK):
        try:
            interactions.log_many(
                ctx,
                [
                    interactions.InteractionIn(
                        kind=item.kind,
                        occurred_at=item.occurred_at,
                        participant_ids=pids,
                        summary=item.summary,
                        direction=item.direction,
                        notes=item.notes,
                        source=source,
                        external_id=item.external_id,
                    )
                    for item, pids in waiting[start : start + LOG_CHUNK]
                ],
            )
        except Invalid as exc:  # checked by the adapters already: a bug if it happens
            raise ImportFailed(f"cannot log an interaction: {exc}") from exc
        if progress:  # the second half of the bar: the interactions written
            logged = min(start + LOG_CHUNK, len(waiting))
            progress(len(items) // 2 + (len(items) - len(items) // 2) * logged // len(waiting))
    result.created = len(pending)
    if progress:
        progress(len(items))
    return result


@dataclass
class _Stored:
    """An interaction imported before, as its new participants copy it."""

    id: int
    occurred_at: dt.datetime
    direction: str
    tone: str | None
    people: set[int] = field(default_factory=set)


def _stored(ctx: Ctx, source: str, external_ids: Sequence[str]) -> dict[str, _Stored]:
    """The interactions already imported from `source` among `external_ids`, with
    their participants."""
    found: dict[str, _Stored] = {}
    wanted = list(dict.fromkeys(external_ids))
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        # the ids alone first: with more columns, SQLite's planner scanned all
        # 2,000,000 interactions instead of the (workspace, source, external id) index
        ids = dict(
            ctx.session.execute(
                select(Interaction.id, Interaction.external_id).where(
                    Interaction.workspace_id == ctx.workspace_id,
                    Interaction.source == source,
                    Interaction.external_id.in_(chunk),
                )
            ).all()
        )
        if not ids:
            continue
        by_id: dict[int, _Stored] = {}
        for iid, at, direction, tone in ctx.session.execute(
            select(
                Interaction.id, Interaction.occurred_at, Interaction.direction, Interaction.tone
            ).where(Interaction.id.in_(list(ids)))
        ):
            external = ids[iid]
            if external:
                by_id[iid] = found[external] = _Stored(iid, at, direction, tone)
        for iid, pid in ctx.session.execute(
            select(InteractionParticipant.interaction_id, InteractionParticipant.person_id).where(
                InteractionParticipant.interaction_id.in_(list(by_id))
            )
        ):
            by_id[iid].people.add(pid)
    return found


def _add_participants(ctx: Ctx, stored: _Stored, person_ids: Sequence[int]) -> None:
    """`person_ids` join `stored`, with its moment, direction and tone (the file's
    copy of a meeting may have moved; the interaction kept is the one stored)."""
    occurred_at = stored.occurred_at
    ctx.session.execute(
        insert(InteractionParticipant),
        [
            {"interaction_id": stored.id, "person_id": pid,
             "workspace_id": ctx.workspace_id, "occurred_at": occurred_at,
             "direction": stored.direction, "tone": stored.tone}
            for pid in person_ids
        ],
    )  # fmt: skip
    for pid in person_ids:
        person = ctx.session.get(Person, pid)
        if person and (person.last_contact_at is None or person.last_contact_at < occurred_at):
            person.last_contact_at = occurred_at
    ties.refresh(ctx, [set(stored.people) | set(person_ids)])
