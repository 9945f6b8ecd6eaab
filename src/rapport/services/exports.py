"""Taking the network out: people as vCard 4.0 or CSV, the agenda as an .ics feed.
(The full JSON backup is `services.backup`.)"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TextIO

from sqlalchemy import select

from rapport.adapters.ical import FeedItem
from rapport.adapters.records import ContactRecord, PartialDate
from rapport.domain.custom_fields import Target
from rapport.domain.milestones import occurrence, series_start
from rapport.services import agenda, custom_fields
from rapport.services.context import Ctx
from rapport.storage.schema import (
    Commitment,
    Milestone,
    Organization,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
    PersonType,
    PersonUrl,
    Role,
    Tag,
    Workspace,
)

CHUNK = 2000


def contacts(ctx: Ctx, *, archived: bool = True) -> Iterator[tuple[ContactRecord, int]]:
    """(record, person id) for every person, by name, read in chunks."""
    query = select(Person.id).where(Person.workspace_id == ctx.workspace_id)
    if not archived:
        query = query.where(Person.archived_at.is_(None))
    ids = list(ctx.session.scalars(query.order_by(Person.name_key, Person.id)))
    for start in range(0, len(ids), CHUNK):
        yield from _records(ctx, ids[start : start + CHUNK])


def records(ctx: Ctx, ids: Sequence[int]) -> Iterator[tuple[ContactRecord, int]]:
    """(record, person id) for the people `ids` (all in this workspace), in that
    order, with seven queries whatever their number (keep `ids` to a few thousand)."""
    return _records(ctx, ids)


def _lists(ctx: Ctx, ids: Sequence[int]) -> dict[str, dict[int, list[str]]]:
    s = ctx.session
    found: dict[str, dict[int, list[str]]] = {
        k: defaultdict(list) for k in ("emails", "phones", "urls", "tags", "types")
    }
    queries = {
        "emails": select(PersonEmail.person_id, PersonEmail.address)
        .where(PersonEmail.person_id.in_(ids))
        .order_by(PersonEmail.is_primary.desc(), PersonEmail.id),
        "phones": select(PersonPhone.person_id, PersonPhone.number)
        .where(PersonPhone.person_id.in_(ids))
        .order_by(PersonPhone.id),
        "urls": select(PersonUrl.person_id, PersonUrl.url)
        .where(PersonUrl.person_id.in_(ids))
        .order_by(PersonUrl.id),
        "tags": select(PersonTag.person_id, Tag.name)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .where(PersonTag.person_id.in_(ids))
        .order_by(Tag.name_key),
        "types": select(PersonType.person_id, PersonType.type)
        .where(PersonType.person_id.in_(ids))
        .order_by(PersonType.type),
    }
    for key, query in queries.items():
        for pid, value in s.execute(query):
            found[key][pid].append(value)
    return found


def _records(ctx: Ctx, ids: Sequence[int]) -> Iterator[tuple[ContactRecord, int]]:
    lists = _lists(ctx, ids)
    own = custom_fields.values_of(ctx, Target.PEOPLE, ids)
    dates: dict[int, dict[str, PartialDate]] = defaultdict(dict)
    for pid, kind, label, month, day, year in ctx.session.execute(
        select(
            Milestone.person_id, Milestone.kind, Milestone.label,
            Milestone.month, Milestone.day, Milestone.year,
        )
        .where(Milestone.person_id.in_(ids), Milestone.kind.in_(("birthday", "custom")))
        .order_by(Milestone.id)
    ):  # fmt: skip
        slot = "birthday" if kind == "birthday" else "anniversary"
        if kind == "custom" and (label or "").strip().lower() != "anniversary":
            continue
        dates[pid].setdefault(slot, PartialDate(month, day, year))
    rows = {
        row.id: row
        # columns, not Person objects: the ORM's loading cost more than the query, and
        # a Core read sees what a Core write of this transaction changed
        for row in ctx.rows(
            select(
                Person.id, Person.full_name, Person.given_name, Person.family_name,
                Person.nickname, Person.title, Person.location, Person.timezone,
                Person.notes, Person.met_on, Person.how_met, Organization.name.label("org"),
            )
            .outerjoin(Organization, Organization.id == Person.organization_id)
            .where(Person.id.in_(ids))
        )
    }  # fmt: skip
    # when each current role began (the newest open role's start, as `people.out` lists)
    started = {
        pid: day
        for pid, day in ctx.session.execute(
            select(Role.person_id, Role.started_on)
            .where(Role.person_id.in_(ids), Role.ended_on.is_(None))
            .order_by(Role.id)
        )
        if day is not None
    }
    for pid in ids:
        person = rows[pid]
        org = person.org
        yield (
            ContactRecord(
                line=0,
                full_name=person.full_name,
                given_name=person.given_name,
                family_name=person.family_name,
                nickname=person.nickname,
                organization=org,
                title=person.title,
                emails=lists["emails"][pid],
                phones=lists["phones"][pid],
                urls=lists["urls"][pid],
                location=person.location,
                timezone=person.timezone,
                notes=person.notes,
                tags=lists["tags"][pid],
                types=lists["types"][pid],
                birthday=dates[pid].get("birthday"),
                anniversary=dates[pid].get("anniversary"),
                met_on=person.met_on,
                how_met=person.how_met,
                started_on=started.get(pid),
                custom=own[pid],
            ),
            pid,
        )


VCARD_VERSIONS = ("4.0", "3.0")


def vcard_file(ctx: Ctx, stream: TextIO, version: str = "4.0") -> int:
    """Every person as vCard 4.0, or 3.0 (many address books still import no other);
    returns the number of cards."""
    from rapport.adapters import vcard
    from rapport.services.carddav import uids

    theirs = uids(ctx)  # a card made on a phone keeps its UID in the file too
    return vcard.write(
        ((rec, theirs.get(pid, f"urn:rapport:person:{pid}")) for rec, pid in contacts(ctx)),
        stream,
        version,
    )


def csv_file(ctx: Ctx, stream: TextIO, *, excel: bool = False) -> int:
    """Every person as one CSV row (Rapport's columns); returns the number of rows.
    `excel`: for Excel, which needs a byte-order mark to read UTF-8 (the stream must
    be UTF-8, as every export is)."""
    from rapport.adapters import csv_contacts

    names = [d.name for d in custom_fields.definitions(ctx, Target.PEOPLE)]
    return csv_contacts.write(
        ((rec, pid) for rec, pid in contacts(ctx)), stream, bom=excel, own_fields=names
    )


# --- the agenda feed --------------------------------------------------------------------

_MILESTONE_TITLES = {
    "birthday": "{name}'s birthday",
    "work-anniversary": "{name}'s work anniversary",
    "promotion": "{name}'s promotion",
    "new-job": "{name}'s new job",
}


def feed_items(ctx: Ctx) -> list[FeedItem]:
    """What a calendar should show: every milestone (yearly ones repeating), every open
    promise with a due date, and today's agenda entries (the digest's, too)."""
    s, ws = ctx.session, ctx.workspace_id
    items: list[FeedItem] = []
    for m, name in s.execute(
        select(Milestone, Person.full_name)
        .join(Person, Person.id == Milestone.person_id)
        .where(Milestone.workspace_id == ws, Person.archived_at.is_(None))
        .order_by(Milestone.id)
    ):
        yearly = m.recurrence == "yearly"
        if not yearly and m.year is None:
            continue
        title = _MILESTONE_TITLES.get(m.kind, "{name}: {label}")
        items.append(
            FeedItem(
                uid=f"milestone-{m.id}@rapport",
                day=occurrence(m.month, m.day, m.year)
                if m.year is not None
                else series_start(m.month, m.day, ctx.today.year),
                summary=title.format(name=name, label=m.label or m.kind),
                yearly=yearly,
            )
        )
    for c, name in s.execute(
        select(Commitment, Person.full_name)
        .join(Person, Person.id == Commitment.person_id)
        .where(
            Commitment.workspace_id == ws,
            Commitment.status == "open",
            Commitment.due_on.is_not(None),
        )
        .order_by(Commitment.due_on, Commitment.id)
    ):
        assert c.due_on is not None
        summary = (
            f"Promised {name}: {c.description}"
            if c.owner == "me"
            else f"{name} promised: {c.description}"
        )
        items.append(FeedItem(uid=f"promise-{c.id}@rapport", day=c.due_on, summary=summary))
    # today's agenda, entry for entry the same as the app and the daily digest show
    for entry in agenda.build(ctx).entries:
        items.append(
            FeedItem(
                uid=f"agenda-{entry.person_id}-{ctx.today.isoformat()}@rapport",
                day=ctx.today,
                summary=f"Reach out to {entry.person}",
                description="\n".join(
                    [*(r.text for r in entry.reasons), f"Suggested: {entry.reasons[0].action}"]
                ),
            )
        )
    return items


def ics_feed(ctx: Ctx, stream: TextIO) -> int:
    """The agenda as an iCalendar feed; returns the number of events."""
    from rapport.adapters import ical

    ws = ctx.session.get(Workspace, ctx.workspace_id)
    name = f"Rapport: {ws.name}" if ws else "Rapport"
    stamp = dt.datetime.combine(ctx.today, dt.time(0), dt.UTC)
    return ical.write_feed(feed_items(ctx), stream, name=name, stamp=stamp)
