"""What ranking check-ins needs, kept on each person (`person.touch_*`), so that the
agenda reads the people due a check-in through an index instead of working out every
person's rhythm and last contact on each read (services/keep_in_touch.py).

Three values, worked out by the database with the rule of `domain.agenda.overdue`:
the rhythm in force (the person's own, else the tightest default of their types), the
importance of their types in tenths, and the local day past which a check-in is due
(the day of the last contact, else of meeting, else of being added, in the workspace's
zone, plus the rhythm). None of them depends on the day, so they change only when a
write changes what they are made of: a person's last contact, meeting day, rhythm or
types, or the workspace's zone or default rhythms.

No service has to remember them: the context calls `sync` before each write commits,
with the rows the journal saw the transaction touch (as it does for the search
documents), and the values of the people touched are worked out again in the same
transaction; they are not journaled themselves (an undo touches what they are made
of, and they are worked out again then). A database from before they
existed has them filled once when opened (services/context.py); a bulk load, which is
not journaled, calls `refresh` itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session

from rapport.domain.cadence import DEFAULT_IMPORTANCE, IMPORTANCE, cadence_defaults
from rapport.services.context import Ctx, zone
from rapport.storage import journal
from rapport.storage.dates import DayPlus, local_date
from rapport.storage.schema import Person, PersonType, Workspace

CHUNK = 4000  # people per statement: well under SQLite's 32,766 variables


def _const(value: int | str) -> Any:
    """A constant written into the SQL text (SQLite evaluates a parameter per row)."""
    return literal(value, literal_execute=True)


def _by_type(values: Mapping[str, int], default: int | None = None) -> Any:
    """CASE over a person_type row's type: `values[type]`, else `default`."""
    whens = [(PersonType.type == _const(t), _const(v)) for t, v in values.items()]
    return case(*whens, else_=_const(default) if default is not None else None)


def values(tz: dt.tzinfo, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The three columns as SQL expressions over a person row (correlated)."""
    defaults = cadence_defaults(settings.get("cadence"))
    tenths = {str(t): round(w * 10) for t, w in IMPORTANCE.items()}
    default_tenths = round(DEFAULT_IMPORTANCE * 10)
    of_person = PersonType.person_id == Person.id
    type_days = select(func.min(_by_type(defaults))).where(of_person).scalar_subquery()
    type_weight = (
        select(func.max(_by_type(tenths, default_tenths))).where(of_person).scalar_subquery()
    )
    cadence = func.coalesce(Person.cadence_days, type_days)
    anchor = func.coalesce(
        local_date(Person.last_contact_at, tz), Person.met_on, local_date(Person.created_at, tz)
    )
    return {
        "touch_cadence": cadence,
        "touch_weight": func.coalesce(type_weight, _const(default_tenths)),
        "touch_due_on": DayPlus(anchor, cadence),
    }


def refresh(
    session: Session,
    workspace_id: int,
    tz: dt.tzinfo,
    settings: Mapping[str, Any],
    person_ids: Collection[int] | None = None,
) -> None:
    """Work out the values of the people `person_ids` of the workspace (everyone
    without), writing only the rows whose values changed."""
    columns = values(tz, settings)
    changed = (
        Person.touch_cadence.is_distinct_from(columns["touch_cadence"])
        | Person.touch_weight.is_distinct_from(columns["touch_weight"])
        | Person.touch_due_on.is_distinct_from(columns["touch_due_on"])
    )
    # updated_at stays: these values are derived, not an edit of the person
    statement = (
        update(Person)
        .where(Person.workspace_id == workspace_id, changed)
        .values(**columns, updated_at=Person.updated_at)
        .execution_options(synchronize_session=False)
    )
    # derived values are not journaled (as search documents are not): an undo touches
    # the rows they are made of, and they are worked out again then
    rec = journal.recorder(session)
    was = rec.paused if rec is not None else False
    if rec is not None:
        rec.paused = True
    try:
        if person_ids is None:
            session.execute(statement)
            return
        ids = sorted(person_ids)
        for start in range(0, len(ids), CHUNK):
            session.execute(statement.where(Person.id.in_(ids[start : start + CHUNK])))
    finally:
        if rec is not None:
            rec.paused = was


def refresh_workspace(session: Session, workspace_id: int) -> None:
    """Everyone's values in the workspace, with its zone and rhythms as stored."""
    ws = session.get(Workspace, workspace_id)
    if ws is not None:
        refresh(session, ws.id, zone(ws.timezone), dict(ws.settings or {}))


def sync(session: Session, workspace_id: int, touched: Mapping[str, Mapping[Any, Any]]) -> None:
    """After a write (called by the context before it commits): `touched` are the rows
    the journal saw, per table. Everyone's values again when the workspace's zone or
    default rhythms changed; else those of the people whose row or types were touched."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        return
    settings = dict(ws.settings or {})
    if workspace_id in touched.get("workspace", {}):
        before = touched["workspace"][workspace_id]
        if before is None or _rhythms(before) != (ws.timezone, settings.get("cadence")):
            refresh_workspace(session, workspace_id)
            return
    people = {k for k in touched.get("person", {}) if isinstance(k, int)}
    for key in touched.get("person_type", {}):
        if isinstance(key, tuple) and key and isinstance(key[0], int):
            people.add(key[0])
    if people:
        refresh(session, workspace_id, zone(ws.timezone), settings, people)


def current(ctx: Ctx) -> None:
    """Inside a write, before reading the values: those of the people the write has
    touched so far worked out again (they are otherwise at the commit)."""
    rec = ctx.recording
    if rec is not None and not rec.paused and rec.before:
        ctx.session.flush()
        sync(ctx.session, ctx.workspace_id, rec.before)


def _rhythms(image: Mapping[str, Any]) -> tuple[Any, Any]:
    """The zone and default rhythms a workspace row's image held."""
    settings = image.get("settings")
    cadence = settings.get("cadence") if isinstance(settings, dict) else None
    return image.get("timezone"), cadence
