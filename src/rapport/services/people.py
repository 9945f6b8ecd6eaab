"""People: add, edit, archive, list, and the data behind a person's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select

from rapport.domain.cadence import cadence_defaults, effective_cadence
from rapport.domain.names import email_key, fold, join_name, looks_like_email, split_name
from rapport.domain.phones import phone_key
from rapport.domain.records import PersonOut, PersonSummary, RoleOut
from rapport.domain.text import MAX_TEXT, clean_text
from rapport.domain.vocabulary import Channel, RelationshipType, parse_choice
from rapport.errors import Invalid, NotFound
from rapport.services.context import Ctx, zone
from rapport.services.search_documents import reindex_organization, reindex_people
from rapport.storage.schema import (
    Event,
    Organization,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
    PersonType,
    PersonUrl,
    Role,
    Tag,
)

TEXT_FIELDS = ("nickname", "location", "how_met", "interests", "remember", "notes")
# every key `add` and `edit` accept
FIELDS = frozenset(
    {
        "full_name",
        "given_name",
        "family_name",
        "organization",
        "title",
        "timezone",
        "met_on",
        "met_event_id",
        "introduced_by_id",
        "preferred_channel",
        "not_before",
        "max_contact_days",
        "cadence_days",
        "strained",
        "strained_context",
        "emails",
        "phones",
        "urls",
        "types",
        "tags",
        *TEXT_FIELDS,
    }
)


def get(ctx: Ctx, person_id: int) -> Person:
    """The person row in this workspace, or NotFound."""
    person = ctx.session.get(Person, person_id)
    if person is None or person.workspace_id != ctx.workspace_id:
        raise NotFound(f"no person with id {person_id}")
    return person


def add(ctx: Ctx, changes: Mapping[str, Any]) -> PersonOut:
    """Create a person from `changes` (keys from FIELDS; full_name or given/family
    name required)."""
    name = clean_field(changes.get("full_name"), "full_name") or join_name(
        changes.get("given_name"), changes.get("family_name")
    )
    if not name:
        raise Invalid("name", "a person needs a name")
    person = Person(workspace_id=ctx.workspace_id, full_name=name, name_key=fold(name))
    ctx.session.add(person)
    ctx.session.flush()
    _apply(ctx, person, {**changes, "full_name": name}, is_new=True)
    ctx.session.flush()
    reindex_people(ctx.session, ctx.workspace_id, [person.id])
    return out(ctx, person)


def edit(ctx: Ctx, person_id: int, changes: Mapping[str, Any]) -> PersonOut:
    """Change the given fields; a new organization or title closes the current role
    and opens a new one in the role history."""
    change(ctx, person_id, changes)
    reindex_people(ctx.session, ctx.workspace_id, [person_id])
    return out(ctx, get(ctx, person_id))


def change(ctx: Ctx, person_id: int, changes: Mapping[str, Any]) -> None:
    """`edit` for batches: the same rules, but the caller refreshes the search index
    afterwards for all the people it changed (services.search_documents.replace_people)."""
    person = get(ctx, person_id)
    _apply(ctx, person, changes, is_new=False)
    ctx.session.flush()


def archive(ctx: Ctx, person_id: int, archived: bool = True) -> PersonOut:
    person = get(ctx, person_id)
    person.archived_at = ctx.now() if archived else None
    ctx.session.flush()
    return out(ctx, person)


# the longest value each short text column takes (longer text is refused, not cut)
MAX_LENGTH = {
    "full_name": 300,
    "given_name": 200,
    "family_name": 200,
    "nickname": 200,
    "organization": 300,
    "title": 300,
    "location": 300,
    "timezone": 64,
    "preferred_channel": 32,
    "tag": 100,
    "email": 320,
    "phone": 64,
    "url": 1000,
}


def clean_field(value: Any, field: str = "value") -> str | None:
    """`value` stripped (None when empty); Invalid past the field's maximum length."""
    return clean_text(value, field, MAX_LENGTH.get(field, MAX_TEXT))


def clean_timezone(value: Any) -> str | None:
    """A known IANA time zone name, or None; Invalid for an unknown one."""
    tz = clean_field(value, "timezone")
    if tz:
        zone(tz)
    return tz


def check_date(value: Any, field: str) -> dt.date | None:
    if value is not None and not isinstance(value, dt.date):
        raise Invalid(field, f"{value!r} is not a date")
    return value


def _positive_days(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        days = int(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(field, f"{value!r} is not a number of days") from exc
    if days <= 0 or days > 3650:
        raise Invalid(field, "must be between 1 and 3650 days")
    return days


def _apply(ctx: Ctx, person: Person, changes: Mapping[str, Any], *, is_new: bool) -> None:
    unknown = set(changes) - FIELDS
    if unknown:
        raise Invalid(sorted(unknown)[0], "is not a field of a person")
    session = ctx.session
    if "full_name" in changes or "given_name" in changes or "family_name" in changes:
        _apply_name(person, changes)
    for key in TEXT_FIELDS:
        if key in changes:
            setattr(person, key, clean_field(changes[key], key))
    if "timezone" in changes:
        person.timezone = clean_timezone(changes["timezone"])
    if "preferred_channel" in changes:
        channel = clean_field(changes["preferred_channel"], "preferred_channel")
        person.preferred_channel = (
            parse_choice(Channel, channel, "preferred_channel").value if channel else None
        )
    for key in ("met_on", "not_before"):
        if key in changes:
            setattr(person, key, check_date(changes[key], key))
    if "cadence_days" in changes:
        person.cadence_days = _positive_days(changes["cadence_days"], "cadence_days")
    if "max_contact_days" in changes:
        person.max_contact_days = _positive_days(changes["max_contact_days"], "max_contact_days")
    if "strained" in changes:
        strained = bool(changes["strained"])
        if strained and not person.strained:
            person.strained_since = ctx.today
        if not strained:
            person.strained_since = None
        person.strained = strained
    if "strained_context" in changes:
        person.strained_context = clean_field(changes["strained_context"], "strained_context")
    if "met_event_id" in changes:
        event_id = changes["met_event_id"]
        if event_id is not None:
            event = session.get(Event, event_id)
            if event is None or event.workspace_id != ctx.workspace_id:
                raise NotFound(f"no event with id {event_id}")
        person.met_event_id = event_id
    if "introduced_by_id" in changes:
        by = changes["introduced_by_id"]
        if by is not None:
            if by == person.id:
                raise Invalid("introduced_by", "a person cannot introduce themselves")
            get(ctx, by)
        person.introduced_by_id = by
    if "organization" in changes or "title" in changes:
        _apply_role(ctx, person, changes, is_new=is_new)
    if "emails" in changes:
        _set_emails(ctx, person, changes["emails"])
    if "phones" in changes:
        _set_phones(ctx, person, changes["phones"])
    if "urls" in changes:
        _set_urls(ctx, person, changes["urls"])
    if "types" in changes:
        set_types(ctx, person.id, changes["types"])
    if "tags" in changes:
        set_tags(ctx, person.id, changes["tags"])


def _apply_name(person: Person, changes: Mapping[str, Any]) -> None:
    person.full_name, person.given_name, person.family_name = names_after(
        changes, person.full_name, person.given_name, person.family_name
    )
    person.name_key = fold(person.full_name)


def names_after(
    changes: Mapping[str, Any], full_name: str, given_name: str | None, family_name: str | None
) -> tuple[str, str | None, str | None]:
    """(full, given, family name) of a person called `full_name` after `changes`: a
    new full name is split into given and family names unless they are given too."""
    given = clean_field(changes.get("given_name"), "given_name")
    family = clean_field(changes.get("family_name"), "family_name")
    full = clean_field(changes.get("full_name"), "full_name")
    if full is None:
        full = join_name(
            given if "given_name" in changes else given_name,
            family if "family_name" in changes else family_name,
        )
    if not full:
        raise Invalid("name", "a person needs a name")
    if full != full_name or given_name is None:
        auto_given, auto_family = split_name(full)
        return full, given or auto_given or None, family or auto_family or None
    return (
        full,
        given if "given_name" in changes else given_name,
        family if "family_name" in changes else family_name,
    )


def organization_id(ctx: Ctx, name: str | None) -> int | None:
    """The id of the organization called `name` (matched case- and accent-blind),
    created if new; None for an empty name."""
    clean = clean_field(name, "organization")
    if not clean:
        return None
    key = fold(clean)
    found = ctx.session.scalar(
        select(Organization.id).where(
            Organization.workspace_id == ctx.workspace_id, Organization.name_key == key
        )
    )
    if found is not None:
        return found
    org = Organization(workspace_id=ctx.workspace_id, name=clean, name_key=key)
    ctx.session.add(org)
    ctx.session.flush()
    reindex_organization(ctx.session, org)
    return org.id


def _apply_role(ctx: Ctx, person: Person, changes: Mapping[str, Any], *, is_new: bool) -> None:
    org_id = (
        organization_id(ctx, changes["organization"])
        if "organization" in changes
        else person.organization_id
    )
    title = clean_field(changes["title"], "title") if "title" in changes else person.title
    if not is_new and org_id == person.organization_id and title == person.title:
        return
    current = ctx.session.scalar(
        select(Role).where(Role.person_id == person.id, Role.ended_on.is_(None)).limit(1)
    )
    changed = not is_new and replaces_role(person.organization_id, person.title, org_id, title)
    person.organization_id, person.title = org_id, title
    if current is not None and not changed:
        current.organization_id, current.title = org_id, title
        if org_id is None and title is None:
            ctx.session.delete(current)
        return
    if current is not None:
        current.ended_on = ctx.today
    if org_id is None and title is None:
        return
    ctx.session.add(
        Role(
            workspace_id=ctx.workspace_id,
            person_id=person.id,
            organization_id=org_id,
            title=title,
            started_on=ctx.today if changed else None,
            detected_on=ctx.today if changed else None,
            source="manual",
        )
    )


def replaces_role(
    old_org_id: int | None, old_title: str | None, org_id: int | None, title: str | None
) -> bool:
    """Whether a new organization or title is a change of role: only when something
    known is replaced. Filling in a missing title or organization completes the
    current role instead of starting a new one."""
    return (old_org_id is not None and org_id != old_org_id) or (
        old_title is not None and title != old_title
    )


def clean_emails(addresses: Iterable[str]) -> dict[str, str]:
    """Address per key (`email_key`), in order, the first spelling of each kept;
    Invalid for one that is not an address. The first is the primary one."""
    seen: dict[str, str] = {}
    for raw in addresses:
        address = clean_field(raw, "email")
        if not address:
            continue
        if not looks_like_email(address):
            raise Invalid("email", f"{address!r} is not an email address")
        seen.setdefault(email_key(address), address)
    return seen


def clean_phones(numbers: Iterable[str], region: str | None) -> dict[str, str]:
    """Number per key (`phone_key`), in order, the first spelling of each kept."""
    seen: dict[str, str] = {}
    for raw in numbers:
        number = clean_field(raw, "phone")
        if number:
            seen.setdefault(phone_key(number, region), number)
    return seen


def clean_urls(urls: Iterable[str]) -> list[tuple[str, str]]:
    """(web address, kind) for each distinct address as given, in order; one without
    a scheme gets https://, kind is 'linkedin' or 'website'. Invalid for text that is
    not a web address."""
    found = []
    cleaned = (clean_field(u, "url") for u in urls)
    for raw in dict.fromkeys(u for u in cleaned if u):
        if " " in raw or "." not in raw:
            raise Invalid("url", f"{raw!r} is not a web address")
        url = raw if "://" in raw else "https://" + raw
        found.append((url, "linkedin" if "linkedin.com" in url.lower() else "website"))
    return found


def clean_types(types: Iterable[str]) -> list[str]:
    """The relationship types named, sorted, each once; Invalid for an unknown one."""
    return sorted({parse_choice(RelationshipType, t, "type").value for t in types if t.strip()})


def tag_name(name: str) -> str:
    """A tag's name as stored: stripped, without a leading '#'; Invalid when empty."""
    clean = (clean_field(name, "tag") or "").lstrip("#")
    if not clean:
        raise Invalid("tag", "a tag cannot be empty")
    return clean


def _set_emails(ctx: Ctx, person: Person, addresses: Iterable[str]) -> None:
    seen = clean_emails(addresses)
    ctx.session.execute(delete(PersonEmail).where(PersonEmail.person_id == person.id))
    for position, (key, address) in enumerate(seen.items()):
        ctx.session.add(
            PersonEmail(
                workspace_id=ctx.workspace_id,
                person_id=person.id,
                address=address,
                address_key=key,
                is_primary=position == 0,
            )
        )


def _set_phones(ctx: Ctx, person: Person, numbers: Iterable[str]) -> None:
    seen = clean_phones(numbers, ctx.settings.get("phone_region"))
    ctx.session.execute(delete(PersonPhone).where(PersonPhone.person_id == person.id))
    for key, number in seen.items():
        ctx.session.add(
            PersonPhone(
                workspace_id=ctx.workspace_id, person_id=person.id, number=number, number_key=key
            )
        )


def _set_urls(ctx: Ctx, person: Person, urls: Iterable[str]) -> None:
    ctx.session.execute(delete(PersonUrl).where(PersonUrl.person_id == person.id))
    for url, kind in clean_urls(urls):
        ctx.session.add(
            PersonUrl(workspace_id=ctx.workspace_id, person_id=person.id, url=url, kind=kind)
        )


def set_types(ctx: Ctx, person_id: int, types: Iterable[str]) -> None:
    wanted = clean_types(types)
    ctx.session.execute(delete(PersonType).where(PersonType.person_id == person_id))
    for value in wanted:
        ctx.session.add(PersonType(workspace_id=ctx.workspace_id, person_id=person_id, type=value))


def tag_id(ctx: Ctx, name: str) -> int:
    clean = tag_name(name)
    key = fold(clean)
    found = ctx.session.scalar(
        select(Tag.id).where(Tag.workspace_id == ctx.workspace_id, Tag.name_key == key)
    )
    if found is not None:
        return found
    tag = Tag(workspace_id=ctx.workspace_id, name=clean, name_key=key)
    ctx.session.add(tag)
    ctx.session.flush()
    return tag.id


def set_tags(ctx: Ctx, person_id: int, tags: Iterable[str]) -> None:
    ids = dict.fromkeys(tag_id(ctx, t) for t in tags if t.strip())
    ctx.session.execute(delete(PersonTag).where(PersonTag.person_id == person_id))
    for tid in ids:
        ctx.session.add(PersonTag(workspace_id=ctx.workspace_id, person_id=person_id, tag_id=tid))


# --- reading -----------------------------------------------------------------


def _names_by_person(ctx: Ctx, column: Any, table: Any, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = ctx.session.execute(
            select(table.person_id, column).where(table.person_id.in_(ids)).order_by(column)
        )
        for pid, value in rows:
            found[pid].append(value)
    return found


def _tags_by_person(ctx: Ctx, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = ctx.session.execute(
            select(PersonTag.person_id, Tag.name)
            .join(Tag, Tag.id == PersonTag.tag_id)
            .where(PersonTag.person_id.in_(ids))
            .order_by(Tag.name_key)
        )
        for pid, name in rows:
            found[pid].append(name)
    return found


def out(ctx: Ctx, person: Person) -> PersonOut:
    """The full plain view of one person."""
    session = ctx.session
    pid = [person.id]
    org = session.get(Organization, person.organization_id) if person.organization_id else None
    emails = session.scalars(
        select(PersonEmail.address)
        .where(PersonEmail.person_id == person.id)
        .order_by(PersonEmail.is_primary.desc(), PersonEmail.id)
    ).all()
    phones = session.scalars(
        select(PersonPhone.number)
        .where(PersonPhone.person_id == person.id)
        .order_by(PersonPhone.id)
    ).all()
    urls = session.scalars(
        select(PersonUrl.url).where(PersonUrl.person_id == person.id).order_by(PersonUrl.id)
    ).all()
    types = _names_by_person(ctx, PersonType.type, PersonType, pid)[person.id]
    roles = session.execute(
        select(Role, Organization.name)
        .outerjoin(Organization, Organization.id == Role.organization_id)
        .where(Role.person_id == person.id)
        .order_by(Role.ended_on.is_(None), Role.ended_on, Role.id)
    ).all()
    event = session.get(Event, person.met_event_id) if person.met_event_id else None
    introducer = session.get(Person, person.introduced_by_id) if person.introduced_by_id else None
    return PersonOut(
        id=person.id,
        name=person.full_name,
        given_name=person.given_name,
        family_name=person.family_name,
        nickname=person.nickname,
        organization=org.name if org else None,
        title=person.title,
        location=person.location,
        timezone=person.timezone,
        emails=list(emails),
        phones=list(phones),
        urls=list(urls),
        types=types,
        tags=_tags_by_person(ctx, pid)[person.id],
        how_met=person.how_met,
        met_on=person.met_on,
        met_at_event=event.name if event else None,
        introduced_by=introducer.full_name if introducer else None,
        interests=person.interests,
        remember=person.remember,
        notes=person.notes,
        preferred_channel=person.preferred_channel,
        not_before=person.not_before,
        max_contact_days=person.max_contact_days,
        cadence_days=person.cadence_days,
        effective_cadence_days=effective_cadence(
            person.cadence_days, types, cadence_defaults(ctx.settings.get("cadence"))
        ),
        strained=person.strained,
        strained_context=person.strained_context,
        archived=person.archived_at is not None,
        last_contact_at=person.last_contact_at,
        created_at=person.created_at,
        roles=[
            RoleOut(r.id, org_name, r.title, r.started_on, r.ended_on, r.detected_on)
            for r, org_name in roles
        ],
    )


def show(ctx: Ctx, person_id: int) -> PersonOut:
    return out(ctx, get(ctx, person_id))


def summaries(ctx: Ctx, ids: Sequence[int]) -> list[PersonSummary]:
    """Summaries of `ids` in the given order, with three queries whatever their number."""
    if not ids:
        return []
    rows = {
        p.id: (p, org)
        for p, org in ctx.session.execute(
            select(Person, Organization.name)
            .outerjoin(Organization, Organization.id == Person.organization_id)
            .where(Person.id.in_(ids), Person.workspace_id == ctx.workspace_id)
        )
    }
    types = _names_by_person(ctx, PersonType.type, PersonType, list(rows))
    tags = _tags_by_person(ctx, list(rows))
    result = []
    for pid in ids:
        if pid not in rows:
            continue
        p, org = rows[pid]
        result.append(
            PersonSummary(
                id=p.id,
                name=p.full_name,
                organization=org,
                title=p.title,
                types=types[pid],
                tags=tags[pid],
                last_contact_at=p.last_contact_at,
                archived=p.archived_at is not None,
            )
        )
    return result


SORTS = ("name", "last-contact", "added")


def listing(
    ctx: Ctx,
    *,
    type_: str | None = None,
    tag: str | None = None,
    organization: str | None = None,
    archived: bool = False,
    sort: str = "name",
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[PersonSummary], int]:
    """One page of people matching the filters, and how many match in all."""
    query = select(Person.id).where(Person.workspace_id == ctx.workspace_id)
    query = query.where(
        Person.archived_at.is_not(None) if archived else Person.archived_at.is_(None)
    )
    if type_:
        value = parse_choice(RelationshipType, type_, "type").value
        query = query.where(
            Person.id.in_(select(PersonType.person_id).where(PersonType.type == value))
        )
    if tag:
        query = query.where(
            Person.id.in_(
                select(PersonTag.person_id)
                .join(Tag, Tag.id == PersonTag.tag_id)
                .where(Tag.workspace_id == ctx.workspace_id, Tag.name_key == fold(tag.lstrip("#")))
            )
        )
    if organization:
        query = query.where(
            Person.organization_id.in_(
                select(Organization.id).where(
                    Organization.workspace_id == ctx.workspace_id,
                    Organization.name_key.startswith(fold(organization), autoescape=True),
                )
            )
        )
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if sort == "name":
        query = query.order_by(Person.name_key, Person.id)
    elif sort == "last-contact":
        query = query.order_by(Person.last_contact_at.is_(None), Person.last_contact_at, Person.id)
    elif sort == "added":
        query = query.order_by(Person.created_at.desc(), Person.id.desc())
    else:
        raise Invalid("sort", f"{sort!r} is not one of: {', '.join(SORTS)}")
    if limit <= 0 or offset < 0:
        raise Invalid("limit", "must be a positive number")
    ids = list(ctx.session.scalars(query.limit(limit).offset(offset)))
    return summaries(ctx, ids), total


def names_of(ctx: Ctx, ids: Iterable[int]) -> dict[int, str]:
    """Full names of the people `ids` (one query)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = ctx.session.execute(select(Person.id, Person.full_name).where(Person.id.in_(wanted)))
    return {int(pid): str(name) for pid, name in rows}


def count(ctx: Ctx) -> int:
    return (
        ctx.session.scalar(
            select(func.count(Person.id)).where(Person.workspace_id == ctx.workspace_id)
        )
        or 0
    )


def require(ctx: Ctx, person_id: int) -> None:
    """Nothing if the person is in this workspace; NotFound otherwise."""
    get(ctx, person_id)
