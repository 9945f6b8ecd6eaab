"""The start date a contact file gives for a person's current role (a CSV column
"Started On", "Start Date"…), put on that role once the import has written it: work
anniversaries then count from the day the role really began, not from the day
Rapport first saw it. A role the file describes differently from the person's
current one (an update refused, a record without organisation or title) keeps its
dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from rapport.domain.names import fold
from rapport.services.context import Ctx
from rapport.services.imports.contact_records import Contact, clip
from rapport.services.person_writer import chunks
from rapport.services.roles import OLD_NEWS_DAYS
from rapport.storage.schema import Organization, Role


def apply(ctx: Ctx, contacts: Sequence[Contact]) -> int:
    """Date the current role of each written contact whose record gives a start date
    (in the caller's transaction); how many roles were dated."""
    dated = {
        c.person_id: c
        for c in contacts
        if c.person_id is not None
        and c.record.started_on is not None
        and c.record.started_on <= ctx.today
        and (c.record.organization or c.record.title)
    }
    count = 0
    for some in chunks(list(dated)):
        rows = ctx.session.execute(
            select(Role, Organization.name)
            .outerjoin(Organization, Organization.id == Role.organization_id)
            .where(Role.workspace_id == ctx.workspace_id, Role.person_id.in_(some))
            .order_by(Role.id)
        ).all()
        history: dict[int, list[tuple[Role, str | None]]] = {}
        for role, org in rows:
            history.setdefault(role.person_id, []).append((role, org))
        for pid, roles in history.items():
            count += _date(ctx, dated[pid], roles)
    ctx.session.flush()
    return count


def _date(ctx: Ctx, contact: Contact, roles: list[tuple[Role, str | None]]) -> int:
    rec, day = contact.record, contact.record.started_on
    assert day is not None
    current = next(((r, o) for r, o in reversed(roles) if r.ended_on is None), None)
    if current is None or not _same(current, rec.organization, rec.title):
        return 0
    role = current[0]
    if role.started_on == day:
        return 0
    role.started_on = day
    if day < ctx.today - dt.timedelta(days=OLD_NEWS_DAYS):
        role.detected_on = None  # an old change, not news for the agenda
    # the role this import has just ended ended when the new one began
    ended = [r for r, _ in roles if r.ended_on == ctx.today and r.id != role.id]
    if ended and (ended[-1].started_on is None or ended[-1].started_on <= day):
        ended[-1].ended_on = day
    return 1


def _same(role: tuple[Role, str | None], organization: str | None, title: str | None) -> bool:
    """Whether the role is the one the record describes (what the record gives)."""
    row, org = role
    org_given, title_given = clip(organization, 300), clip(title, 300)
    if org_given and fold(org_given) != fold(org or ""):
        return False
    return not title_given or title_given == row.title
