"""Fields of the user's own (issue 23): definitions per workspace, for people or
for organisations, and their values, checked by type (`domain.custom_fields`).

Every write is journaled like any other (both tables belong to the workspace), so
deleting a field, with the values that go with it, is undone by `rapport undo`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select

from rapport.domain.counts import counted
from rapport.domain.custom_fields import (
    FieldType,
    Target,
    Value,
    check_value,
    clean_name,
    clean_options,
    split_assignment,
)
from rapport.domain.names import fold
from rapport.domain.text import strip_controls, text_problem, whole_number
from rapport.errors import Conflict, Contradicts, NotFound
from rapport.services import date_order
from rapport.services.context import Ctx
from rapport.storage.schema import CustomField, CustomFieldValue

MAX_FIELDS = 200  # per workspace and target
MAX_ID = 2_147_483_647
MAX_KEY = 300  # the folded value a filter matches is cut to its column's length


@dataclass(frozen=True)
class FieldOut:
    id: int
    name: str
    type: str  # text, number, date, choice, url
    applies_to: str  # people, organizations
    options: list[str] = field(default_factory=list)
    values: int = 0  # how many people or organisations have a value


@dataclass(frozen=True)
class FieldDeleted:
    message: str  # what happened, in words
    field: FieldOut


def _out(row: CustomField, values: int) -> FieldOut:
    return FieldOut(row.id, row.name, row.kind, row.target, list(row.options or []), values)


def _value_counts(ctx: Ctx) -> dict[int, int]:
    rows = ctx.session.execute(
        select(CustomFieldValue.field_id, func.count())
        .where(CustomFieldValue.workspace_id == ctx.workspace_id)
        .group_by(CustomFieldValue.field_id)
    )
    return {int(fid): int(n) for fid, n in rows}


def definitions(ctx: Ctx, target: Target | None = None) -> list[CustomField]:
    """The workspace's fields (of one target), in the order they were defined."""
    query = select(CustomField).where(CustomField.workspace_id == ctx.workspace_id)
    if target is not None:
        query = query.where(CustomField.target == target.value)
    return list(ctx.session.scalars(query.order_by(CustomField.id)))


def listing(ctx: Ctx, target: Target | None = None) -> list[FieldOut]:
    """The fields, people's first, each with how many values it holds."""
    counts = _value_counts(ctx)
    rows = definitions(ctx, target)
    rows.sort(key=lambda r: (r.target != Target.PEOPLE.value, r.id))
    return [_out(r, counts.get(r.id, 0)) for r in rows]


def find(ctx: Ctx, ref: str, target: Target) -> CustomField:
    """The field `ref` names (its name in any case, or '#id'), or NotFound."""
    raw = strip_controls(ref).strip()
    if not raw or text_problem(raw):  # no field is named so (PostgreSQL refuses NUL)
        raise NotFound(f"no field {raw!r} for {target.value}")
    number = whole_number(raw.lstrip("#"), "field") if raw.startswith("#") else None
    mine = (CustomField.workspace_id == ctx.workspace_id, CustomField.target == target.value)
    if number is not None:
        # beyond a 32-bit id there is no row (and PostgreSQL's integer would overflow)
        found = (
            ctx.session.scalar(select(CustomField).where(*mine, CustomField.id == number))
            if number <= MAX_ID
            else None
        )
    else:
        found = ctx.session.scalar(
            select(CustomField).where(*mine, CustomField.name_key == fold(raw)[:100])
        )
    if found is None:
        known = ", ".join(r.name for r in definitions(ctx, target)) or "none yet"
        raise NotFound(f"no field {raw!r} for {target.value} (fields: {known})")
    return found


def get(ctx: Ctx, field_id: int) -> CustomField:
    found = ctx.session.get(CustomField, field_id)
    if found is None or found.workspace_id != ctx.workspace_id:
        raise NotFound(f"no field with id {field_id}")
    return found


def show(ctx: Ctx, field_id: int) -> FieldOut:
    """One field as the listing shows it (NotFound outside this workspace)."""
    get(ctx, field_id)
    return next(f for f in listing(ctx) if f.id == field_id)


def _refuse_taken(ctx: Ctx, name: str, target: Target, other_than: int | None = None) -> None:
    query = select(CustomField.id).where(
        CustomField.workspace_id == ctx.workspace_id,
        CustomField.target == target.value,
        CustomField.name_key == fold(name),
    )
    if other_than is not None:
        query = query.where(CustomField.id != other_than)
    if ctx.session.scalar(query) is not None:
        raise Conflict(f"there is already a field named {name!r} for {target.value}")


def define(
    ctx: Ctx,
    name: str,
    kind: FieldType,
    *,
    options: Sequence[str] = (),
    target: Target = Target.PEOPLE,
) -> FieldOut:
    """A new field; Conflict when its name (any case) is taken for the same target."""
    name = clean_name(name)
    chosen = clean_options(kind, options)
    _refuse_taken(ctx, name, target)
    if len(definitions(ctx, target)) >= MAX_FIELDS:
        raise Contradicts("name", f"{MAX_FIELDS} fields for {target.value} already; delete one")
    ctx.journal("field add", f"Added the field {name}")
    row = CustomField(
        workspace_id=ctx.workspace_id,
        target=target.value,
        name=name,
        name_key=fold(name),
        kind=kind.value,
        options=chosen,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return _out(row, 0)


def rename(ctx: Ctx, field_id: int, new_name: str) -> FieldOut:
    row = get(ctx, field_id)
    name = clean_name(new_name)
    _refuse_taken(ctx, name, Target(row.target), other_than=row.id)
    ctx.journal("field rename", f"Renamed the field {row.name} to {name}")
    row.name, row.name_key = name, fold(name)
    ctx.session.flush()
    return _out(row, _value_counts(ctx).get(row.id, 0))


def change_options(ctx: Ctx, field_id: int, options: Sequence[str]) -> FieldOut:
    """A choice's options replaced; Contradicts when a value in use would no longer
    be one of them (change those values first). An option renamed only in case
    renames the values too."""
    row = get(ctx, field_id)
    chosen = clean_options(FieldType(row.kind), options)
    if row.kind != FieldType.CHOICE.value:
        return _out(row, _value_counts(ctx).get(row.id, 0))
    by_key = {fold(o): o for o in chosen}
    used = ctx.session.execute(
        select(CustomFieldValue.value_key, func.count())
        .where(CustomFieldValue.field_id == row.id)
        .group_by(CustomFieldValue.value_key)
    ).all()
    lost = [(key, n) for key, n in used if key not in by_key]
    if lost:
        key, n = lost[0]
        shown = next((o for o in row.options if fold(o) == key), key)
        raise Contradicts(
            "options",
            f"{counted(n, 'value')} {'is' if n == 1 else 'are'} {shown!r}; "
            "keep that option or change those values first",
        )
    ctx.journal("field options", f"Changed the options of {row.name}")
    row.options = chosen
    for value in ctx.session.scalars(
        select(CustomFieldValue).where(CustomFieldValue.field_id == row.id)
    ):
        if value.value != by_key[value.value_key]:
            value.value = by_key[value.value_key]
    ctx.session.flush()
    return _out(row, _value_counts(ctx).get(row.id, 0))


def remove(ctx: Ctx, field_id: int) -> FieldDeleted:
    """Delete a field and every value of it (one journal entry: undo brings both back)."""
    row = get(ctx, field_id)
    n = _value_counts(ctx).get(row.id, 0)
    ctx.journal("field delete", f"Deleted the field {row.name}")
    owners = _owners(ctx, row)
    shown = _out(row, n)
    ctx.session.delete(row)
    ctx.session.flush()
    _reindex_owners(ctx, Target(shown.applies_to), owners)
    gone = f", with its {counted(n, 'value')}" if n else " (it held no values)"
    return FieldDeleted(f"deleted the field {shown.name}{gone}", shown)


# --- values -------------------------------------------------------------------


def parse_assignments(texts: Sequence[str]) -> dict[str, str]:
    """`--field "Fund size=50M"` options as {name: value} (the last of a name wins)."""
    found: dict[str, str] = {}
    for text in texts:
        name, value = split_assignment(text)
        found[name] = value
    return found


def check(ctx: Ctx, target: Target, values: Mapping[str, str | None]) -> dict[int, Value | None]:
    """{field id: value, or None to clear} for {field name: text}; Invalid (naming
    the field) for a value its type refuses, NotFound for a field not defined."""
    found: dict[int, Value | None] = {}
    for name, raw in values.items():
        row = find(ctx, name, target)
        kind = FieldType(row.kind)
        if raw is None:
            found[row.id] = None
            continue
        if not isinstance(raw, str):
            raw = str(raw)
        found[row.id] = check_value(row.name, kind, row.options or [], raw, _day_reader(ctx, row))
    return found


def _day_reader(ctx: Ctx, row: CustomField) -> Callable[[str], dt.date]:
    def read(text: str) -> dt.date:
        return date_order.day(ctx, text, field=row.name)[0]

    return read


def put(ctx: Ctx, target: Target, owner_id: int, values: Mapping[int, Value | None]) -> None:
    """Write checked values (`check`) of one person or organisation."""
    if not values:
        return
    column = "person_id" if target is Target.PEOPLE else "organization_id"
    owner = getattr(CustomFieldValue, column)
    existing = {
        v.field_id: v
        for v in ctx.session.scalars(
            select(CustomFieldValue).where(
                owner == owner_id, CustomFieldValue.field_id.in_(list(values))
            )
        )
    }
    for field_id, value in values.items():
        row = existing.get(field_id)
        if value is None:
            if row is not None:
                ctx.session.delete(row)
            continue
        if row is None:
            row = CustomFieldValue(workspace_id=ctx.workspace_id, field_id=field_id)
            setattr(row, column, owner_id)
            ctx.session.add(row)
        row.value = value.text
        row.value_key = value.key[:MAX_KEY]
        row.number_value = value.number
        row.date_value = value.day
    ctx.session.flush()


def set_values(ctx: Ctx, target: Target, owner_id: int, values: Mapping[str, str | None]) -> None:
    """Check and write {field name: text} (empty or None clears the value)."""
    put(ctx, target, owner_id, check(ctx, target, values))


def values_of(ctx: Ctx, target: Target, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """{owner id: {field name: value}} for `ids`, fields in the order defined."""
    found: dict[int, dict[str, str]] = {i: {} for i in ids}
    if not ids:
        return found
    column = (
        CustomFieldValue.person_id if target is Target.PEOPLE else CustomFieldValue.organization_id
    )
    rows = ctx.session.execute(
        select(column, CustomField.name, CustomFieldValue.value)
        .join(CustomField, CustomField.id == CustomFieldValue.field_id)
        .where(column.in_(list(ids)))
        .order_by(CustomField.id)
    )
    for owner, name, value in rows:
        if owner is not None:
            found[owner][name] = value
    return found


def matching(ctx: Ctx, target: Target, text: str) -> ColumnElement[bool]:
    """A condition on the owner id (person or organisation) for the filter
    'Stage=Seed' (or 'Stage:Seed'): the field's value is that one (any case; a
    choice, a number or a date as the field reads it); 'Stage=' means no value."""
    name, raw = split_assignment(text)
    row = find(ctx, name, target)
    column = (
        CustomFieldValue.person_id if target is Target.PEOPLE else CustomFieldValue.organization_id
    )
    owner = _owner_id_column(target)
    having = select(column).where(CustomFieldValue.field_id == row.id)
    if not raw:
        return owner.not_in(having)
    kind = FieldType(row.kind)
    value = check_value(row.name, kind, row.options or [], raw, _day_reader(ctx, row))
    assert value is not None
    if value.number is not None:
        condition = CustomFieldValue.number_value == value.number
    elif value.day is not None:
        condition = CustomFieldValue.date_value == value.day
    else:
        condition = CustomFieldValue.value_key == value.key[:MAX_KEY]
    return owner.in_(having.where(condition))


def _owner_id_column(target: Target) -> ColumnElement[int]:
    from rapport.storage.schema import Organization, Person

    return Person.id if target is Target.PEOPLE else Organization.id  # type: ignore[return-value]


def _owners(ctx: Ctx, row: CustomField) -> list[int]:
    column = (
        CustomFieldValue.person_id
        if row.target == Target.PEOPLE.value
        else CustomFieldValue.organization_id
    )
    return [
        int(i)
        for i in ctx.session.scalars(select(column).where(CustomFieldValue.field_id == row.id))
        if i is not None
    ]


def _reindex_owners(ctx: Ctx, target: Target, owners: Sequence[int]) -> None:
    from rapport.services.search_documents import reindex_organization, reindex_people
    from rapport.storage.schema import Organization

    if not owners:
        return
    if target is Target.PEOPLE:
        reindex_people(ctx.session, ctx.workspace_id, list(owners))
        return
    for org_id in owners:
        org = ctx.session.get(Organization, org_id)
        if org is not None:
            reindex_organization(ctx.session, org)
