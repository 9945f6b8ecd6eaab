"""Bulk changes to many people at once (the People page's bulk bar and the API),
each returning how to undo it."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from rapport.domain.names import fold
from rapport.domain.vocabulary import RelationshipType, parse_choice
from rapport.errors import Invalid, NotFound
from rapport.services.context import Ctx
from rapport.services.people import tag_id
from rapport.services.search_documents import reindex_people
from rapport.storage.schema import Person, PersonTag, PersonType, Tag, Workspace

UNDO_KEY = "last_bulk_undo"  # the workspace keeps the last undoable change, not the cookie
ACTIONS = ("tag", "untag", "type", "untype", "cadence", "archive", "unarchive", "cadence-each")
MAX_PEOPLE = 5000


@dataclass(frozen=True)
class BatchResult:
    action: str
    changed: int  # people whose data actually changed
    message: str
    undo: dict[str, Any] | None = field(default=None)  # a batch that reverses this one


def apply(
    ctx: Ctx,
    ids: Sequence[int],
    action: str,
    value: str | int | None = None,
    values: Mapping[str, int | None] | None = None,
) -> BatchResult:
    """Apply `action` to the people `ids` of this workspace:
    tag/untag NAME, type/untype TYPE, cadence DAYS (empty clears), archive, unarchive;
    `cadence-each` sets each person's own cadence from `values` (used by undo)."""
    if action not in ACTIONS:
        raise Invalid("action", f"{action!r} is not one of: {', '.join(ACTIONS)}")
    if action == "cadence-each":
        ids = [int(k) for k in (values or {})]
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise Invalid("ids", "select at least one person")
    if len(wanted) > MAX_PEOPLE:
        raise Invalid("ids", f"at most {MAX_PEOPLE} people at once")
    rows = {
        p.id: p
        for p in ctx.session.scalars(
            select(Person).where(Person.workspace_id == ctx.workspace_id, Person.id.in_(wanted))
        )
    }
    missing = [i for i in wanted if i not in rows]
    if missing:
        raise NotFound(f"no person with id {missing[0]}")
    people = [rows[i] for i in wanted]
    if action in ("archive", "unarchive"):
        archive = action == "archive"
        changed = [p for p in people if (p.archived_at is None) == archive]
        for p in changed:
            p.archived_at = ctx.now() if archive else None
        back: dict[str, Any] = {
            "action": "unarchive" if archive else "archive",
            "ids": [p.id for p in changed],
        }
        verb = "archived" if archive else "restored"
        return _result(ctx, action, len(changed), f"{verb} {_people(len(changed))}", back)
    if action in ("tag", "untag", "type", "untype"):
        changer = _tags if action in ("tag", "untag") else _types
        result = changer(ctx, people, action, str(value or ""))
        reindex_people(ctx.session, ctx.workspace_id, wanted)  # tags and types are searchable
        return result
    if action == "cadence":
        days = _days(value)
        before = {str(p.id): p.cadence_days for p in people}
        changed = [p for p in people if p.cadence_days != days]
        for p in changed:
            p.cadence_days = days
        rhythm = f"every {days} days" if days else "their type's default rhythm"
        undo = {
            "action": "cadence-each",
            "values": {k: before[k] for k in map(str, (p.id for p in changed))},
        }
        return _result(ctx, action, len(changed), f"set {_people(len(changed))} to {rhythm}", undo)
    # cadence-each
    for p in people:
        p.cadence_days = _days((values or {}).get(str(p.id)))
    return _result(ctx, action, len(people), f"restored the rhythm of {_people(len(people))}", None)


def _result(
    ctx: Ctx, action: str, changed: int, message: str, undo: dict[str, Any] | None
) -> BatchResult:
    ctx.session.flush()
    empty = undo is not None and not (undo.get("ids") or undo.get("values"))
    return BatchResult(action, changed, message, None if empty else undo)


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _days(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise Invalid("value", f"{value!r} is not a number of days") from None
    if not 1 <= days <= 3650:
        raise Invalid("value", "the rhythm must be between 1 and 3650 days")
    return days


def _tags(ctx: Ctx, people: list[Person], action: str, name: str) -> BatchResult:
    clean = name.strip().lstrip("#")
    if not clean:
        raise Invalid("value", "name the tag")
    ids = [p.id for p in people]
    if action == "tag":
        tid = tag_id(ctx, clean)
        have = set(
            ctx.session.scalars(
                select(PersonTag.person_id).where(
                    PersonTag.tag_id == tid, PersonTag.person_id.in_(ids)
                )
            )
        )
        added = [i for i in ids if i not in have]
        for pid in added:
            ctx.session.add(PersonTag(workspace_id=ctx.workspace_id, person_id=pid, tag_id=tid))
        undo = {"action": "untag", "ids": added, "value": clean}
        return _result(ctx, action, len(added), f"tagged {_people(len(added))} #{clean}", undo)
    tid_found = ctx.session.scalar(
        select(Tag.id).where(Tag.workspace_id == ctx.workspace_id, Tag.name_key == fold(clean))
    )
    rows = (
        list(
            ctx.session.scalars(
                select(PersonTag).where(PersonTag.tag_id == tid_found, PersonTag.person_id.in_(ids))
            )
        )
        if tid_found is not None
        else []
    )
    for row in rows:
        ctx.session.delete(row)
    undo = {"action": "tag", "ids": [r.person_id for r in rows], "value": clean}
    return _result(ctx, action, len(rows), f"removed #{clean} from {_people(len(rows))}", undo)


def _types(ctx: Ctx, people: list[Person], action: str, name: str) -> BatchResult:
    value = parse_choice(RelationshipType, name, "value").value
    ids = [p.id for p in people]
    rows = list(
        ctx.session.scalars(
            select(PersonType).where(PersonType.type == value, PersonType.person_id.in_(ids))
        )
    )
    have = {r.person_id for r in rows}
    if action == "type":
        added = [i for i in ids if i not in have]
        for pid in added:
            ctx.session.add(PersonType(workspace_id=ctx.workspace_id, person_id=pid, type=value))
        undo = {"action": "untype", "ids": added, "value": value}
        return _result(ctx, action, len(added), f"made {_people(len(added))} {value}", undo)
    for row in rows:
        ctx.session.delete(row)
    undo = {"action": "type", "ids": sorted(have), "value": value}
    return _result(ctx, action, len(rows), f"{_people(len(rows))} no longer {value}", undo)


def remember(ctx: Ctx, undo: dict[str, Any]) -> str:
    """Keep `undo` (a batch) in the workspace, replacing the previous one; the token
    that gets it back is small enough for a page to carry, however many people."""
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    token = secrets.token_urlsafe(12)
    ws.settings = {**(ws.settings or {}), UNDO_KEY: {"token": token, "batch": undo}}
    ctx.settings = dict(ws.settings)
    ctx.session.flush()
    return token


def undo(ctx: Ctx, token: str) -> BatchResult:
    """Apply the batch `remember` kept under `token` (once)."""
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    stored = (ws.settings or {}).get(UNDO_KEY)
    if not isinstance(stored, dict) or not secrets.compare_digest(
        str(stored.get("token", "")), token
    ):
        raise Invalid("undo", "that change can no longer be undone")
    ws.settings = {k: v for k, v in (ws.settings or {}).items() if k != UNDO_KEY}
    ctx.settings = dict(ws.settings)
    data = stored.get("batch") or {}
    return apply(
        ctx,
        [int(i) for i in data.get("ids") or []],
        str(data.get("action", "")),
        data.get("value"),
        values=data.get("values"),
    )
