"""People: add, edit (as `domain.person_patch` plans it), archive, list, and the
data behind a person's page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm.util import identity_key

from rapport.domain.cadence import cadence_defaults, effective_cadence
from rapport.domain.custom_fields import Target
from rapport.domain.names import fold
from rapport.domain.person_patch import (
    Changes,
    PersonPatch,
    PersonPlan,
    PersonState,
    as_patch,
    plan,
)
from rapport.domain.records import PersonOut, PersonSummary, RoleOut
from rapport.domain.vocabulary import RelationshipType, parse_choice
from rapport.errors import AlreadyKnown, Invalid, NotFound
from rapport.services import custom_fields, person_writer
from rapport.services.context import Ctx
from rapport.services.person_state import read_states
from rapport.services.person_writer import Planned
from rapport.services.search_documents import reindex_people
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

MANUAL = "manual"  # the source of roles a user's edit starts or completes


def get(ctx: Ctx, person_id: int) -> Person:
    """The person row in this workspace, or NotFound."""
    person = ctx.session.get(Person, person_id)
    if person is None or person.workspace_id != ctx.workspace_id:
        raise NotFound(f"no person with id {person_id}")
    return person


Fields = Mapping[str, str | None]  # the user's own fields: {name: value; empty clears}


def add(
    ctx: Ctx, changes: Changes, *, force: bool = False, fields: Fields | None = None
) -> PersonOut:
    """Create a person from `changes` (full_name or given/family name required) and
    the values of the user's own `fields`. AlreadyKnown, naming them, when an email
    or phone given is another person's, unless `force` (an importer's matching
    decides for itself: it writes directly)."""
    patch = as_patch(changes)
    state = PersonState()
    planned = plan(state, patch, today=ctx.today, phone_region=ctx.settings.get("phone_region"))
    _check_references(ctx, patch)
    values = custom_fields.check(ctx, Target.PEOPLE, fields or {})
    if not force:
        _refuse_known(ctx, planned, None)
    name = planned.values["full_name"]
    ctx.journal("add", f"Added {name}")
    person = Person(workspace_id=ctx.workspace_id, full_name=name, name_key=fold(name))
    ctx.session.add(person)
    ctx.session.flush()
    person_writer.write(ctx, [Planned(person.id, state, planned)], MANUAL)
    custom_fields.put(ctx, Target.PEOPLE, person.id, values)
    reindex_people(ctx.session, ctx.workspace_id, [person.id])
    return out(ctx, get(ctx, person.id))


def edit(ctx: Ctx, person_id: int, changes: Changes, *, fields: Fields | None = None) -> PersonOut:
    """Change the given fields (and the user's own `fields` named); a new
    organization or title closes the current role and opens a new one in the role
    history."""
    ctx.journal("edit", f"Edited {get(ctx, person_id).full_name}")
    values = custom_fields.check(ctx, Target.PEOPLE, fields or {})
    change(ctx, person_id, changes)
    custom_fields.put(ctx, Target.PEOPLE, person_id, values)
    reindex_people(ctx.session, ctx.workspace_id, [person_id])
    return out(ctx, get(ctx, person_id))


def change(ctx: Ctx, person_id: int, changes: Changes) -> None:
    """`edit` for batches: the same rules, but the caller refreshes the search index
    afterwards for all the people it changed (services.search_documents.replace_people)."""
    patch = as_patch(changes)
    get(ctx, person_id)
    state = read_states(ctx, [person_id])[person_id]
    planned = plan(state, patch, today=ctx.today, phone_region=ctx.settings.get("phone_region"))
    _check_references(ctx, patch)
    _refuse_known(ctx, planned, person_id)
    person_writer.write(ctx, [Planned(person_id, state, planned)], MANUAL)


def check_new(ctx: Ctx, changes: Changes) -> None:
    """What `add` would refuse without `force`, refused now (AlreadyKnown), so an
    interface can say so before it asks about close names."""
    patch = as_patch(changes)
    planned = plan(PersonState(), patch, today=ctx.today,
                   phone_region=ctx.settings.get("phone_region"))  # fmt: skip
    _refuse_known(ctx, planned, None)


def _refuse_known(ctx: Ctx, planned: PersonPlan, person_id: int | None) -> None:
    """AlreadyKnown when an email or phone the plan adds is already another person's:
    one person recorded twice is what merging is for, not a second record."""
    checks = (
        ("emails", PersonEmail, PersonEmail.address_key, PersonEmail.address,
         [key for key, _, _ in planned.lists.emails.add]),
        ("phones", PersonPhone, PersonPhone.number_key, PersonPhone.number,
         [key for key, _ in planned.lists.phones.add]),
    )  # fmt: skip
    for field, model, key, shown, keys in checks:
        if not keys:
            continue
        query = (
            select(shown, Person.id, Person.full_name, Organization.name)
            .join(Person, Person.id == model.person_id)
            .outerjoin(Organization, Organization.id == Person.organization_id)
            .where(model.workspace_id == ctx.workspace_id, key.in_(keys))
            .order_by(Person.id)
            .limit(1)
        )
        if person_id is not None:
            query = query.where(model.person_id != person_id)
        found = ctx.session.execute(query).first()
        if found is None:
            continue
        value, other, name, org = found
        whose = f"{value} is already {name}'s (#{other}" + (f", {org})" if org else ")")
        if person_id is None:
            raise AlreadyKnown(field, whose, other)
        raise AlreadyKnown(
            field,
            f"{whose}; if they are the same person, merge the two records "
            f"(rapport merge {other} {person_id})",
            other,
        )


def _check_references(ctx: Ctx, patch: PersonPatch) -> None:
    """NotFound for an event or an introducer not in this workspace."""
    event_id = patch.met_event_id
    if isinstance(event_id, int):
        event = ctx.session.get(Event, event_id)
        if event is None or event.workspace_id != ctx.workspace_id:
            raise NotFound(f"no event with id {event_id}")
    if isinstance(patch.introduced_by_id, int):
        get(ctx, patch.introduced_by_id)


def archive(ctx: Ctx, person_id: int, archived: bool = True) -> PersonOut:
    person = get(ctx, person_id)
    verb = "Archived" if archived else "Restored"
    ctx.journal("archive" if archived else "unarchive", f"{verb} {person.full_name}")
    person.archived_at = ctx.now() if archived else None
    ctx.session.flush()
    return out(ctx, person)


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
        organization_id=org.id if org else None,
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
        fields=custom_fields.values_of(ctx, Target.PEOPLE, pid)[person.id],
    )


def exists(ctx: Ctx, person_id: int) -> bool:
    """Whether `person_id` is a person of this workspace (archived or not)."""
    found = ctx.session.scalar(
        select(Person.id).where(Person.workspace_id == ctx.workspace_id, Person.id == person_id)
    )
    return found is not None


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
                organization_id=p.organization_id,
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
    field: str | None = None,
    archived: bool = False,
    sort: str = "name",
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[PersonSummary], int]:
    """One page of people matching the filters, and how many match in all. `field`
    is one of the user's own fields and its value, "Stage=Seed" ("Stage=": people
    without a value)."""
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
    if field:
        query = query.where(custom_fields.matching(ctx, Target.PEOPLE, field))
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
    """Full names of the people `ids`: those this session already holds without a
    query (a person's page names them on every promise, favour and date), the
    rest in one."""
    names: dict[int, str] = {}
    for pid in set(ids):
        held = ctx.session.identity_map.get(identity_key(Person, pid))
        if isinstance(held, Person) and "full_name" not in inspect(held).unloaded:
            names[pid] = held.full_name
    wanted = set(ids) - set(names)
    if wanted:
        rows = ctx.session.execute(select(Person.id, Person.full_name).where(Person.id.in_(wanted)))
        names.update({int(pid): str(name) for pid, name in rows})
    return names


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
