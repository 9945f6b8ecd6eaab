"""The journal's mechanism: each write transaction's row changes, captured from the
statements themselves, and their inverse.

Capture is generic, so no service can forget it: a listener sees every INSERT,
UPDATE and DELETE the engine executes on a journaled table — the ORM's flush and a
Core executemany alike — and first reads the before-images of the rows it will
touch (one query per statement and chunk of keys; never one per row of an
executemany). Deleting a row reads the rows its foreign keys cascade to as well.
New rows are found after the insert by their keys: given in the parameters, or
above the table's highest id (SQLite writes one transaction at a time; PostgreSQL
also asks that the row be this transaction's). When the transaction ends, the
touched rows are read once more: the differences are the entry's changes.

What is not journaled: derived tables (search documents and conversation ties,
worked out again from the rest) and the account's machinery (users, tokens, the
digest's delivery state), which no user action should undo. Statements sent as raw
SQL bypass the listener; only the search index and the bench's loader write that way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Table,
    TypeDecorator,
    bindparam,
    delete,
    event,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.dml import Delete, Insert, Update, UpdateBase
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList
from sqlalchemy.sql.visitors import iterate

from rapport.storage.carddav_tables import CARDDAV_TABLES
from rapport.storage.schema import Base
from rapport.storage.sync_tables import SYNC_TABLES

OPTION = "rapport_journal"  # the connection's execution option holding the Recorder
# agenda_listing: what an interface last showed (display state, rewritten by every
# listing), not the user's data: journaling it would make reading the agenda an action
# the sync tables (storage.sync_tables): a connection's machinery, and never a password
# the CardDAV tables (storage.carddav_tables): derived from the people, which are journaled
# capture_receipt (storage.capture_receipts): the delivery of offline captures
# person_tie (storage.person_ties): derived from the participants, worked out again
# person_vector (storage.vectors): meaning vectors, derived from the people
NOT_JOURNALED = frozenset(
    {"search_doc", "person_vector", "app_user", "api_token", "digest_state"}
    | {"journal_entry", "agenda_listing", "capture_receipt", "person_tie"}
    | {"two_factor", "recovery_code"}  # sign-in secrets, like the account itself
    | SYNC_TABLES
    | CARDDAV_TABLES
)
CHUNK = 4000  # keys per query: well under SQLite's 32,766 variables

Key = Any  # a row's primary key: an int, or a tuple for a composite key
Image = dict[str, Any]
# the changes of an entry, JSON-ready: table -> [[key, before, after], …]; before is
# None for a row added (after then holds its key and references only), after None
# for a row removed; an update keeps only the columns that changed
Changes = dict[str, list[list[Any]]]


@cache
def journaled() -> dict[str, Table]:
    """The journaled tables by name, parents before children: the workspace and
    every table that belongs to one, except the derived and account tables."""
    return {
        t.name: t
        for t in Base.metadata.sorted_tables
        if t.name not in NOT_JOURNALED and (t.name == "workspace" or "workspace_id" in t.c)
    }


@dataclass
class Recorder:
    """What one write transaction has touched: the first image seen of each row
    (None: the row did not exist before)."""

    workspace_id: int | None = None
    user_id: int | None = None
    entry_id: int | None = None  # made when the action is named (or at the end)
    paused: bool = False
    before: dict[str, dict[Key, Image | None]] = field(default_factory=dict)
    inserting: list[tuple[Table, int] | None] = field(default_factory=list)

    def seen(self, table: Table, rows: Mapping[Key, Image | None]) -> None:
        mine = self.before.setdefault(table.name, {})
        for key, image in rows.items():
            mine.setdefault(key, image)


def recorder(session: Session) -> Recorder | None:
    found = session.info.get(OPTION)
    return found if isinstance(found, Recorder) else None


def begin(session: Session, recording: Recorder) -> None:
    """Record the session's writes (its connection is open, in a transaction)."""
    session.info[OPTION] = recording
    session.connection().execution_options(**{OPTION: recording})


def end(session: Session) -> None:
    """Stop recording (at commit or rollback)."""
    rec = session.info.pop(OPTION, None)
    if isinstance(rec, Recorder):
        rec.paused = True


# --- capture ----------------------------------------------------------------------------


def _table_of(statement: UpdateBase) -> Table | None:
    name = getattr(statement.table, "name", None)
    return journaled().get(name) if isinstance(name, str) else None


def _key_columns(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


@cache
def _key_names(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns)


def key_of(table: Table, row: Mapping[str, Any]) -> Key:
    names = _key_names(table)
    if len(names) == 1:
        return row[names[0]]
    return tuple(row[n] for n in names)


def _images(
    conn: Connection, query: Any, params: Mapping[str, Any] | None = None
) -> dict[Key, Image]:
    table = query.get_final_froms()[0]
    result = conn.execute(query, dict(params)) if params else conn.execute(query)
    names = list(result.keys())
    images = [dict(zip(names, row, strict=True)) for row in result]
    return {key_of(table, image): image for image in images}


def _by_keys(
    conn: Connection, table: Table, keys: Sequence[Key], only: Sequence[Column[Any]] = ()
) -> dict[Key, Image]:
    """The current rows of `table` with these keys (`only` these columns, the key's
    among them, when given), a chunk of keys per query."""
    columns = _key_columns(table)
    found: dict[Key, Image] = {}
    read = select(*only).select_from(table) if only else select(table)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        if len(columns) == 1:
            found.update(_images(conn, read.where(columns[0].in_(chunk))))
            continue
        # by the key's first column, which its index leads with, and the rest here:
        # SQLite reads a row-value IN by scanning the whole table (0.2 s a chunk at
        # 500,000 participant rows, 0.02 s this way)
        wanted = {tuple(k) for k in chunk}
        firsts = list(dict.fromkeys(k[0] for k in wanted))
        images = _images(conn, read.where(columns[0].in_(firsts)))
        found.update((k, image) for k, image in images.items() if k in wanted)
    return found


def _conjuncts(where: Any) -> list[Any]:
    if isinstance(where, BooleanClauseList) and where.operator is operators.and_:
        return list(where.clauses)
    return [where]


def _matching(
    conn: Connection, table: Table, statement: Any, sets: list[dict[str, Any]]
) -> dict[Key, Image]:
    """The rows an UPDATE or DELETE will touch, before it runs."""
    where = statement.whereclause
    query = select(table) if where is None else select(table).where(where)
    if len(sets) <= 1:
        return _images(conn, query, sets[0] if sets else None)
    # an executemany: `column = :param` conditions become one IN per chunk
    names = set(sets[0])
    varying: list[tuple[Column[Any], str]] = []
    fixed = []
    for part in _conjuncts(where):
        if (
            isinstance(part, BinaryExpression)
            and part.operator is operators.eq
            and isinstance(part.right, BindParameter)
            and part.right.key in names
            and str(getattr(part.left, "name", "")) in table.c
        ):
            varying.append((table.c[str(getattr(part.left, "name", ""))], part.right.key))
        elif any(isinstance(b, BindParameter) and b.key in names for b in iterate(part)):
            varying = []
            break
        else:
            fixed.append(part)
    found: dict[Key, Image] = {}
    if not varying:  # a shape not foreseen: correct, one query per parameter set
        for params in sets:
            found.update(_images(conn, query, params))
        return found
    values = list(dict.fromkeys(tuple(s[name] for _, name in varying) for s in sets))
    columns = [c for c, _ in varying]
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        condition = (
            columns[0].in_([v[0] for v in chunk])
            if len(columns) == 1
            else tuple_(*columns).in_(chunk)
        )
        found.update(_images(conn, select(table).where(*fixed, condition)))
    return found


def _cascades(conn: Connection, table: Table, keys: Sequence[Key], rec: Recorder) -> None:
    """Record the rows that deleting `keys` of `table` will change through foreign
    keys (ON DELETE CASCADE / SET NULL), and theirs in turn."""
    for child in journaled().values():
        for fk in child.foreign_keys:
            if fk.column.table is not table or fk.ondelete not in ("CASCADE", "SET NULL"):
                continue
            found: dict[Key, Image] = {}
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                found.update(_images(conn, select(child).where(fk.parent.in_(chunk))))
            new = {k: v for k, v in found.items() if k not in rec.before.get(child.name, {})}
            rec.seen(child, found)
            if new and fk.ondelete == "CASCADE":
                _cascades(conn, child, list(new), rec)


def _moved_keys(
    conn: Connection, table: Table, clause: Any, sets: list[dict[str, Any]],
    touched: Mapping[Key, Image], rec: Recorder,
) -> None:  # fmt: skip
    """An UPDATE that sets key columns (a merge moving rows to the person kept)
    moves rows to new keys: what was at those keys before is recorded too."""
    names = {c.name for c in _key_columns(table)}
    setting: dict[str, Any] = {}
    for column, value in (getattr(clause, "_values", None) or {}).items():
        name = column if isinstance(column, str) else getattr(column, "key", None)
        if name in names:
            setting[str(name)] = value
    if not setting or not touched:
        return
    params = sets[0] if len(sets) == 1 else {}
    moved = {}
    for name, value in setting.items():
        if not isinstance(value, BindParameter):
            raise RuntimeError(f"the journal cannot follow {table.name} rows to their new key")
        moved[name] = params.get(value.key, value.value)
    new_keys = list(dict.fromkeys(key_of(table, {**image, **moved}) for image in touched.values()))
    existing = _by_keys(conn, table, new_keys)
    rec.seen(table, {k: existing.get(k) for k in new_keys})


def _inserted_keys(table: Table, sets: list[dict[str, Any]]) -> list[Key] | None:
    names = [c.name for c in _key_columns(table)]
    if sets and all(all(s.get(n) is not None for n in names) for s in sets):
        return [key_of(table, s) for s in sets]
    return None


@event.listens_for(Engine, "before_execute")
def _before_execute(
    conn: Connection, clause: Any, multiparams: Any, params: Any, options: Any
) -> None:
    rec = conn.get_execution_options().get(OPTION)
    if not isinstance(rec, Recorder) or rec.paused or not isinstance(clause, UpdateBase):
        return
    table = _table_of(clause)
    if table is None:
        if isinstance(clause, Insert):
            rec.inserting.append(None)
        return
    sets: list[dict[str, Any]] = list(multiparams or ([params] if params else []))
    if isinstance(clause, Insert):
        keys = _inserted_keys(table, sets)
        if keys is not None:
            rec.seen(table, dict.fromkeys(keys))
            rec.inserting.append(None)
            return
        columns = _key_columns(table)
        if len(columns) != 1:
            raise RuntimeError(f"the journal cannot tell which {table.name} rows are inserted")
        top = conn.execute(select(func.max(columns[0]))).scalar()
        rec.inserting.append((table, int(top or 0)))
        return
    if isinstance(clause, Update | Delete):
        touched = _matching(conn, table, clause, sets)
        fresh = [k for k in touched if k not in rec.before.get(table.name, {})]
        rec.seen(table, touched)
        if isinstance(clause, Update):
            _moved_keys(conn, table, clause, sets, touched, rec)
        if isinstance(clause, Delete) and fresh:
            _cascades(conn, table, fresh, rec)


@event.listens_for(Engine, "after_execute")
def _after_execute(
    conn: Connection, clause: Any, multiparams: Any, params: Any, options: Any, result: Any
) -> None:
    rec = conn.get_execution_options().get(OPTION)
    if not isinstance(rec, Recorder) or rec.paused or not isinstance(clause, Insert):
        return
    if not rec.inserting:
        return
    pending = rec.inserting.pop()
    if pending is None:
        return
    table, top = pending
    column = _key_columns(table)[0]
    query = select(column).where(column > top)
    if conn.dialect.name == "postgresql":  # rows other transactions committed meanwhile
        query = query.where(text("xmin = pg_current_xact_id()::xid"))
    rec.seen(table, dict.fromkeys(conn.execute(query).scalars()))


# --- the entry's changes ----------------------------------------------------------------------


def _kind(column: Column[Any]) -> type | None:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        python_type = kind.python_type
    except NotImplementedError:
        return None
    return python_type if python_type in (dt.datetime, dt.date) else None


def _from_json(table: Table, image: Mapping[str, Any]) -> Image:
    out: Image = {}
    for name, value in image.items():
        kind = _kind(table.c[name])
        if value is not None and kind is dt.datetime:
            value = dt.datetime.fromisoformat(value)
        elif value is not None and kind is dt.date:
            value = dt.date.fromisoformat(value)
        out[name] = value
    return out


def _json_key(key: Key) -> Any:
    return list(key) if isinstance(key, tuple) else key


@cache
def _added_columns(table: Table) -> tuple[Column[Any], ...]:
    """What an entry keeps of a row it added: its key and its references (undo
    removes it by its key; the people, organisations and interactions it belongs to
    are found by its references), not a copy of its text."""
    return tuple(c for c in table.c if c.primary_key or c.foreign_keys)


def changes(conn: Connection, rec: Recorder) -> Changes:
    """What the touched rows were and are now, for the rows that differ; of a row
    added, its key and references (`_added_columns`)."""
    found: Changes = {}
    for name, befores in rec.before.items():
        table = journaled()[name]
        added = [k for k, before in befores.items() if before is None]
        now = _by_keys(conn, table, [k for k, before in befores.items() if before is not None])
        now.update(_by_keys(conn, table, added, _added_columns(table)))
        rows: list[list[Any]] = []
        for key, before in befores.items():
            after = now.get(key)
            if before is None and after is None:
                continue
            if before is None or after is None:
                # values as read: the JSON column writes dates as ISO text
                rows.append([_json_key(key), before, after])
                continue
            changed = [c for c in after if after[c] != before.get(c)]
            if changed:
                rows.append(
                    [_json_key(key), {c: before[c] for c in changed},
                     {c: after[c] for c in changed}]
                )  # fmt: skip
        if rows:
            found[name] = rows
    return {name: found[name] for name in journaled() if name in found}


def counts(found: Changes) -> dict[str, list[int]]:
    """Per table: [rows added, rows changed, rows removed]."""
    out: dict[str, list[int]] = {}
    for name, rows in found.items():
        added = sum(1 for _, b, _a in rows if b is None)
        removed = sum(1 for _, _b, a in rows if a is None)
        out[name] = [added, len(rows) - added - removed, removed]
    return out


def keys(found: Changes) -> set[tuple[str, Key]]:
    """(table, key) of every row an entry changed."""
    return {(name, tuple(k) if isinstance(k, list) else k) for name, rows in found.items()
            for k, _, _ in rows}  # fmt: skip


# --- the inverse ------------------------------------------------------------------------------


def referring(conn: Connection, found: Changes) -> set[tuple[str, Key]]:
    """Rows outside `found` that refer to the rows `found` added (they would go, or
    lose their reference, when those are removed)."""
    mine = keys(found)
    out: set[tuple[str, Key]] = set()
    for name, rows in found.items():
        added = [k for k, b, _ in rows if b is None and not isinstance(k, list)]
        if not added:
            continue
        parent = journaled()[name]
        for child in journaled().values():
            for fk in child.foreign_keys:
                if fk.column.table is not parent:
                    continue
                for start in range(0, len(added), CHUNK):
                    query = select(child).where(fk.parent.in_(added[start : start + CHUNK]))
                    for key in _images(conn, query):
                        if (child.name, key) not in mine:
                            out.add((child.name, key))
    return out


def _key_condition(table: Table, key: Any) -> Any:
    columns = _key_columns(table)
    if len(columns) == 1:
        return columns[0] == key
    return tuple_(*columns) == tuple(key)


def revert(session: Session, found: Changes) -> None:
    """Put back what `found` replaced: removed rows return (parents first), changed
    rows get their former values, added rows go (children first)."""
    session.flush()
    conn = session.connection()
    order = [journaled()[name] for name in journaled() if name in found]
    for table in order:
        _reinsert(conn, table, [_from_json(table, b) for _, b, a in found[table.name]
                                if a is None and b is not None])  # fmt: skip
    for table in order:
        _restore(conn, table, [(k, _from_json(table, b)) for k, b, a in found[table.name]
                               if b is not None and a is not None])  # fmt: skip
    for table in reversed(order):
        added = [k for k, b, _ in found[table.name] if b is None]
        columns = _key_columns(table)
        for start in range(0, len(added), CHUNK):
            chunk = added[start : start + CHUNK]
            condition = (
                columns[0].in_(chunk)
                if len(columns) == 1
                else tuple_(*columns).in_([tuple(k) for k in chunk])
            )
            conn.execute(delete(table).where(condition))
    session.expire_all()


def _restore(conn: Connection, table: Table, rows: list[tuple[Any, Image]]) -> None:
    """Changed rows get their former values: one executemany per set of columns."""
    columns = _key_columns(table)
    groups: dict[tuple[str, ...], list[tuple[Any, Image]]] = defaultdict(list)
    for key, values in rows:
        groups[tuple(sorted(values))].append((key, values))
    for names, group in groups.items():
        if len(columns) == 1:
            statement = (
                update(table)
                .where(columns[0] == bindparam("k_key"))
                .values({c: bindparam(f"v_{c}") for c in names})
            )
            params = [{"k_key": k, **{f"v_{c}": v for c, v in values.items()}}
                      for k, values in group]  # fmt: skip
            for start in range(0, len(params), CHUNK):
                conn.execute(statement, params[start : start + CHUNK])
            continue
        for key, values in group:
            conn.execute(update(table).where(_key_condition(table, key)).values(values))


def _reinsert(conn: Connection, table: Table, rows: list[Image]) -> None:
    if not rows:
        return
    # a column pointing into its own table is set once every row is back
    own = [c.name for c in table.c if any(fk.column.table is table for fk in c.foreign_keys)]
    later = [(key_of(table, r), {c: r[c] for c in own if r.get(c) is not None}) for r in rows]
    for start in range(0, len(rows), CHUNK):
        chunk = [{**r, **dict.fromkeys(own)} for r in rows[start : start + CHUNK]]
        conn.execute(insert(table), chunk)
    for key, values in later:
        if values:
            conn.execute(update(table).where(_key_condition(table, key)).values(values))


def people_touched(found: Changes) -> tuple[set[int], set[int], set[int]]:
    """The person, organization and interaction ids an entry's rows belong to."""
    people: set[int] = set()
    orgs: set[int] = set()
    interactions: set[int] = set()
    for name, rows in found.items():
        for key, before, after in rows:
            images = [i for i in (before, after) if i is not None]
            if name == "person":
                people.add(key)
            elif name == "organization":
                orgs.add(key)
            elif name == "interaction":
                interactions.add(key)
            for image in images:
                if isinstance(image.get("person_id"), int):
                    people.add(image["person_id"])
                if name == "custom_field_value" and isinstance(image.get("organization_id"), int):
                    orgs.add(image["organization_id"])  # its search document holds the value
    return people, orgs, interactions


# --- the entry ---------------------------------------------------------------------------------


def name(session: Session, action: str, summary: str, at: dt.datetime) -> int | None:
    """Name the transaction's action (the first name given wins: a service calling
    another keeps its own); its entry's id, or None when nothing is recorded."""
    from rapport.storage.schema import JournalEntry

    rec = recorder(session)
    if rec is None or rec.paused or rec.workspace_id is None:
        return None
    if rec.entry_id is None:
        entry = JournalEntry(
            workspace_id=rec.workspace_id, user_id=rec.user_id, at=at, action=action[:32],
            summary=summary.replace("\x00", "")[:500], counts={}, changes={},  # no NUL in SQL text
        )  # fmt: skip
        session.add(entry)
        session.flush()
        rec.entry_id = entry.id
    return rec.entry_id


def record(session: Session, at: dt.datetime) -> int | None:
    """Write the transaction's entry (called by the unit of work before it commits):
    its id, or None when nothing journaled changed (a named entry is then dropped)."""
    from rapport.storage.schema import JournalEntry

    rec = recorder(session)
    if rec is None or rec.paused or rec.workspace_id is None:
        return None
    session.flush()
    found = changes(session.connection(), rec)
    rec.paused = True  # the entry's own writes are not journaled
    entry = session.get(JournalEntry, rec.entry_id) if rec.entry_id is not None else None
    if not found:
        if entry is not None:
            session.delete(entry)
            session.flush()
        rec.entry_id = None
        return None
    if entry is None:
        entry = JournalEntry(
            workspace_id=rec.workspace_id, user_id=rec.user_id, at=at, action="change",
            summary="", counts={}, changes={},
        )  # fmt: skip
        session.add(entry)
    entry.changes = found
    entry.counts = counts(found)
    session.flush()
    rec.entry_id = entry.id
    return entry.id
