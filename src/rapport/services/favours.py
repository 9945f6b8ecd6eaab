"""The reciprocity ledger: help given and received, and thanks owed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, func, select

from rapport.domain.records import Balance, ExchangeOut
from rapport.domain.text import clean_text
from rapport.domain.vocabulary import ExchangeDirection, ExchangeKind, parse_choice
from rapport.errors import Contradicts, NotFound
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.services.people import names_of
from rapport.storage.schema import Exchange


def record(
    ctx: Ctx,
    person_id: int,
    direction: str,
    kind: str,
    *,
    occurred_on: dt.date | None = None,
    note: str | None = None,
    thanked_on: dt.date | None = None,
) -> ExchangeOut:
    """Log help given to (direction 'given') or received from ('received') a person."""
    person = get_person(ctx, person_id)
    ctx.journal("favour", f"{person.full_name}: {kind} {direction}")
    when = occurred_on or ctx.today
    if when > ctx.today:
        raise Contradicts("on", f"{when} is in the future")
    row = Exchange(
        workspace_id=ctx.workspace_id,
        person_id=person_id,
        direction=parse_choice(ExchangeDirection, direction, "direction").value,
        kind=parse_choice(ExchangeKind, kind, "kind").value,
        occurred_on=when,
        note=clean_text(note, "note"),
        thanked_on=thanked_on,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return outs(ctx, [row])[0]


def thank(ctx: Ctx, exchange_id: int, on: dt.date | None = None) -> ExchangeOut:
    """Mark help received as thanked."""
    row = ctx.session.get(Exchange, exchange_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        raise NotFound(f"no favour with id {exchange_id}")
    if row.direction != ExchangeDirection.RECEIVED.value:
        raise Contradicts("favour", "only help you received can be thanked")
    ctx.journal("thank", f"Thanked for the {row.kind} of {row.occurred_on}")
    row.thanked_on = on or ctx.today
    ctx.session.flush()
    return outs(ctx, [row])[0]


def unthanked_for(ctx: Ctx, person_id: int) -> list[ExchangeOut]:
    return [
        e
        for e in listing(ctx, person_id=person_id)
        if e.direction == "received" and not e.thanked_on
    ]


def listing(ctx: Ctx, *, person_id: int | None = None) -> list[ExchangeOut]:
    query = select(Exchange).where(Exchange.workspace_id == ctx.workspace_id)
    if person_id is not None:
        query = query.where(Exchange.person_id == person_id)
    query = query.order_by(Exchange.occurred_on.desc(), Exchange.id.desc())
    return outs(ctx, list(ctx.session.scalars(query)))


def balance(ctx: Ctx, person_id: int | None = None) -> Balance:
    """Counts of help given and received (one person, or the whole network)."""
    given = func.sum(case((Exchange.direction == "given", 1), else_=0))
    received = func.sum(case((Exchange.direction == "received", 1), else_=0))
    unthanked = func.sum(
        case(((Exchange.direction == "received") & Exchange.thanked_on.is_(None), 1), else_=0)
    )
    query = select(given, received, unthanked).where(Exchange.workspace_id == ctx.workspace_id)
    if person_id is not None:
        query = query.where(Exchange.person_id == person_id)
    g, r, u = ctx.session.execute(query).one()
    return Balance(int(g or 0), int(r or 0), int(u or 0))


def outs(ctx: Ctx, rows: Sequence[Exchange]) -> list[ExchangeOut]:
    ids = {r.person_id for r in rows}
    names = names_of(ctx, ids)
    return [
        ExchangeOut(
            id=r.id,
            direction=r.direction,
            kind=r.kind,
            person=names.get(r.person_id, "?"),
            person_id=r.person_id,
            occurred_on=r.occurred_on,
            note=r.note,
            thanked_on=r.thanked_on,
        )
        for r in rows
    ]
