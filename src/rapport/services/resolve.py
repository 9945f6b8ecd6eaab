"""Finding people and events from what a user types: an id, an email, a name or an
unambiguous prefix of one."""

from __future__ import annotations

from sqlalchemy import or_, select

from rapport.domain.names import email_key, fold, looks_like_email
from rapport.domain.text import whole_number
from rapport.errors import Ambiguous, NotFound
from rapport.services.context import Ctx
from rapport.storage.schema import Event, Organization, Person, PersonEmail

MAX_SHOWN = 8


def person_id(ctx: Ctx, ref: str, *, include_archived: bool = True) -> int:
    """The one person `ref` names: '#12' or '12' (an id, in the digits 0-9), an email
    address, a full name, or a prefix of the name or of any word in it. Active people
    are preferred over archived ones. NotFound or Ambiguous (listing the candidates)
    otherwise; Invalid for an id in other digits."""
    raw = ref.strip()
    if not raw:
        raise NotFound("no person named ''")
    number = whole_number(raw.lstrip("#"), "person")
    if number is not None:
        found = ctx.session.scalar(
            select(Person.id).where(Person.id == number, Person.workspace_id == ctx.workspace_id)
        )
        if found is None:
            raise NotFound(f"no person with id {number}")
        return found
    if looks_like_email(raw):
        ids = list(
            ctx.session.scalars(
                select(PersonEmail.person_id).where(
                    PersonEmail.workspace_id == ctx.workspace_id,
                    PersonEmail.address_key == email_key(raw),
                )
            )
        )
        return _one(ctx, ids, raw)
    key = fold(raw)
    exact = list(
        ctx.session.scalars(
            select(Person.id).where(Person.workspace_id == ctx.workspace_id, Person.name_key == key)
        )
    )
    if exact:
        return _one(ctx, _prefer_active(ctx, exact), raw)
    matches = list(
        ctx.session.scalars(
            select(Person.id)
            .where(
                Person.workspace_id == ctx.workspace_id,
                or_(
                    Person.name_key.startswith(key, autoescape=True),
                    Person.name_key.contains(" " + key, autoescape=True),
                ),
            )
            .limit(200)
        )
    )
    if not include_archived:
        matches = _active_only(ctx, matches)
    return _one(ctx, _prefer_active(ctx, matches), raw)


def find_person_id(ctx: Ctx, ref: str) -> int | None:
    """Like person_id, but None when nobody matches (ambiguity still raises)."""
    try:
        return person_id(ctx, ref)
    except Ambiguous:
        raise
    except NotFound:
        return None


def _active_only(ctx: Ctx, ids: list[int]) -> list[int]:
    if not ids:
        return ids
    return list(
        ctx.session.scalars(
            select(Person.id).where(Person.id.in_(ids), Person.archived_at.is_(None))
        )
    )


def _prefer_active(ctx: Ctx, ids: list[int]) -> list[int]:
    return _active_only(ctx, ids) or ids


def _one(ctx: Ctx, ids: list[int], ref: str) -> int:
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise NotFound(f"no person matches {ref!r}")
    if len(unique) == 1:
        return unique[0]
    rows = ctx.session.execute(
        select(Person.id, Person.full_name, Organization.name)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.id.in_(unique))
        .order_by(Person.name_key, Person.id)
        .limit(MAX_SHOWN)
    ).all()
    candidates = [f"{name} (#{pid}{', ' + org if org else ''})" for pid, name, org in rows]
    more = f" and {len(unique) - MAX_SHOWN} more" if len(unique) > MAX_SHOWN else ""
    raise Ambiguous(
        f"{ref!r} matches {len(unique)} people: {'; '.join(candidates)}{more}. "
        "Type more of the name or use #id.",
        candidates,
    )


def event_id(ctx: Ctx, ref: str) -> int:
    """The event `ref` names: '#id', its name, or an unambiguous prefix of it."""
    raw = ref.strip()
    number = whole_number(raw.lstrip("#"), "event")
    if number is not None:
        event = ctx.session.get(Event, number)
        if event is None or event.workspace_id != ctx.workspace_id:
            raise NotFound(f"no event with id {number}")
        return event.id
    key = fold(raw)
    rows = ctx.session.execute(
        select(Event.id, Event.name, Event.starts_on)
        .where(Event.workspace_id == ctx.workspace_id)
        .order_by(Event.starts_on.desc())
    ).all()
    exact = [r for r in rows if fold(r.name) == key]
    matches = exact or [
        r for r in rows if fold(r.name).startswith(key) or f" {key}" in fold(r.name)
    ]
    if not matches:
        raise NotFound(f"no event matches {ref!r}")
    if len(matches) > 1:
        names = [f"{r.name} ({r.starts_on}, #{r.id})" for r in matches[:MAX_SHOWN]]
        raise Ambiguous(f"{ref!r} matches {len(matches)} events: {'; '.join(names)}", names)
    return int(matches[0].id)
