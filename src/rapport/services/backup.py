"""The full backup: every row of every table of the workspace, out to JSON and back
into an empty database, ids and relations kept.

Tables are found from the schema (`Base.metadata`), not listed by hand, so a table
added later is backed up without touching this module: every table with a
`workspace_id` column, plus the workspace row itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

from sqlalchemy import Column, Table, TypeDecorator, func, select, text, update

from rapport.adapters import backup as backup_file
from rapport.domain.counts import counted
from rapport.errors import Conflict, ImportFailed
from rapport.services import smtp_password, sync_accounts, ties
from rapport.services.context import Ctx
from rapport.storage.schema import Base, Interaction, InteractionParticipant, Person, Workspace
from rapport.storage.sync_tables import SyncAccount

CHUNK = 1000
# rows that belong to the account rather than the network: a restore replaces them
ACCOUNT_TABLES = ("app_user", "api_token")
# the journal of actions is the history of this database, not part of the network;
# the CardDAV book's counter points into that journal: a restore starts a new book,
# which compares every card (their UIDs and extras are backed up) once; the receipts
# of offline captures are the machinery of their delivery
# person_tie: derived from the participants, worked out again on restore
# person_vector: meaning vectors, derived from the people and embedded again after a
# restore (the model may differ from the one that wrote them)
NOT_BACKED_UP = (
    "journal_entry",
    "carddav_book",
    "capture_receipt",
    "person_tie",
    "person_vector",
)
WORKSPACE_FIELDS = ("name", "timezone", "settings", "created_at")
# a sync account is backed up as what it is (kind, name, host, user, folders,
# interval), never its password or this machine's scheduler state: restored, it
# waits paused for its password (`rapport accounts password NAME`)
ACCOUNT_STATE = (
    "secret",
    "enabled",
    "last_run_at",
    "last_success_at",
    "next_run_at",
    "running_since",
    "claimed_by",
    "attempts",
    "last_error",
    "last_error_at",
    "progress",
    "totals",
)


def tables() -> list[Table]:
    """The backed-up tables, parents before children."""
    return [
        t
        for t in Base.metadata.sorted_tables
        if (t.name == Workspace.__tablename__ or "workspace_id" in t.c)
        and t.name not in NOT_BACKED_UP
    ]


def _kind(column: Column[Any]) -> type | None:
    kind = column.type
    if isinstance(kind, TypeDecorator):  # UTCDateTime says "object": ask what it stores
        kind = kind.impl_instance
    try:
        python_type = kind.python_type
    except NotImplementedError:
        return None
    return python_type if python_type in (dt.datetime, dt.date) else None


def _from_json(value: Any, kind: type | None, where: str) -> Any:
    if value is None or kind is None:
        return value
    if not isinstance(value, str):
        raise ImportFailed(f"{where}: {value!r} is not a date")
    try:
        if kind is dt.datetime:
            return dt.datetime.fromisoformat(value)
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ImportFailed(f"{where}: {value!r} is not a date") from exc


def _rows(ctx: Ctx, table: Table) -> Iterator[list[Any]]:
    scope = (
        table.c.id == ctx.workspace_id
        if table.name == Workspace.__tablename__
        else table.c.workspace_id == ctx.workspace_id
    )
    key = list(table.primary_key.columns) or list(table.c)
    query = select(table).where(scope).order_by(*key).execution_options(yield_per=5000)
    # Core rows, and only the date columns converted: per value and through the ORM's
    # result step, a row cost three times what it does here (millions of rows)
    dated = [i for i, column in enumerate(table.c) if _kind(column) is not None]
    for row in ctx.rows(query):
        values = list(row)
        for i in dated:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        yield values


def meta(ctx: Ctx) -> dict[str, Any]:
    schema = ctx.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {
        "exported_at": ctx.now().isoformat(),
        "schema": schema,
        "workspace_id": ctx.workspace_id,
    }


def dump(ctx: Ctx) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
    """(table, columns, rows) for every backed-up table; rows are JSON-ready lists.
    Passwords are left out: a sync account's (with its scheduler state, which is this
    machine's) and the mail server's."""
    for table in tables():
        names = [c.name for c in table.c]
        rows = _rows(ctx, table)
        if table.name == SyncAccount.__tablename__:
            kept = [i for i, n in enumerate(names) if n not in ACCOUNT_STATE]
            yield table.name, [names[i] for i in kept], ([r[i] for i in kept] for r in rows)
        elif table.name == Workspace.__tablename__:
            at = names.index("settings")
            yield table.name, names, (_without_smtp_password(r, at) for r in rows)
        else:
            yield table.name, names, rows


def _without_smtp_password(row: list[Any], at: int) -> list[Any]:
    settings = row[at]
    if isinstance(settings, dict) and isinstance(settings.get("smtp"), dict):
        smtp = {
            k: v
            for k, v in settings["smtp"].items()
            if k not in (smtp_password.CLEAR, smtp_password.SEALED)
        }
        row = [*row[:at], {**settings, "smtp": smtp}, *row[at + 1 :]]
    return row


def export(ctx: Ctx, stream: TextIO) -> int:
    """Write the whole workspace as a JSON backup; returns the number of rows."""
    return backup_file.write(meta(ctx), dump(ctx), stream)


# --- restoring ------------------------------------------------------------------------


def _count(ctx: Ctx, table: Table) -> int:
    query = select(func.count()).select_from(table).where(table.c.workspace_id == ctx.workspace_id)
    return int(ctx.session.execute(query).scalar() or 0)


def _check_empty(ctx: Ctx) -> None:
    for table in tables():
        if table.name == Workspace.__tablename__ or table.name in ACCOUNT_TABLES:
            continue
        found = _count(ctx, table)
        if found:
            people = ctx.session.scalar(
                select(func.count(Person.id)).where(Person.workspace_id == ctx.workspace_id)
            )
            held = (
                counted(people, "people")
                if people  # what the user knows the network by, not the table's name
                else counted(found, table.name.replace("_", " ") + " records")
            )
            raise Conflict(
                f"a backup is restored into an empty network: this one already has {held}"
                " (restore into a new database)"
            )


def _check_ids_free(ctx: Ctx, table: Table, ids: Sequence[Any]) -> None:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        taken = ctx.session.execute(
            select(func.count()).select_from(table).where(table.c.id.in_(chunk))
        ).scalar()
        if taken:
            raise Conflict(
                f"{table.name} ids of the backup are used by another workspace here: "
                "restore into a new database"
            )


def restore(
    ctx: Ctx,
    backup: backup_file.Backup | backup_file.Streamed,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Load `backup` into this workspace, which must hold no network yet. Ids are kept,
    so every relation is as it was; the workspace's name, zone and settings are
    taken from the backup. Returns the rows restored per table, the workspace's one
    row (updated, not created) included, so they add up to what the export wrote.

    A streamed backup is written table by table as it is read, in the file's order
    (parents before children, as `export` writes them); a table read before a table
    it refers to waits, in memory, until the end. A table or column this Rapport does
    not know raises ImportFailed when it is read: the caller's transaction, rolled
    back, leaves the database as it was. `progress` is told the rows written so far."""
    known = {t.name: t for t in tables()}
    _check_empty(ctx)
    written = _Written(progress)
    read = backup.tables.values() if isinstance(backup.tables, dict) else backup.tables
    counts: dict[str, int] = {}
    seen: set[str] = set()
    waiting: dict[str, backup_file.Table] = {}
    has_copies = True  # participant rows carry their interaction's direction and tone
    for data in read:
        table = known.get(data.name)
        if table is None:
            raise ImportFailed(f"the backup has a table {data.name!r} this Rapport does not know")
        unknown = set(data.columns) - set(table.c.keys())
        if unknown:
            raise ImportFailed(f"the backup's {data.name} has unknown columns: {sorted(unknown)}")
        seen.add(data.name)
        if table.name == InteractionParticipant.__tablename__:
            has_copies = {"direction", "tone"} <= set(data.columns)
        parents = {
            fk.column.table.name for fk in table.foreign_keys if fk.column.table is not table
        }
        if parents & set(known) - seen:  # read before a table it needs: waits
            waiting[data.name] = backup_file.Table(data.name, data.columns, list(data.rows))
            continue
        counts[table.name] = _restore_table(ctx, table, data, written)
    for table in tables():  # parents before children
        if table.name in waiting:
            counts[table.name] = _restore_table(ctx, table, waiting.pop(table.name), written)
    if not has_copies:
        _copy_interaction_columns(ctx)  # a backup from before they were copied
    ctx.session.flush()
    if ctx.session.get_bind().dialect.name == "postgresql":
        _advance_sequences(ctx, [known[n] for n in counts if "id" in known[n].c])
    # the backup's search documents may be from an older Rapport: written anew
    from rapport.services.search_documents import reindex_all

    reindex_all(ctx.session, ctx.workspace_id)
    ties.rebuild(ctx.session, ctx.workspace_id)
    ctx.session.expire_all()
    return counts


class _Written:
    """The rows restored so far, told to `progress` a chunk at a time."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.progress = progress
        self.rows = 0

    def add(self, rows: int) -> None:
        self.rows += rows
        if self.progress:
            self.progress(self.rows)


def _restore_table(ctx: Ctx, table: Table, data: backup_file.Table, written: _Written) -> int:
    if table.name == Workspace.__tablename__:
        _restore_workspace(ctx, table, data)
        written.add(1)
        return 1
    if table.name in ACCOUNT_TABLES:
        ctx.session.execute(table.delete().where(table.c.workspace_id == ctx.workspace_id))
    return _insert(ctx, table, data, written)


def _copy_interaction_columns(ctx: Ctx) -> None:
    """Participant rows get their interaction's direction and tone."""
    p, i = InteractionParticipant, Interaction
    ctx.session.execute(
        update(p)
        .where(p.workspace_id == ctx.workspace_id)
        .values(
            direction=select(i.direction).where(i.id == p.interaction_id).scalar_subquery(),
            tone=select(i.tone).where(i.id == p.interaction_id).scalar_subquery(),
        )
    )


def _restore_workspace(ctx: Ctx, table: Table, data: backup_file.Table) -> None:
    rows = list(data.dicts())
    if len(rows) != 1:
        raise ImportFailed(f"the backup has {len(rows)} workspace rows, not 1")
    kinds = {c.name: _kind(c) for c in table.c}
    values = {
        k: _from_json(v, kinds[k], f"workspace.{k}")
        for k, v in rows[0].items()
        if k in WORKSPACE_FIELDS
    }
    ctx.session.execute(update(table).where(table.c.id == ctx.workspace_id).values(**values))
    if isinstance(values.get("settings"), dict):
        ctx.settings = dict(values["settings"])


def _insert(ctx: Ctx, table: Table, data: backup_file.Table, written: _Written) -> int:
    """The rows of `data` into `table`, a chunk at a time as they are read."""
    kinds = {c.name: _kind(c) for c in table.c}
    # a column pointing into its own table (person.introduced_by_id) is set afterwards,
    # when every row it may point to exists
    self_refs = [c.name for c in table.c if any(fk.column.table is table for fk in c.foreign_keys)]
    stamped = [c.name for c in table.c if c.onupdate is not None]
    dated = [(i, kinds[name]) for i, name in enumerate(data.columns) if kinds[name]]
    rows: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    count = 0
    for count, raw in enumerate(data.rows, start=1):
        values = list(raw)
        for at, kind in dated:
            values[at] = _from_json(values[at], kind, f"{table.name} row {count}")
        row = dict(zip(data.columns, values, strict=True))
        row["workspace_id"] = ctx.workspace_id
        if table.name == SyncAccount.__tablename__:
            row.update(_account_restored(row, ctx.now()))
        refs = {k: row[k] for k in self_refs if row.get(k) is not None}
        if refs:
            # columns updated automatically (person.updated_at) are given as they were
            kept = {c: row[c] for c in stamped if c in row}
            later.append({"_id": row["id"], **{f"_{k}": v for k, v in {**refs, **kept}.items()}})
            row.update(dict.fromkeys(refs))
        rows.append(row)
        if len(rows) == CHUNK:
            _insert_chunk(ctx, table, rows)
            written.add(len(rows))
            rows = []
    _insert_chunk(ctx, table, rows)
    written.add(len(rows))
    for refer in later:
        refs = {k[1:]: v for k, v in refer.items() if k != "_id"}
        ctx.session.execute(update(table).where(table.c.id == refer["_id"]).values(**refs))
    return count


def _insert_chunk(ctx: Ctx, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if "id" in table.c:
        _check_ids_free(ctx, table, [r["id"] for r in rows if r.get("id") is not None])
    ctx.session.execute(table.insert(), rows)


def _account_restored(row: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """A restored account: paused until its password is given again, with no run."""
    name = str(row.get("name") or "")
    return {
        "secret": sync_accounts.NO_PASSWORD,
        "enabled": False,
        "last_run_at": None, "last_success_at": None, "next_run_at": None,
        "running_since": None, "claimed_by": None, "attempts": 0,
        "last_error": sync_accounts.password_again(name)
        + " (restored from a backup, which never holds passwords)",
        "last_error_at": now, "progress": {}, "totals": {},
    }  # fmt: skip


def _advance_sequences(ctx: Ctx, restored: Sequence[Table]) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not advance."""
    for table in restored:
        ctx.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                f'(SELECT max(id) FROM "{table.name}"))'
            ),
            {"t": f'"{table.name}"'},
        )
