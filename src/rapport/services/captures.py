"""Captures made on a phone with no connection, acted on once each when it returns.

A phone keeps a small directory of the network (`directory`) to look people up
offline; what the user captures there — a conversation with someone known, someone
new met — waits on the phone with a key it made, and is sent later (`receive`). The
first answer given for a key is kept (`storage.capture_receipts`) and given again to
every repeat of that key, so nothing is done twice however often the phone retries.

Between the capture and its sending the network may have changed: a person merged
into another has the capture land on the one kept (`merge.survivor`); an archived
person still gets it (the answer says so). A capture that cannot land (the person
is gone and was not merged) is refused, and the phone keeps it and shows why."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rapport.errors import Invalid, NotFound
from rapport.services import interactions, merge, people
from rapport.services.context import Ctx
from rapport.storage.capture_receipts import CaptureReceipt
from rapport.storage.schema import Organization, Person

KINDS = ("log", "met")
SUMMARY = 500  # an interaction's summary, at most (the rest of "where" is in how_met)


@dataclass(frozen=True)
class DirectoryEntry:
    """What a phone keeps of one person to find them offline."""

    id: int
    name: str
    organization: str | None


@dataclass(frozen=True)
class CaptureIn:
    """One capture as the phone sent it. `log`: a conversation with `person_id`
    (`name` is what the phone showed, for the answer's words); `met`: someone new,
    `name` met at `where`, with `note`."""

    key: str
    kind: str
    occurred_at: dt.datetime
    person_id: int | None = None
    name: str = ""
    organization: str = ""
    where: str = ""
    interaction_kind: str = "meeting"
    summary: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CaptureOut:
    """What a capture did: the person it landed on and the conversation logged.
    `replayed`: this key was acted on before, and this is that first answer.
    `merged_from`: the person it was captured for, merged since into `person_id`."""

    key: str
    kind: str
    person_id: int
    person: str
    interaction_id: int
    message: str
    archived: bool = False
    merged_from: int | None = None
    replayed: bool = False


def directory(ctx: Ctx) -> list[DirectoryEntry]:
    """Everyone not archived, by name: id, name and organisation."""
    rows = ctx.rows(
        select(Person.id, Person.full_name, Organization.name)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.workspace_id == ctx.workspace_id, Person.archived_at.is_(None))
        .order_by(Person.name_key, Person.id)
    )
    return [DirectoryEntry(pid, name, org) for pid, name, org in rows]


def receive(ctx: Ctx, capture: CaptureIn) -> CaptureOut:
    """Act on `capture` once: its answer, or the first answer given to its key."""
    if capture.kind not in KINDS:
        raise Invalid("kind", "must be log or met")
    earlier = _earlier(ctx, capture.key)
    if earlier is not None:
        return earlier
    receipt = CaptureReceipt(workspace_id=ctx.workspace_id, key=capture.key, kind=capture.kind)
    try:
        # claimed before acting: a second sending of the key at the same moment waits
        # here for the first one's transaction (PostgreSQL's unique index; SQLite
        # writes one transaction at a time), then finds its answer
        with ctx.session.begin_nested():
            ctx.session.add(receipt)
            ctx.session.flush()
    except IntegrityError:
        earlier = _earlier(ctx, capture.key)
        if earlier is None:
            raise
        return earlier
    done = _met(ctx, capture) if capture.kind == "met" else _log(ctx, capture)
    receipt.answer = asdict(done) | {"replayed": True}
    ctx.session.flush()
    return done


def _earlier(ctx: Ctx, key: str) -> CaptureOut | None:
    answer = ctx.session.scalar(
        select(CaptureReceipt.answer).where(
            CaptureReceipt.workspace_id == ctx.workspace_id, CaptureReceipt.key == key
        )
    )
    return CaptureOut(**answer) if answer else None


def _log(ctx: Ctx, capture: CaptureIn) -> CaptureOut:
    if capture.person_id is None:
        raise Invalid("person_id", "say whom the conversation was with")
    person_id, merged_from = capture.person_id, None
    try:
        person = people.get(ctx, person_id)
    except NotFound:
        kept = merge.survivor(ctx, person_id)
        if kept is None:
            shown = f" ({capture.name})" if capture.name else ""
            raise NotFound(
                f"person #{person_id}{shown} is no longer in your network: "
                "log it with someone else, or add them again"
            ) from None
        person, merged_from = people.get(ctx, kept), person_id
    logged = interactions.log(
        ctx,
        interactions.InteractionIn(
            kind=capture.interaction_kind or "meeting",
            occurred_at=capture.occurred_at,
            participant_ids=[person.id],
            summary=capture.summary,
            notes=capture.notes or None,
        ),
    )
    message = f"Logged {logged.kind} with {person.full_name}."
    if merged_from is not None:
        message = f"Logged {logged.kind} with {person.full_name} (merged with #{merged_from})."
    archived = person.archived_at is not None
    if archived:
        message += f" {person.full_name} is archived."
    return CaptureOut(
        key=capture.key,
        kind=capture.kind,
        person_id=person.id,
        person=person.full_name,
        interaction_id=logged.id,
        message=message,
        archived=archived,
        merged_from=merged_from,
    )


def _met(ctx: Ctx, capture: CaptureIn) -> CaptureOut:
    """Someone new: a person (with how and when they were met) and the conversation
    of meeting them, so they are on the post-event follow-up list and the timeline."""
    name = capture.name.strip()
    if not name:
        raise Invalid("name", "who did you meet?")
    where = capture.where.strip()
    fields: dict[str, object] = {
        "full_name": name,
        "met_on": capture.occurred_at.astimezone(ctx.tz).date(),
    }
    if where:
        fields["how_met"] = where
    if capture.organization.strip():
        fields["organization"] = capture.organization.strip()
    added = people.add(ctx, fields)
    logged = interactions.log(
        ctx,
        interactions.InteractionIn(
            kind="meeting",
            occurred_at=capture.occurred_at,
            participant_ids=[added.id],
            summary=f"Met at {where}"[:SUMMARY] if where else "Met",
            notes=capture.notes or None,
        ),
    )
    return CaptureOut(
        key=capture.key,
        kind=capture.kind,
        person_id=added.id,
        person=added.name,
        interaction_id=logged.id,
        message=f"Added {added.name}" + (f", met at {where}." if where else "."),
    )
