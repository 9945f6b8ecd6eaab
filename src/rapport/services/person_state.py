"""People as stored, read for planning a change (`domain.person_patch.plan`): a
fixed number of queries whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from rapport.domain.person_patch import PersonState
from rapport.services.context import Ctx
from rapport.storage.schema import (
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
)


def read_states(ctx: Ctx, ids: Sequence[int]) -> dict[int, PersonState]:
    """The stored state of the people `ids` of this workspace (eight queries whatever
    their number); people of another workspace are left out."""
    # Core rows and fetchall: the ORM's result step and row-by-row fetching took most
    # of the time
    found: dict[int, PersonState] = {}
    for row in ctx.rows(
        select(
            Person.id, Person.full_name, Person.given_name, Person.family_name, Person.name_key,
            Person.nickname, Person.organization_id, Organization.name, Person.title,
            Person.location, Person.timezone, Person.notes, Person.how_met, Person.met_on,
            Person.interests, Person.remember, Person.met_event_id, Person.introduced_by_id,
            Person.preferred_channel, Person.not_before, Person.max_contact_days,
            Person.cadence_days, Person.strained, Person.strained_since, Person.strained_context,
        )
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.workspace_id == ctx.workspace_id, Person.id.in_(ids))
    ).all():  # fmt: skip
        found[row[0]] = PersonState(*row)
    ids = list(found)  # only people of this workspace
    for pid, rid in ctx.rows(
        select(Role.person_id, Role.id)
        .where(Role.person_id.in_(ids), Role.ended_on.is_(None))
        .order_by(Role.id.desc())
    ).all():
        found[pid].open_role_id = rid  # the oldest open role, as the ids descend
    _read_lists(ctx, ids, found)
    for pid, mid, kind, label, month, day, year in ctx.rows(
        select(
            Milestone.person_id, Milestone.id, Milestone.kind, Milestone.label, Milestone.month,
            Milestone.day, Milestone.year,
        )
        .where(Milestone.person_id.in_(ids))
        .order_by(Milestone.id)
    ).all():  # fmt: skip
        found[pid].dates.append((mid, kind, label, month, day, year))
    return found


def _read_lists(ctx: Ctx, ids: Sequence[int], found: dict[int, PersonState]) -> None:
    for pid, key, address, primary in ctx.rows(
        select(
            PersonEmail.person_id, PersonEmail.address_key, PersonEmail.address,
            PersonEmail.is_primary,
        )
        .where(PersonEmail.person_id.in_(ids))
        .order_by(PersonEmail.is_primary.desc(), PersonEmail.id)
    ).all():  # fmt: skip
        found[pid].emails.append((key, address))
        found[pid].primaries += bool(primary)
    for pid, key, number in ctx.rows(
        select(PersonPhone.person_id, PersonPhone.number_key, PersonPhone.number)
        .where(PersonPhone.person_id.in_(ids))
        .order_by(PersonPhone.id)
    ).all():
        found[pid].phones.append((key, number))
    for pid, url in ctx.rows(
        select(PersonUrl.person_id, PersonUrl.url)
        .where(PersonUrl.person_id.in_(ids))
        .order_by(PersonUrl.id)
    ).all():
        found[pid].urls.append(url)
    for pid, tid, name in ctx.rows(
        select(PersonTag.person_id, Tag.id, Tag.name)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .where(PersonTag.person_id.in_(ids))
    ).all():
        found[pid].tags.append((tid, name))
    for pid, type_ in ctx.rows(
        select(PersonType.person_id, PersonType.type).where(PersonType.person_id.in_(ids))
    ).all():
        found[pid].types.append(type_)
