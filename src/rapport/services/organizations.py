"""Organisations as the user tends them: listed with the people there now and before,
one organisation's profile ("who do I know at Acme"), its industry, website and notes
corrected, and two spellings of one organisation merged into one (one journal entry:
`rapport undo` brings both back).

"Now" is a person's current organisation (`person.organization_id`); "before" is
someone with an entry in their role history (`role`) at the organisation who is
there no longer. Archived people are in neither."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Update, delete, func, or_, select, update

from rapport.domain.counts import counted
from rapport.domain.custom_fields import Target
from rapport.domain.names import fold
from rapport.domain.person_fields import clean_urls
from rapport.domain.records import InteractionOut
from rapport.domain.text import MAX_TEXT, clean_text, strip_controls, text_problem, whole_number
from rapport.errors import Ambiguous, Invalid, NotFound
from rapport.services import custom_fields, health, interactions
from rapport.services.context import Ctx
from rapport.services.search_documents import reindex_organization
from rapport.storage import search
from rapport.storage.schema import (
    CustomFieldValue,
    Interaction,
    InteractionParticipant,
    Organization,
    Person,
    Role,
)

MAX_SHOWN = 8
MAX_ID = 2_147_483_647  # the largest id a row can have (a 32-bit integer)
RECENT_CONVERSATIONS = 20


@dataclass(frozen=True)
class OrganizationOut:
    id: int
    name: str
    industry: str | None
    website: str | None
    people_now: int  # active people whose current organisation it is
    people_before: int  # active people who worked there and have moved on
    last_contact_at: dt.datetime | None  # the latest contact with anyone there now


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    title: str | None
    health: int  # 0..100
    last_contact_at: dt.datetime | None
    left_on: dt.date | None  # people there before: when their role there ended


@dataclass(frozen=True)
class OrganizationProfile:
    organization: OrganizationOut
    notes: str | None
    health: int | None  # the average of its current people's health; None with no one there
    now: list[Member]  # the healthiest relationship first
    before: list[Member]  # the most recently left first
    conversations: list[InteractionOut]  # the latest, with anyone there now or before
    conversation_count: int
    fields: dict[str, str] = field(default_factory=dict)  # the user's own: {name: value}


@dataclass(frozen=True)
class OrganizationDetails:
    """What the user says of an organisation: a value given replaces the stored one
    ("" clears it), None leaves it as it is."""

    industry: str | None = None
    website: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class OrganizationChange:
    message: str  # what happened, in words
    people: int  # people whose current organisation changed
    roles: int  # role history entries moved
    organization: OrganizationOut


def listing(ctx: Ctx) -> list[OrganizationOut]:
    """Every organisation of the network, the most people there now first, then by
    name; three grouped queries whatever the number."""
    orgs = ctx.session.execute(
        select(Organization).where(Organization.workspace_id == ctx.workspace_id)
    ).scalars()
    now = _now_counts(ctx, None)
    before = _before_counts(ctx, None)
    found = [_out(o, now, before) for o in orgs]
    return sorted(found, key=lambda o: (-o.people_now, -o.people_before, fold(o.name)))


def find(ctx: Ctx, ref: str) -> Organization:
    """The one organisation `ref` names: '#12' or '12' (an id), its name, or a prefix
    of its name or of a word in it. NotFound or Ambiguous (listing candidates)."""
    raw = strip_controls(ref).strip()
    if not raw or text_problem(raw):  # no organisation is named so (PostgreSQL refuses NUL)
        raise NotFound(f"no organisation matches {raw!r}")
    number = whole_number(raw.lstrip("#"), "organisation")
    mine = Organization.workspace_id == ctx.workspace_id
    if number is not None:
        org = None
        if number <= MAX_ID:  # beyond, no row (and PostgreSQL's integer would overflow)
            org = ctx.session.scalar(select(Organization).where(mine, Organization.id == number))
        if org is None:
            raise NotFound(f"no organisation with id {number}")
        return org
    key = fold(raw)
    exact = ctx.session.scalar(select(Organization).where(mine, Organization.name_key == key))
    if exact is not None:
        return exact
    matches = list(
        ctx.session.scalars(
            select(Organization)
            .where(
                mine,
                or_(
                    Organization.name_key.startswith(key, autoescape=True),
                    Organization.name_key.contains(" " + key, autoescape=True),
                ),
            )
            .order_by(Organization.name_key, Organization.id)
            .limit(200)
        )
    )
    if not matches:
        raise NotFound(f"no organisation matches {raw!r}")
    if len(matches) > 1:
        names = [f"{o.name} (#{o.id})" for o in matches[:MAX_SHOWN]]
        raise Ambiguous(
            f"{raw!r} matches {len(matches)} organisations: {'; '.join(names)}. "
            "Type more of the name or use #id.",
            names,
        )
    return matches[0]


def profile(ctx: Ctx, ref: str) -> OrganizationProfile:
    """Who the user knows at one organisation: the people there now, then those there
    before, each with their health and last contact; the latest conversations with
    any of them; and the health of the relationship with the organisation, which is
    the mean of its current people's health scores (rounded), each person counting
    once whatever their seniority: an organisation where one contact is close and
    two have drifted reads as middling, which is what the user should see."""
    org = find(ctx, ref)
    now_rows = ctx.session.execute(
        select(Person.id, Person.full_name, Person.title, Person.last_contact_at).where(
            Person.workspace_id == ctx.workspace_id,
            Person.organization_id == org.id,
            Person.archived_at.is_(None),
        )
    ).all()
    before_rows = ctx.session.execute(
        select(
            Person.id, Person.full_name, Role.title, Person.last_contact_at, func.max(Role.ended_on)
        )
        .join(Role, Role.person_id == Person.id)
        .where(*_before_filter(ctx), Role.organization_id == org.id)
        .group_by(Person.id, Person.full_name, Role.title, Person.last_contact_at)
    ).all()
    ids = [r[0] for r in now_rows] + [r[0] for r in before_rows]
    scores = health.scores(ctx, ids=ids)
    now = [
        Member(pid, name, title, scores.get(pid, 0), last, None)
        for pid, name, title, last in now_rows
    ]
    now.sort(key=lambda m: (-m.health, fold(m.name)))
    left: dict[int, Member] = {}
    for pid, name, title, last, ended in before_rows:
        seen = left.get(pid)  # one line per person: the role they left last
        if seen is None or (ended or dt.date.min) > (seen.left_on or dt.date.min):
            left[pid] = Member(pid, name, title, scores.get(pid, 0), last, ended)
    before = sorted(left.values(), key=lambda m: (m.left_on or dt.date.min, m.name), reverse=True)
    mean = round(sum(m.health for m in now) / len(now)) if now else None
    conversations, total = _conversations(ctx, ids)
    out = _out(org, _now_counts(ctx, org.id), _before_counts(ctx, org.id))
    values = custom_fields.values_of(ctx, Target.ORGANIZATIONS, [org.id])[org.id]
    return OrganizationProfile(out, org.notes, mean, now, before, conversations, total, values)


def edit_fields(ctx: Ctx, ref: str, values: Mapping[str, str | None]) -> OrganizationProfile:
    """Set the user's own fields of one organisation ({name: value}; empty clears)."""
    org = find(ctx, ref)
    checked = custom_fields.check(ctx, Target.ORGANIZATIONS, values)
    ctx.journal("organization edit", f"Edited {org.name}")
    custom_fields.put(ctx, Target.ORGANIZATIONS, org.id, checked)
    reindex_organization(ctx.session, org, people=False)  # people hold only its name
    return profile(ctx, f"#{org.id}")


def edit(ctx: Ctx, ref: str, details: OrganizationDetails) -> OrganizationProfile:
    """Correct the industry, website or notes of organisation `ref` (one journal
    entry, undone by `rapport undo`); its profile as it is now. A website without a
    scheme gets https://."""
    org = find(ctx, ref)
    wanted = {
        "industry": _given(details.industry, lambda v: clean_text(v, "industry", 200)),
        "website": _given(details.website, _website),
        "notes": _given(details.notes, lambda v: clean_text(v, "notes", MAX_TEXT)),
    }
    changes = {k: v for k, v in wanted.items() if v is not _KEEP and v != getattr(org, k)}
    if changes:
        ctx.journal("organization edit", f"Edited {org.name}: {', '.join(changes)}")
        for column, value in changes.items():
            setattr(org, column, value)
        ctx.session.flush()
        reindex_organization(ctx.session, org, people=False)  # people hold only its name
        ctx.session.flush()
    return profile(ctx, f"#{org.id}")


_KEEP = object()  # a detail not given: left as it is


def _given(value: str | None, clean: Callable[[str], str | None]) -> object:
    return _KEEP if value is None else clean(value)


def _website(value: str) -> str | None:
    text = clean_text(value, "website", 500)
    if text is None:
        return None
    try:
        [(url, _)] = clean_urls([text])
    except Invalid:
        raise Invalid("website", f"{text!r} is not a web address") from None
    if len(url) > 500:
        raise Invalid("website", "use at most 500 characters")
    return url


def merge(ctx: Ctx, ref: str, into: str) -> OrganizationChange:
    """Make organisation `ref` one with `into` (two spellings of one organisation):
    its people and role history move to `into`, `into` takes its industry, website
    and notes where it has none, and `ref` is deleted. One journal entry."""
    source, target = find(ctx, ref), find(ctx, into)
    if source.id == target.id:
        raise Invalid("into", f"{source.name} and {target.name} are the same organisation")
    ctx.journal("organization merge", f"Merged {source.name} into {target.name}")
    moved = _rows(
        update(Person)
        .where(Person.workspace_id == ctx.workspace_id, Person.organization_id == source.id)
        .values(organization_id=target.id),
        ctx,
    )
    roles = _rows(
        update(Role)
        .where(Role.workspace_id == ctx.workspace_id, Role.organization_id == source.id)
        .values(organization_id=target.id),
        ctx,
    )
    # the user's own fields: the target's values win, the source's fill the gaps
    has = select(CustomFieldValue.field_id).where(CustomFieldValue.organization_id == target.id)
    ctx.session.execute(
        delete(CustomFieldValue).where(
            CustomFieldValue.organization_id == source.id, CustomFieldValue.field_id.in_(has)
        )
    )
    ctx.session.execute(
        update(CustomFieldValue)
        .where(CustomFieldValue.organization_id == source.id)
        .values(organization_id=target.id)
    )
    for column in ("industry", "website", "notes"):
        if not getattr(target, column) and getattr(source, column):
            setattr(target, column, getattr(source, column))
    name = source.name
    search.remove(ctx.session, "organization", [source.id])
    ctx.session.delete(source)
    ctx.session.flush()
    reindex_organization(ctx.session, target)  # and its people, now named with it
    ctx.session.flush()
    out = _out(target, _now_counts(ctx, target.id), _before_counts(ctx, target.id))
    return OrganizationChange(
        f"merged {name} into {target.name}: {counted(moved, 'people')} moved",
        moved,
        roles,
        out,
    )


def _out(
    org: Organization, now: dict[int, tuple[int, dt.datetime | None]], before: dict[int, int]
) -> OrganizationOut:
    count, last = now.get(org.id, (0, None))
    return OrganizationOut(
        org.id, org.name, org.industry, org.website, count, before.get(org.id, 0), last
    )


def _now_counts(ctx: Ctx, org_id: int | None) -> dict[int, tuple[int, dt.datetime | None]]:
    query = (
        select(Person.organization_id, func.count(Person.id), func.max(Person.last_contact_at))
        .where(
            Person.workspace_id == ctx.workspace_id,
            Person.organization_id.is_not(None),
            Person.archived_at.is_(None),
        )
        .group_by(Person.organization_id)
    )
    if org_id is not None:
        query = query.where(Person.organization_id == org_id)
    return {int(oid): (int(n), last) for oid, n, last in ctx.session.execute(query) if oid}


def _rows(statement: Update, ctx: Ctx) -> int:
    """How many rows `statement` changed."""
    return int(getattr(ctx.session.execute(statement), "rowcount", 0) or 0)


def _before_filter(ctx: Ctx) -> tuple[ColumnElement[bool], ...]:
    return (
        Person.workspace_id == ctx.workspace_id,
        Person.archived_at.is_(None),
        Role.ended_on.is_not(None),
        Person.organization_id.is_distinct_from(Role.organization_id),
    )


def _before_counts(ctx: Ctx, org_id: int | None) -> dict[int, int]:
    query = (
        select(Role.organization_id, func.count(func.distinct(Role.person_id)))
        .join(Person, Person.id == Role.person_id)
        .where(*_before_filter(ctx), Role.organization_id.is_not(None))
        .group_by(Role.organization_id)
    )
    if org_id is not None:
        query = query.where(Role.organization_id == org_id)
    return {int(oid): int(n) for oid, n in ctx.session.execute(query) if oid}


def _conversations(ctx: Ctx, person_ids: list[int]) -> tuple[list[InteractionOut], int]:
    if not person_ids:
        return [], 0
    with_them = (
        select(InteractionParticipant.interaction_id)
        .where(InteractionParticipant.person_id.in_(person_ids))
        .distinct()
    )
    total = ctx.session.scalar(select(func.count()).select_from(with_them.subquery()))
    rows = list(
        ctx.session.scalars(
            select(Interaction)
            .where(Interaction.workspace_id == ctx.workspace_id, Interaction.id.in_(with_them))
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            .limit(RECENT_CONVERSATIONS)
        )
    )
    return interactions.outs(ctx, rows), int(total or 0)
