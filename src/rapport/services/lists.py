"""Lists of one's own (issue 23): a saved filter ("everyone tagged #investor") or a
hand-picked set of people ("investors to update quarterly"), optionally a pipeline
of ordered stages ("To contact, Talking, Committed, Passed") where each member has
a stage. A list is a target elsewhere too: bulk edits, the agenda and the digest
take a list's people (`member_ids`).

A filter list's people are whoever matches its filter today (the People page's
rule, `services.people_filter`); someone who matches and was never moved sits in
the first stage. Archived people drop out of every view and keep their place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from rapport.domain import people_filter as filters
from rapport.domain.counts import counted
from rapport.domain.names import fold
from rapport.domain.people_filter import PeopleFilter
from rapport.domain.records import PersonSummary
from rapport.domain.text import text_problem
from rapport.errors import Contradicts, Invalid, NotFound
from rapport.services import people, people_filter
from rapport.services.context import Ctx
from rapport.storage.saved_lists import PersonList, PersonListMember
from rapport.storage.schema import Person, Workspace

MAX_NAME = 100
MAX_STAGE = 50
MAX_STAGES = 20
KINDS = ("filter", "picked")


@dataclass(frozen=True)
class ListOut:
    id: int
    name: str
    kind: str  # filter: whoever matches `filter`; picked: the people added by hand
    filter: dict[str, str]  # the saved filter's fields ({} for a picked list)
    described: str  # the filter in words ('tag #investor'), or "" for a picked list
    stages: list[str]  # the pipeline's stages in order ([] for a plain list)
    people: int  # active people on the list now
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class Member:
    person: PersonSummary
    stage: str | None  # None on a list without stages
    added_at: dt.datetime | None  # None: on a filter list, matched and never moved


@dataclass(frozen=True)
class Column:
    stage: str
    members: list[Member]


# named before ListView, whose field `list` hides the builtin in its body
Members = list[Member]
Columns = list[Column]


@dataclass(frozen=True)
class ListView:
    list: ListOut
    members: Members  # by name
    board: Columns  # a column per stage, in order ([] without stages)


@dataclass(frozen=True)
class ListChange:
    message: str  # what happened, in words
    people: int  # people whose membership or stage changed
    list: ListOut | None  # the list as it is now (None once deleted)


# --- finding and reading ---------------------------------------------------------------


def find(ctx: Ctx, ref: str | int) -> PersonList:
    """The list named `ref` (any case) or numbered `ref`, or NotFound."""
    if isinstance(ref, str):
        text = ref.strip()
        found = ctx.session.scalar(
            select(PersonList).where(
                PersonList.workspace_id == ctx.workspace_id, PersonList.name_key == fold(text)
            )
        )
        if found is not None:
            return found
        number = text.lstrip("#")
        if not (number.isascii() and number.isdigit() and len(number) < 10):
            raise NotFound(f"no list called {text!r} (rapport lists shows yours)")
        ref = int(number)
    got = ctx.session.get(PersonList, ref)
    if got is None or got.workspace_id != ctx.workspace_id:
        raise NotFound(f"no list with id {ref}")
    return got


def criteria(found: PersonList) -> PeopleFilter:
    return filters.stored(found.filter)


def member_ids(ctx: Ctx, found: PersonList) -> list[int]:
    """The active people on the list, by name."""
    if found.kind == "filter":
        return people_filter.ids(ctx, criteria(found))
    return list(
        ctx.session.scalars(
            select(Person.id)
            .join(PersonListMember, PersonListMember.person_id == Person.id)
            .where(PersonListMember.list_id == found.id, Person.archived_at.is_(None))
            .order_by(Person.name_key, Person.id)
        )
    )


def people_of(ctx: Ctx, ref: str | int) -> list[int]:
    """The active people on the list `ref`, by name: a list as the target of a bulk
    edit, the agenda or the digest."""
    return member_ids(ctx, find(ctx, ref))


def _out(ctx: Ctx, found: PersonList, count: int | None = None) -> ListOut:
    chosen = criteria(found)
    return ListOut(
        id=found.id,
        name=found.name,
        kind=found.kind,
        filter=chosen.as_json(),
        described=chosen.words() if found.kind == "filter" else "",
        stages=list(found.stages or []),
        people=len(member_ids(ctx, found)) if count is None else count,
        created_at=found.created_at,
        updated_at=found.updated_at,
    )


def listing(ctx: Ctx) -> list[ListOut]:
    """Every list, by name, with how many active people each holds now."""
    lists = list(
        ctx.session.scalars(
            select(PersonList)
            .where(PersonList.workspace_id == ctx.workspace_id)
            .order_by(PersonList.name_key)
        )
    )
    picked = dict(
        ctx.session.execute(
            select(PersonListMember.list_id, func.count())
            .join(Person, Person.id == PersonListMember.person_id)
            .where(PersonListMember.workspace_id == ctx.workspace_id, Person.archived_at.is_(None))
            .group_by(PersonListMember.list_id)
        ).all()
    )
    return [
        _out(ctx, found, None if found.kind == "filter" else int(picked.get(found.id, 0)))
        for found in lists
    ]


def names(ctx: Ctx) -> list[tuple[int, str]]:
    """Every list's id and name, by name: for a menu."""
    rows = ctx.session.execute(
        select(PersonList.id, PersonList.name)
        .where(PersonList.workspace_id == ctx.workspace_id)
        .order_by(PersonList.name_key)
    )
    return [(int(i), str(n)) for i, n in rows]


def get(ctx: Ctx, ref: str | int) -> ListOut:
    return _out(ctx, find(ctx, ref))


def show(ctx: Ctx, ref: str | int) -> ListView:
    """The list with its members (and their stages), and its board when it has stages."""
    found = find(ctx, ref)
    ids = member_ids(ctx, found)
    rows = {
        row.person_id: row
        for row in ctx.session.scalars(
            select(PersonListMember).where(PersonListMember.list_id == found.id)
        )
    }
    stages = list(found.stages or [])
    members = []
    for summary in people.summaries(ctx, ids):
        row = rows.get(summary.id)
        members.append(
            Member(summary, _stage_of(row, stages), row.added_at if row is not None else None)
        )
    board = []
    for stage in stages:
        here = [m for m in members if m.stage == stage]
        here.sort(key=lambda m: _position(rows.get(m.person.id)))
        board.append(Column(stage, here))
    return ListView(_out(ctx, found, len(ids)), members, board)


def _stage_of(row: PersonListMember | None, stages: list[str]) -> str | None:
    """A member's stage: theirs if the pipeline still has it, else the first."""
    if not stages:
        return None
    if row is not None and row.stage in stages:
        return row.stage
    return stages[0]


def _position(row: PersonListMember | None) -> int:
    return row.position if row is not None else 0


# --- changing --------------------------------------------------------------------------


def _name(ctx: Ctx, name: str, keep: PersonList | None = None) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise Invalid("name", "give the list a name")
    if len(clean) > MAX_NAME or len(fold(clean)) > MAX_NAME:
        raise Invalid("name", f"is too long (at most {MAX_NAME} characters)")
    problem = text_problem(clean)
    if problem:
        raise Invalid("name", problem)
    other = ctx.session.scalar(
        select(PersonList).where(
            PersonList.workspace_id == ctx.workspace_id, PersonList.name_key == fold(clean)
        )
    )
    if other is not None and other is not keep:
        raise Contradicts("name", f"there is already a list called {other.name!r}")
    return clean


def stages_of(text: str | Sequence[str] | None) -> list[str]:
    """The stages written 'A, B, C' (or given one by one), checked: each named once
    (any case), at most MAX_STAGES of at most MAX_STAGE characters."""
    if text is None:
        return []
    parts = text.split(",") if isinstance(text, str) else list(text)
    stages = [" ".join(p.split()) for p in parts]
    if isinstance(text, str) and not text.strip():
        return []
    if any(not s for s in stages):
        raise Invalid("stages", "a stage has no name (two commas in a row?)")
    if len(stages) > MAX_STAGES:
        raise Invalid("stages", f"at most {MAX_STAGES} stages")
    seen: set[str] = set()
    for stage in stages:
        if len(stage) > MAX_STAGE:
            raise Invalid("stages", f"{stage[:20]!r}… is too long (at most {MAX_STAGE} characters)")
        problem = text_problem(stage)
        if problem:
            raise Invalid("stages", problem)
        if fold(stage) in seen:  # well-formed, but two columns of one name cannot be told apart
            raise Contradicts("stages", f"{stage!r} is named twice")
        seen.add(fold(stage))
    return stages


def create(
    ctx: Ctx,
    name: str,
    *,
    filter: PeopleFilter | None = None,
    person_ids: Sequence[int] = (),
    stages: Sequence[str] = (),
) -> ListOut:
    """A new list: a saved filter when `filter` sets anything, else hand-picked,
    starting with `person_ids`."""
    clean = _name(ctx, name)
    chosen = filter or PeopleFilter()
    kind = "picked" if chosen.empty else "filter"
    if kind == "filter" and person_ids:
        raise Contradicts(
            "people",
            "a saved filter's people are whoever matches it; name people on a "
            "hand-picked list (no filter) instead",
        )
    checked = stages_of(list(stages)) if stages else []
    ctx.journal("list add", f"Made the list {clean}")
    found = PersonList(
        workspace_id=ctx.workspace_id,
        name=clean,
        name_key=fold(clean),
        kind=kind,
        filter=chosen.as_json(),
        stages=checked,
    )
    ctx.session.add(found)
    ctx.session.flush()
    if person_ids:
        _add(ctx, found, person_ids)
    return _out(ctx, found)


def change(
    ctx: Ctx,
    ref: str | int,
    *,
    name: str | None = None,
    stages: Sequence[str] | None = None,
    filter: PeopleFilter | None = None,
) -> ListOut:
    """Rename the list, give it other stages ([]: none; a member whose stage is gone
    sits in the first) or, for a saved filter, another filter."""
    found = find(ctx, ref)
    ctx.journal("list change", f"Changed the list {found.name}")
    if name is not None:
        clean = _name(ctx, name, keep=found)
        found.name, found.name_key = clean, fold(clean)
    if stages is not None:
        found.stages = stages_of(list(stages)) if stages else []
    if filter is not None:
        if found.kind != "filter":
            raise Contradicts("filter", f"{found.name} is hand-picked: it has no filter")
        if filter.empty:
            raise Contradicts("filter", "a saved filter needs at least one condition")
        found.filter = filter.as_json()
    found.updated_at = ctx.now()
    ctx.session.flush()
    return _out(ctx, found)


def delete_list(ctx: Ctx, ref: str | int) -> ListChange:
    """Forget the list; its people stay as they are."""
    found = find(ctx, ref)
    ctx.journal("list delete", f"Deleted the list {found.name}")
    name = found.name
    _unfollow(ctx, found.id)
    ctx.session.delete(found)
    ctx.session.flush()
    return ListChange(f"deleted the list {name}; its people are unchanged", 0, None)


def _unfollow(ctx: Ctx, list_id: int) -> None:
    """The digest stops following a deleted list (a later list given the same
    number must not be followed unasked)."""
    digest = dict(ctx.settings.get("digest") or {})
    if list_id not in (digest.get("lists") or []):
        return
    digest["lists"] = [i for i in digest["lists"] if i != list_id]
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    ws.settings = {**(ws.settings or {}), "digest": digest}
    ctx.settings = dict(ws.settings)


def _picked(found: PersonList, doing: str) -> None:
    if found.kind == "filter":
        raise Contradicts(
            "people",
            f"{found.name} is a saved filter ({criteria(found).words()}): its people are "
            f"whoever matches it, so nobody can be {doing} by hand",
        )


def _in_workspace(ctx: Ctx, ids: Iterable[int]) -> list[int]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise Invalid("people", "name at least one person")
    known = set(
        ctx.session.scalars(
            select(Person.id).where(Person.workspace_id == ctx.workspace_id, Person.id.in_(wanted))
        )
    )
    missing = [i for i in wanted if i not in known]
    if missing:
        raise NotFound(f"no person with id {missing[0]}")
    return wanted


def _add(ctx: Ctx, found: PersonList, ids: Sequence[int]) -> list[int]:
    wanted = _in_workspace(ctx, ids)
    there = set(
        ctx.session.scalars(
            select(PersonListMember.person_id).where(
                PersonListMember.list_id == found.id, PersonListMember.person_id.in_(wanted)
            )
        )
    )
    new = [pid for pid in wanted if pid not in there]
    last = _last_position(ctx, found, None)
    for n, pid in enumerate(new, start=1):
        ctx.session.add(
            PersonListMember(
                list_id=found.id,
                person_id=pid,
                workspace_id=ctx.workspace_id,
                stage=None,
                position=last + n,
                added_at=ctx.now(),
            )
        )
    found.updated_at = ctx.now()
    ctx.session.flush()
    return new


def add_people(ctx: Ctx, ref: str | int, ids: Sequence[int]) -> ListChange:
    """Put the people `ids` on a hand-picked list (those already there stay where they
    are); new members start in the first stage."""
    found = find(ctx, ref)
    _picked(found, "added")
    ctx.journal("list people", f"Added people to the list {found.name}")
    new = _add(ctx, found, ids)
    message = f"added {counted(len(new), 'people')} to {found.name}"
    if len(new) < len(set(ids)):
        message += f" ({counted(len(set(ids)) - len(new), 'people')} already there)"
    return ListChange(message, len(new), _out(ctx, found))


def remove_people(ctx: Ctx, ref: str | int, ids: Sequence[int]) -> ListChange:
    """Take the people `ids` off a hand-picked list; they are otherwise unchanged."""
    found = find(ctx, ref)
    _picked(found, "removed")
    wanted = _in_workspace(ctx, ids)
    ctx.journal("list people", f"Removed people from the list {found.name}")
    gone = ctx.session.execute(
        delete(PersonListMember).where(
            PersonListMember.list_id == found.id, PersonListMember.person_id.in_(wanted)
        )
    )
    removed = int(getattr(gone, "rowcount", 0) or 0)
    found.updated_at = ctx.now()
    ctx.session.flush()
    message = f"took {counted(removed, 'people')} off {found.name}"
    return ListChange(message, removed, _out(ctx, found))


def _last_position(ctx: Ctx, found: PersonList, stage: str | None) -> int:
    query = select(func.max(PersonListMember.position)).where(PersonListMember.list_id == found.id)
    if stage is not None:
        query = query.where(PersonListMember.stage == stage)
    return int(ctx.session.scalar(query) or 0)


def move(ctx: Ctx, ref: str | int, person_id: int, stage: str) -> Member:
    """Put a member of a pipeline list in `stage` (named in any case), at the end of
    its column."""
    found = find(ctx, ref)
    stages = list(found.stages or [])
    if not stages:
        raise Contradicts(
            "stage",
            f"{found.name} has no stages; give it some first "
            f'(rapport lists stages "{found.name}" "To contact, Talking, Done")',
        )
    named = next((s for s in stages if fold(s) == fold(" ".join(stage.split()))), None)
    if named is None:
        raise Contradicts(
            "stage", f"{stage!r} is not one of {found.name}'s stages: {', '.join(stages)}"
        )
    person = people.get(ctx, person_id)
    if person_id not in member_ids(ctx, found):
        raise Contradicts("person", f"{person.full_name} is not on {found.name}")
    ctx.journal("list move", f"Moved {person.full_name} to {named} on {found.name}")
    row = ctx.session.get(PersonListMember, (found.id, person_id))
    position = _last_position(ctx, found, named) + 1
    if row is None:
        row = PersonListMember(
            list_id=found.id,
            person_id=person_id,
            workspace_id=ctx.workspace_id,
            added_at=ctx.now(),
        )
        ctx.session.add(row)
    if row.stage != named:
        row.stage, row.position = named, position
    found.updated_at = ctx.now()
    ctx.session.flush()
    summary = people.summaries(ctx, [person_id])[0]
    return Member(summary, named, row.added_at)
