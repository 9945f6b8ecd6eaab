"""New people in bulk: a chunk of contacts becomes people with executemany, their
addresses, numbers, links, roles, types, tags and dates likewise, and their search
documents built for the chunk at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select

from rapport.domain.names import fold, split_name
from rapport.services.context import Ctx
from rapport.services.imports.contact_records import Contact, clip, yearly_dates
from rapport.services.person_writer import milestone_row, organization_ids, tag_ids
from rapport.services.search_documents import index_new_people
from rapport.storage.schema import (
    Milestone,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
    PersonType,
    PersonUrl,
    Role,
)


def _person_row(ctx: Ctx, c: Contact, org_id: int | None, now: dt.datetime) -> dict[str, Any]:
    rec = c.record
    name = clip(rec.name, 300) or "?"
    given, family = rec.given_name, rec.family_name
    if not given and not family:
        given, family = split_name(name)
    return {
        "workspace_id": ctx.workspace_id,
        "full_name": name,
        "given_name": clip(given, 200),
        "family_name": clip(family, 200),
        "nickname": clip(rec.nickname, 200),
        "name_key": fold(name),
        "organization_id": org_id,
        "title": clip(rec.title, 300),
        "location": clip(rec.location, 300),
        "timezone": rec.timezone,
        "how_met": clip(rec.how_met, 100_000),
        "met_on": rec.met_on,
        "notes": clip(rec.notes, 1_000_000),
        "strained": False,
        "created_at": now,
        "updated_at": now,
    }


def _insert_people(ctx: Ctx, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` and return their ids in the same order."""
    s = ctx.session
    if s.get_bind().dialect.name != "sqlite":
        # PostgreSQL sorts RETURNING rows by parameter order within batched inserts
        query = insert(Person).returning(Person.id, sort_by_parameter_order=True)
        return list(s.scalars(query, rows))
    # SQLite would insert row by row to sort RETURNING; but a write transaction here
    # holds the database's only write lock, so new ids are the next ones, in order
    before = s.scalar(select(func.max(Person.id))) or 0
    s.connection().execute(insert(Person), rows)
    ids = list(s.scalars(select(Person.id).where(Person.id > before).order_by(Person.id)))
    if len(ids) != len(rows):  # pragma: no cover - would mean another writer
        raise RuntimeError("people inserted concurrently during an import")
    return ids


def create(ctx: Ctx, batch: Sequence[Contact], source: str) -> list[int]:
    s, ws = ctx.session, ctx.workspace_id
    orgs = organization_ids(ctx, [c.record.organization or "" for c in batch])
    tags = tag_ids(ctx, [t for c in batch for t in c.record.tags])
    now = ctx.now()
    rows = [_person_row(ctx, c, orgs.get(fold(c.record.organization or "")), now) for c in batch]
    ids = _insert_people(ctx, rows)
    emails: list[dict[str, Any]] = []
    phones: list[dict[str, Any]] = []
    urls: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    types: list[dict[str, Any]] = []
    person_tags: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    for pid, c, row in zip(ids, batch, rows, strict=True):
        c.person_id = pid
        for position, (key, address) in enumerate(c.emails.items()):
            emails.append(
                {"workspace_id": ws, "person_id": pid, "address": address,
                 "address_key": key, "is_primary": position == 0}
            )  # fmt: skip
        phones.extend(
            {"workspace_id": ws, "person_id": pid, "number": n, "number_key": k}
            for k, n in c.phones.items()
        )
        urls.extend(
            {"workspace_id": ws, "person_id": pid, "url": u,
             "kind": "linkedin" if "linkedin.com" in u.lower() else "website"}
            for u in c.urls.values()
        )  # fmt: skip
        if row["organization_id"] is not None or row["title"] is not None:
            roles.append(
                {"workspace_id": ws, "person_id": pid, "organization_id": row["organization_id"],
                 "title": row["title"], "source": source}
            )  # fmt: skip
        types.extend({"workspace_id": ws, "person_id": pid, "type": t} for t in c.record.types)
        person_tags.extend(
            {"workspace_id": ws, "person_id": pid, "tag_id": tags[fold(t)]} for t in c.record.tags
        )
        dates.extend(
            milestone_row(ws, pid, kind, d.month, d.day, d.year, label)
            for _, d, kind, label in yearly_dates(c.record)
        )
    for model, values in (
        (PersonEmail, emails), (PersonPhone, phones), (PersonUrl, urls), (Role, roles),
        (PersonType, types), (PersonTag, person_tags), (Milestone, dates),
    ):  # fmt: skip
        if values:  # Core executemany: the ORM's bulk path costs more per row
            s.connection().execute(insert(model), values)
    index_new_people(s, ws, ids)
    return ids
