"""A person's role history as the user tells it: past roles with their dates, the
real start of the current one (work anniversaries count from it), corrections and
deletions. The current role and the person's organisation and title are one fact:
a role given without an end becomes the current one through the same change rule as
`person edit --org/--title`, then gets the dates the user gave."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select

from rapport.domain.names import fold
from rapport.domain.records import RoleOut
from rapport.errors import Conflict, Contradicts, Invalid, NotFound
from rapport.services import people
from rapport.services.context import Ctx
from rapport.services.person_writer import organization_ids
from rapport.services.search_documents import reindex_people
from rapport.storage.schema import Role

# a role that began longer ago than this is not news for the agenda when Rapport learns of it
OLD_NEWS_DAYS = 90
_MONTH = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class RoleSpec:
    """What the user says of a role; dates as they type them (2021, 2021-03,
    2021-03-15)."""

    title: str | None = None
    organization: str | None = None
    started: str | None = None
    ended: str | None = None


def month_day(text: str | None, field: str) -> dt.date | None:
    """'2021' → 2021-01-01, '2021-03' → 2021-03-01, '2021-03-15' as it is; None for
    nothing given. Roles are remembered to the month more often than to the day."""
    if text is None or not text.strip():
        return None
    found = _MONTH.match(text.strip())
    if not found:
        raise Invalid(field, f"{text!r} is not a date (2021, 2021-03 or 2021-03-15)")
    year, month, day = (int(g) if g else 1 for g in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Contradicts(field, f"{text!r} is not a date on the calendar") from None


def add(ctx: Ctx, person_id: int, spec: RoleSpec) -> RoleOut:
    """Add a role. With an end date it is a past one, kept in the history only; without
    one it is what they do now: their organisation and title change (the current role
    ends the day the new one starts)."""
    person = people.get(ctx, person_id)
    title, org = _text(spec.title, "title"), _text(spec.organization, "org")
    if title is None and org is None:
        raise Contradicts("title", "give a title, an organisation or both")
    started, ended = _dates(ctx, spec)
    what = " at ".join(x for x in (title, org) if x)
    ctx.journal("role", f"Role for {person.full_name}: {what}")
    if ended is not None:
        row = Role(
            workspace_id=ctx.workspace_id, person_id=person.id, title=title,
            organization_id=_org_id(ctx, org), started_on=started, ended_on=ended,
            source="manual",
        )  # fmt: skip
        ctx.session.add(row)
        ctx.session.flush()
        return _out(ctx, row.id)
    now = people.out(ctx, person)
    if fold(title or "") == fold(now.title or "") and fold(org or now.organization or "") == fold(
        now.organization or ""
    ):
        raise Conflict(f"{person.full_name} already is {what}: change its dates with role edit")
    previous = _open_role(ctx, person.id)
    # a title alone is a new title where they are (a promotion); an organisation alone,
    # a move whose title is not known yet
    changes = {"title": title or ""} | ({"organization": org} if org else {})
    people.change(ctx, person.id, changes)
    reindex_people(ctx.session, ctx.workspace_id, [person.id])
    current = _open_role(ctx, person.id)
    assert current is not None  # a title or an organisation was given, and differs
    current.started_on = started
    if started is not None and started < ctx.today - dt.timedelta(days=OLD_NEWS_DAYS):
        current.detected_on = None  # told of an old change, not news for the agenda
    if previous is not None and previous.id != current.id and started is not None:
        began = previous.started_on or started
        if began <= started:
            previous.ended_on = started  # the old role ended when the new one began
    ctx.session.flush()
    return _out(ctx, current.id)


def edit(ctx: Ctx, role_id: int, spec: RoleSpec) -> RoleOut:
    """Correct a role: what is given changes, the rest stays. The current role's title
    and organisation are the person's: they change with it."""
    row = _role(ctx, role_id)
    person = people.get(ctx, row.person_id)
    ctx.journal("role edit", f"Corrected a role of {person.full_name}")
    if spec.title is not None or spec.organization is not None:
        title = _text(spec.title, "title") if spec.title is not None else row.title
        org_now = people.out(ctx, person).organization if row.ended_on is None else None
        if row.ended_on is None:
            org = _text(spec.organization, "org") if spec.organization is not None else org_now
            person.title, person.organization_id = title, _org_id(ctx, org)
            row.title, row.organization_id = title, person.organization_id
            reindex_people(ctx.session, ctx.workspace_id, [person.id])
        else:
            if spec.organization is not None:
                row.organization_id = _org_id(ctx, _text(spec.organization, "org"))
            row.title = title
        if row.title is None and row.organization_id is None:
            raise Contradicts("title", "a role needs a title, an organisation or both")
    if spec.started is not None:
        row.started_on = month_day(spec.started, "from")
    if spec.ended is not None:
        if row.ended_on is None and spec.ended.strip():
            raise Contradicts("to", "this is their current role: give them a new one instead")
        row.ended_on = month_day(spec.ended, "to") if row.ended_on is not None else None
    _check_order(row.started_on, row.ended_on)
    ctx.session.flush()
    return _out(ctx, row.id)


def delete(ctx: Ctx, role_id: int) -> RoleOut:
    """Remove a past role from the history (undoable). The current one is what they
    do now: change it (person edit --org/--title), do not delete it."""
    row = _role(ctx, role_id)
    if row.ended_on is None:
        raise Conflict(
            "this is their current role: give them their new one (role add, person edit "
            "--org/--title) or correct it (role edit)"
        )
    gone = _out(ctx, row.id)
    person = people.get(ctx, row.person_id)
    ctx.journal("role delete", f"Removed a role of {person.full_name}")
    ctx.session.delete(row)
    ctx.session.flush()
    return gone


def person_of(ctx: Ctx, role_id: int) -> int:
    """Whose role this is (NotFound outside this workspace)."""
    return _role(ctx, role_id).person_id


def _text(value: str | None, field: str) -> str | None:
    clean = " ".join((value or "").split())
    if len(clean) > 300:
        raise Invalid(field, "use at most 300 characters")
    return clean or None


def _dates(ctx: Ctx, spec: RoleSpec) -> tuple[dt.date | None, dt.date | None]:
    started, ended = month_day(spec.started, "from"), month_day(spec.ended, "to")
    for day, field in ((started, "from"), (ended, "to")):
        if day is not None and day > ctx.today:
            raise Contradicts(field, f"{day} is after today")
    _check_order(started, ended)
    return started, ended


def _check_order(started: dt.date | None, ended: dt.date | None) -> None:
    if started is not None and ended is not None and ended < started:
        raise Contradicts("to", f"the role ends ({ended}) before it starts ({started})")


def _org_id(ctx: Ctx, name: str | None) -> int | None:
    return organization_ids(ctx, [name])[fold(name)] if name else None


def _open_role(ctx: Ctx, person_id: int) -> Role | None:
    return ctx.session.scalar(
        select(Role)
        .where(Role.person_id == person_id, Role.ended_on.is_(None))
        .order_by(Role.id.desc())
        .limit(1)
    )


def _role(ctx: Ctx, role_id: int) -> Role:
    row = ctx.session.get(Role, role_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        raise NotFound(f"no role with id {role_id}")
    return row


def _out(ctx: Ctx, role_id: int) -> RoleOut:
    row = _role(ctx, role_id)
    person = people.get(ctx, row.person_id)
    for role in people.out(ctx, person).roles:
        if role.id == role_id:
            return role
    raise NotFound(f"no role with id {role_id}")  # pragma: no cover - read just written
