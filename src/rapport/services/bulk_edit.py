"""Bulk changes to many people at once (the People page's bulk bar and the API),
each returning the batch that reverses it (the API's `undo`; pages undo through the
journal, `services.journal`). Tags, types and rhythms change by the rule that
changes one person (`domain.person_patch`).

"Delete" is the archive under the name people look for: Rapport erases nobody, so
no conversation, promise or note is lost to a bulk action chosen with the wrong
filter; deleted people come back with undo or from the archived list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from rapport.domain.person_patch import Items, PersonPatch, PersonPlan, PersonState, plan
from rapport.domain.vocabulary import RelationshipType, parse_choice
from rapport.errors import Invalid, NotFound
from rapport.services import lists, people, person_writer
from rapport.services.context import Ctx
from rapport.services.person_state import read_states
from rapport.services.person_writer import Planned
from rapport.services.search_documents import reindex_people
from rapport.storage.schema import Person

ACTIONS = (
    "tag",
    "untag",
    "type",
    "untype",
    "cadence",
    "archive",
    "unarchive",
    "delete",
    "list",
    "unlist",
    "cadence-each",
)
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
    *,
    list_: str | int | None = None,
) -> BatchResult:
    """Apply `action` to the people `ids` of this workspace, and to the active people
    on the saved list `list_` (its name or id; NotFound for none):
    tag/untag NAME, type/untype TYPE, cadence DAYS (empty clears), archive, unarchive,
    delete (to the archive: kept with their history, undoable), list/unlist NAME (put
    on or take off a hand-picked list, `services.lists`); `cadence-each` sets
    each person's own cadence from `values` (used by undo)."""
    if action not in ACTIONS:
        raise Invalid("action", f"{action!r} is not one of: {', '.join(ACTIONS)}")
    if action == "cadence-each":
        ids = [int(k) for k in (values or {})]
    elif list_ is not None:
        ids = [*ids, *lists.people_of(ctx, list_)]
        if not ids:
            raise Invalid("list", "nobody is on that list, so nothing changed")
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise Invalid("ids", "select at least one person")
    if len(wanted) > MAX_PEOPLE:
        raise Invalid("ids", f"at most {MAX_PEOPLE} people at once")
    label = f"{action} {value}" if value not in (None, "") else action
    ctx.journal("bulk edit", f"Bulk {label} on {_people(len(wanted))}")
    if action in ("archive", "unarchive", "delete"):
        return _archive(ctx, wanted, action != "unarchive", deleting=action == "delete")
    if action in ("list", "unlist"):
        return _listed(ctx, wanted, action, str(value or ""))
    if action in ("tag", "untag"):
        result = _tags(ctx, wanted, action, str(value or ""))
    elif action in ("type", "untype"):
        result = _types(ctx, wanted, action, str(value or ""))
    elif action == "cadence":
        return _cadence(ctx, wanted, _days(value))
    else:
        return _cadence_each(ctx, wanted, values or {})
    reindex_people(ctx.session, ctx.workspace_id, wanted)  # tags and types are searchable
    return result


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


def _change(
    ctx: Ctx, ids: list[int], patch_of: Callable[[int], PersonPatch]
) -> dict[int, tuple[PersonState, PersonPlan]]:
    """Each person's state and the plan of their patch, the plans written: the
    same rule as editing one person (NotFound for someone not in the workspace)."""
    states = read_states(ctx, ids)
    missing = [i for i in ids if i not in states]
    if missing:
        raise NotFound(f"no person with id {missing[0]}")
    region = ctx.settings.get("phone_region")
    plans = {
        pid: (state, plan(state, patch_of(pid), today=ctx.today, phone_region=region))
        for pid, state in states.items()
    }
    changed = [Planned(pid, s, p) for pid, (s, p) in plans.items() if not p.empty]
    person_writer.write(ctx, changed, "manual")
    return plans


def _archive(ctx: Ctx, ids: list[int], archive: bool, *, deleting: bool = False) -> BatchResult:
    rows = {
        p.id: p
        for p in ctx.session.scalars(
            select(Person).where(Person.workspace_id == ctx.workspace_id, Person.id.in_(ids))
        )
    }
    missing = [i for i in ids if i not in rows]
    if missing:
        raise NotFound(f"no person with id {missing[0]}")
    changed = [rows[i] for i in ids if (rows[i].archived_at is None) == archive]
    for p in changed:
        p.archived_at = ctx.now() if archive else None
    back = {"action": "unarchive" if archive else "archive", "ids": [p.id for p in changed]}
    action, verb = ("archive", "archived") if archive else ("unarchive", "restored")
    message = f"{verb} {_people(len(changed))}"
    if deleting:
        action = "delete"
        message = f"deleted {_people(len(changed))} to the archive, their history kept"
    return _result(ctx, action, len(changed), message, back)


def _cadence(ctx: Ctx, ids: list[int], days: int | None) -> BatchResult:
    plans = _change(ctx, ids, lambda _: PersonPatch(cadence_days=days))
    changed = [str(pid) for pid in ids if "cadence_days" in plans[pid][1].values]
    rhythm = f"every {days} days" if days else "their type's default rhythm"
    undo = {
        "action": "cadence-each",
        "values": {pid: plans[int(pid)][0].cadence_days for pid in changed},
    }
    return _result(ctx, "cadence", len(changed), f"set {_people(len(changed))} to {rhythm}", undo)


def _cadence_each(ctx: Ctx, ids: list[int], values: Mapping[str, int | None]) -> BatchResult:
    days = {pid: _days(values.get(str(pid))) for pid in ids}
    _change(ctx, ids, lambda pid: PersonPatch(cadence_days=days[pid]))
    message = f"restored the rhythm of {_people(len(ids))}"
    return _result(ctx, "cadence-each", len(ids), message, None)


def _listed(ctx: Ctx, ids: list[int], action: str, name: str) -> BatchResult:
    if not name.strip():
        raise Invalid("value", "name the list")
    found = lists.find(ctx, name)
    if action == "list":
        before = set(lists.member_ids(ctx, found)) if found.kind == "picked" else set()
        change = lists.add_people(ctx, found.id, ids)
        added = [pid for pid in ids if pid not in before]
        undo = {"action": "unlist", "ids": added, "value": found.name}
        return _result(ctx, action, change.people, change.message, undo)
    before = set(lists.member_ids(ctx, found)) if found.kind == "picked" else set()
    change = lists.remove_people(ctx, found.id, ids)
    undo = {"action": "list", "ids": [pid for pid in ids if pid in before], "value": found.name}
    return _result(ctx, action, change.people, change.message, undo)


def _tags(ctx: Ctx, ids: list[int], action: str, name: str) -> BatchResult:
    clean = name.strip().lstrip("#")
    if not clean:
        raise Invalid("value", "name the tag")
    if action == "tag":
        plans = _change(ctx, ids, lambda _: PersonPatch(tags=Items.add([clean])))
        added = [pid for pid in ids if plans[pid][1].lists.tags.add]
        undo = {"action": "untag", "ids": added, "value": clean}
        return _result(ctx, action, len(added), f"tagged {_people(len(added))} #{clean}", undo)
    plans = _change(ctx, ids, lambda _: PersonPatch(tags=Items.add([], remove=[clean])))
    removed = [pid for pid in ids if plans[pid][1].lists.tags.remove]
    undo = {"action": "tag", "ids": removed, "value": clean}
    message = f"removed #{clean} from {_people(len(removed))}"
    return _result(ctx, action, len(removed), message, undo)


def _types(ctx: Ctx, ids: list[int], action: str, name: str) -> BatchResult:
    value = parse_choice(RelationshipType, name, "value").value
    if action == "type":
        plans = _change(ctx, ids, lambda _: PersonPatch(types=Items.add([value])))
        added = [pid for pid in ids if plans[pid][1].lists.types.add]
        undo = {"action": "untype", "ids": added, "value": value}
        return _result(ctx, action, len(added), f"made {_people(len(added))} {value}", undo)
    plans = _change(ctx, ids, lambda _: PersonPatch(types=Items.add([], remove=[value])))
    removed = sorted(pid for pid in ids if plans[pid][1].lists.types.remove)
    undo = {"action": "type", "ids": removed, "value": value}
    return _result(ctx, action, len(removed), f"{_people(len(removed))} no longer {value}", undo)


@dataclass(frozen=True)
class Chosen:
    id: int
    name: str
    archived: bool


def choose(
    ctx: Ctx,
    ids: Sequence[int] = (),
    *,
    type_: str | None = None,
    tag: str | None = None,
    organization: str | None = None,
    field: str | None = None,
    archived: bool = False,
    list_: str | None = None,
) -> list[Chosen]:
    """The people a bulk edit would change, by name: `ids` as given (NotFound for
    one not in the workspace), the active people on the list `list_`, or everyone the
    filters of `people.listing` match (`field`: one of the user's own fields and its
    value, "Stage=Seed")."""
    if list_:
        ids = [*ids, *lists.people_of(ctx, list_)]
        if not ids:
            return []
    if ids:
        rows = {
            pid: Chosen(pid, name, archived_at is not None)
            for pid, name, archived_at in ctx.session.execute(
                select(Person.id, Person.full_name, Person.archived_at).where(
                    Person.workspace_id == ctx.workspace_id, Person.id.in_(set(ids))
                )
            )
        }
        missing = [i for i in ids if i not in rows]
        if missing:
            raise NotFound(f"no person with id {missing[0]}")
        return [rows[i] for i in dict.fromkeys(ids)]
    if not (type_ or tag or organization or field):
        raise Invalid(
            "ids", "name the people (ids), a list or a filter (tag, type, organization, field)"
        )
    found, total = people.listing(
        ctx,
        type_=type_,
        tag=tag,
        organization=organization,
        field=field,
        archived=archived,
        limit=MAX_PEOPLE,
    )
    if total > MAX_PEOPLE:
        raise Invalid("ids", f"{total} people match; at most {MAX_PEOPLE} at once")
    return [Chosen(p.id, p.name, archived) for p in found]
