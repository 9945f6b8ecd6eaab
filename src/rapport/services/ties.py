"""The conversation ties warm paths read (`storage.person_ties`), kept current in
the transaction of every write that changes who took part in which conversation.

Two ways, both exact: a new conversation adds one to each pair of its people (and
moves their latest forward), which is what logging and importing do, a few rows
per conversation; anything else (a deletion, a move in time, someone dropped from
a meeting, a merge, an undo) works the pairs it touched out again from the
participants, with one aggregated query. A conversation of more than
`LARGE_GROUP` people ties no one together, so one conversation touches at most
66 pairs however large the meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from rapport.domain.warm_paths import LARGE_GROUP
from rapport.services.context import Ctx
from rapport.storage.person_ties import PersonTie
from rapport.storage.schema import InteractionParticipant

# people among whom ties are worked out again in one query; past it (the undo of a
# merge of someone in thousands of conversations) the workspace's ties are rebuilt
MAX_AMONG = 2000
CHUNK = 900  # pairs per IN (…)
COLUMNS = ["person_id", "other_id", "workspace_id", "conversations", "last_conversation_at"]

P = InteractionParticipant
T = PersonTie


def rebuild(session: Session, workspace_id: int) -> int:
    """Every tie of the workspace worked out from the participants (`rapport
    reindex`, the first open after migration 0017, a restore); how many pairs."""
    session.flush()
    session.execute(delete(T).where(T.workspace_id == workspace_id))
    small = _small(workspace_id, None)
    session.execute(insert(T).from_select(COLUMNS, _pairs(workspace_id, small)))
    # the planner's figures for the new table, so that a pair is found through its
    # people's indexes and never through the workspace's (every row)
    session.execute(text("ANALYZE person_tie"))
    count: int = session.scalar(select(func.count()).where(T.workspace_id == workspace_id)) or 0
    return count


def conversations_added(ctx: Ctx, added: Iterable[tuple[Collection[int], dt.datetime]]) -> None:
    """New conversations (their people, their moment): each pair of people in one
    counts one more, with its latest moment."""
    delta: dict[tuple[int, int], list[Any]] = {}
    for people, at in added:
        ids = sorted(set(people))
        if not 2 <= len(ids) <= LARGE_GROUP:
            continue
        for position, a in enumerate(ids):
            for b in ids[position + 1 :]:
                found = delta.get((a, b))
                if found is None:
                    delta[a, b] = [1, at]
                else:
                    found[0] += 1
                    found[1] = max(found[1], at)
    if not delta:
        return
    ctx.session.flush()
    rows = [
        {"person_id": a, "other_id": b, "workspace_id": ctx.workspace_id,
         "conversations": n, "last_conversation_at": at}
        for (a, b), (n, at) in sorted(delta.items())
    ]  # fmt: skip
    # one upsert, adding to what is stored in the row itself: two servers logging a
    # meeting of the same people at once on PostgreSQL both count
    upsert = _insert(ctx.session)
    statement = upsert.on_conflict_do_update(
        index_elements=[T.person_id, T.other_id],
        set_={
            "conversations": T.conversations + upsert.excluded.conversations,
            "last_conversation_at": case(
                (
                    T.last_conversation_at < upsert.excluded.last_conversation_at,
                    upsert.excluded.last_conversation_at,
                ),
                else_=T.last_conversation_at,
            ),
        },
    )
    connection = ctx.session.connection()
    for start in range(0, len(rows), CHUNK):
        connection.execute(statement, rows[start : start + CHUNK])


def _replacing(session: Session, query: Select[Any]) -> Any:
    """INSERT … SELECT of ties worked out again, replacing a row another transaction
    wrote meanwhile (PostgreSQL: its deletion did not see it) rather than failing."""
    upsert = _insert(session)
    return upsert.from_select(COLUMNS, query).on_conflict_do_update(
        index_elements=[T.person_id, T.other_id],
        set_={
            "conversations": upsert.excluded.conversations,
            "last_conversation_at": upsert.excluded.last_conversation_at,
        },
    )


def _insert(session: Session) -> Any:
    """An INSERT of ties with the backend's ON CONFLICT."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(T)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(T)


def refresh(ctx: Ctx, groups: Iterable[Collection[int]]) -> None:
    """The ties between the people of each group (the people of a conversation that
    changed, before and after) worked out again from the participants."""
    among: set[int] = set()
    for group in groups:
        if len(set(group)) >= 2:
            among.update(group)
    if len(among) < 2:
        return
    if len(among) > MAX_AMONG:
        rebuild(ctx.session, ctx.workspace_id)
        return
    ctx.session.flush()
    ids = sorted(among)
    ws = ctx.workspace_id
    ctx.session.execute(delete(T).where(T.person_id.in_(ids), T.other_id.in_(ids)))
    # the conversations two of them shared, before any is sized: the closest tie was
    # in 76,000
    shared = (
        select(P.interaction_id)
        .where(P.person_id.in_(ids))
        .group_by(P.interaction_id)
        .having(func.count() >= 2)
    )
    m, o = _sides()
    query = _pairs(ws, _small(ws, shared), m.person_id.in_(ids), o.person_id.in_(ids), m=m, o=o)
    ctx.session.execute(_replacing(ctx.session, query))


def refresh_person(ctx: Ctx, person_id: int) -> None:
    """Every tie of one person worked out again (the person kept by a merge)."""
    ctx.session.flush()
    ws = ctx.workspace_id
    ctx.session.execute(delete(T).where(or_(T.person_id == person_id, T.other_id == person_id)))
    small = _small(ws, select(P.interaction_id).where(P.person_id == person_id))
    for lower in (True, False):
        m, o = _sides()
        own = m.person_id if lower else o.person_id
        query = _pairs(ws, small, own == person_id, m=m, o=o)
        ctx.session.execute(_replacing(ctx.session, query))


def people_of(ctx: Ctx, interaction_ids: Collection[int]) -> dict[int, set[int]]:
    """The people taking part in each of `interaction_ids` now."""
    found: dict[int, set[int]] = {i: set() for i in interaction_ids}
    wanted = sorted(interaction_ids)
    for start in range(0, len(wanted), CHUNK):
        for iid, pid in ctx.session.execute(
            select(P.interaction_id, P.person_id).where(
                P.interaction_id.in_(wanted[start : start + CHUNK])
            )
        ):
            found[iid].add(pid)
    return found


def refresh_changed(ctx: Ctx, changes: Mapping[str, Sequence[Sequence[Any]]]) -> None:
    """After an undo: the ties among the people of every conversation whose
    participants the journal entry `changes` touched, before and after."""
    touched: dict[int, set[int]] = {}
    for _key, before, after in changes.get(P.__tablename__, ()):
        for image in (before, after):
            if image and isinstance(image.get("interaction_id"), int):
                people = touched.setdefault(image["interaction_id"], set())
                if isinstance(image.get("person_id"), int):
                    people.add(image["person_id"])
    if not touched:
        return
    for iid, now in people_of(ctx, set(touched)).items():
        touched[iid] |= now
    refresh(ctx, touched.values())


def _sides() -> tuple[Any, Any]:
    return aliased(P), aliased(P)


def _small(workspace_id: int, among: Select[Any] | None) -> Select[Any]:
    """The conversations that tie their people together: two to `LARGE_GROUP`; of
    the workspace, or `among` those given."""
    query = select(P.interaction_id)
    if among is None:
        query = query.where(P.workspace_id == workspace_id)
    else:
        query = query.where(P.interaction_id.in_(among))
    return query.group_by(P.interaction_id).having(func.count().between(2, LARGE_GROUP))


def _pairs(
    workspace_id: int,
    small: Select[Any],
    *conditions: ColumnElement[bool],
    m: Any = None,
    o: Any = None,
) -> Select[Any]:
    """(lower id, higher id, workspace, conversations, latest) of the pairs in
    `small` conversations meeting `conditions` (on the aliases `m` and `o`; without
    any, the workspace's). The conditions name people, never the workspace: a
    person is in one, and SQLite without figures for the planner would read every
    participant of the workspace through its index."""
    if m is None or o is None:
        m, o = _sides()
    return (
        select(
            m.person_id,
            o.person_id,
            literal(workspace_id, Integer),
            func.count(),
            func.max(m.occurred_at),
        )
        .join(o, and_(o.interaction_id == m.interaction_id, o.person_id > m.person_id))
        .where(m.interaction_id.in_(small), *(conditions or (m.workspace_id == workspace_id,)))
        .group_by(m.person_id, o.person_id)
    )
