"""The user's own fields an import carries (a CSV column mapped "Column=field:Stage",
a vCard's X-RAPPORT-FIELD): checked by each field's type and written, a new person's
all, a known person's only where they have none (an import never overwrites what
the user typed). A value its field refuses is a warning, the rest of the row kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from rapport.domain.custom_fields import FieldType, Target, Value, check_value
from rapport.domain.dates import parse_day
from rapport.domain.names import fold
from rapport.errors import Invalid
from rapport.services import custom_fields, date_order
from rapport.services.context import Ctx
from rapport.services.imports.contact_records import Contact, ContactResult
from rapport.services.search_documents import replace_people
from rapport.storage.schema import CustomFieldValue


def apply(
    ctx: Ctx, found: Sequence[tuple[int, Contact]], result: ContactResult, *, fill_only: bool
) -> None:
    """Write the fields of each (person id, contact)."""
    carrying = [(pid, c) for pid, c in found if c.record.custom]
    if not carrying:
        return
    defined = {fold(d.name): d for d in custom_fields.definitions(ctx, Target.PEOPLE)}
    order = date_order.order(ctx)
    missing: dict[str, None] = {}

    def read_day(text: str) -> dt.date:  # in the user's order
        return parse_day(text, ctx.today, order=order)

    for pid, contact in carrying:
        had: set[int] = set()
        if fill_only:
            had = set(
                ctx.session.scalars(
                    select(CustomFieldValue.field_id).where(CustomFieldValue.person_id == pid)
                )
            )
        values: dict[int, Value | None] = {}
        for name, raw in contact.record.custom.items():
            d = defined.get(fold(name))
            if d is None:
                missing.setdefault(name)
                continue
            if d.id in had:
                continue
            try:
                value = check_value(d.name, FieldType(d.kind), d.options or [], raw, read_day)
            except Invalid as exc:
                result.warnings.append(f"line {contact.lines[0]}: {exc.message}; left out")
                continue
            if value is not None:
                values[d.id] = value
        custom_fields.put(ctx, Target.PEOPLE, pid, values)
    replace_people(ctx.session, ctx.workspace_id, [pid for pid, _ in carrying])
    for name in missing:
        result.warnings.append(
            f"you have no field {name!r} for people: its values were left out "
            f"(add it with rapport field add, then import again)"
        )
