"""The journal of actions: what the user did, in words, and undo.

Every write transaction of a workspace is one entry, recorded by the unit of work
(`storage.journal`); services name it with `ctx.journal(action, summary)`. Undo
puts back, in a new transaction that is itself an entry ("undo"), exactly what the
entry replaced — refusing when a later action changed the same records, since
undoing over it would lose that action (undo it first). Derived search documents
are rebuilt for what the undo touched. Entries are kept for as long as the
workspace (see docs/history.md).
"""

from __future__ import annotations

from sqlalchemy import select

from rapport.domain.records import JournalEntryOut
from rapport.errors import Conflict, Invalid, NotFound
from rapport.services import ties
from rapport.services.context import Ctx
from rapport.services.search_documents import reindex_people
from rapport.storage import journal, search
from rapport.storage.schema import Interaction, JournalEntry, Organization, Person, User

UNDO = "undo"
# how a table's rows are named in the history (a table not listed: its name)
NOUNS = {
    "person": ("person", "people"),
    "person_email": ("email address", "email addresses"),
    "person_phone": ("phone number", "phone numbers"),
    "person_url": ("link", "links"),
    "person_type": ("relationship type", "relationship types"),
    "person_tag": ("tag on a person", "tags on people"),
    "interaction_participant": ("participant", "participants"),
    "commitment": ("promise", "promises"),
    "exchange": ("favour", "favours"),
    "agenda_mark": ("agenda answer", "agenda answers"),
    "event_attendee": ("person met at an event", "people met at events"),
    "role": ("role", "roles"),
    "proposal": ("record kept for review", "records kept for review"),
    "workspace": ("setting", "settings"),
    "custom_field": ("field of yours", "fields of yours"),
    "custom_field_value": ("field value", "field values"),
}
VERBS = ("added", "changed", "removed")


def describe(counts: dict[str, list[int]]) -> str:
    """What an entry changed, in words: "1 person added, 2 roles changed"."""
    parts = []
    for table, numbers in counts.items():
        singular, plural = NOUNS.get(
            table, (table.replace("_", " "), table.replace("_", " ") + "s")
        )
        for n, verb in zip(numbers, VERBS, strict=True):
            if n:
                parts.append(f"{n} {singular if n == 1 else plural} {verb}")
    return ", ".join(parts) or "nothing"


def history(ctx: Ctx, *, limit: int = 50) -> list[JournalEntryOut]:
    """The latest entries of the workspace, newest first (without their row images)."""
    if not 1 <= limit <= 10_000:
        raise Invalid("limit", "between 1 and 10000 entries")
    e = JournalEntry
    rows = ctx.session.execute(
        select(e.id, e.at, e.action, e.summary, e.counts, e.user_id, e.undoes_id, e.undone_by_id)
        .where(e.workspace_id == ctx.workspace_id)
        .order_by(e.id.desc())
        .limit(limit)
    ).all()
    user_ids = {r.user_id for r in rows if r.user_id is not None}
    users: dict[int, str] = {}
    if user_ids:
        query = select(User.id, User.display_name).where(User.id.in_(user_ids))
        users = dict(ctx.session.execute(query).all())
    return [
        JournalEntryOut(
            id=r.id,
            at=r.at,
            action=r.action,
            summary=r.summary or describe(r.counts or {}),
            changed=describe(r.counts or {}),
            user=users.get(r.user_id) if r.user_id is not None else None,
            undoes=r.undoes_id,
            undone_by=r.undone_by_id,
        )
        for r in rows
    ]


def _entry(ctx: Ctx, entry_id: int | None) -> JournalEntry:
    e = JournalEntry
    if entry_id is None:
        found = ctx.session.scalar(
            select(e)
            .where(e.workspace_id == ctx.workspace_id, e.undone_by_id.is_(None), e.action != UNDO)
            .order_by(e.id.desc())
            .limit(1)
        )
        if found is None:
            raise NotFound("nothing to undo")
        return found
    row = ctx.session.get(e, entry_id)
    if row is None or row.workspace_id != ctx.workspace_id:
        raise NotFound(f"no history entry #{entry_id}")
    return row


def _later(ctx: Ctx, entry: JournalEntry) -> list[JournalEntry]:
    """The entries after `entry` still in effect: not undone, and not the undo of
    another entry after it (the two cancel out)."""
    e = JournalEntry
    rows = ctx.session.scalars(
        select(e)
        .where(e.workspace_id == ctx.workspace_id, e.id > entry.id, e.undone_by_id.is_(None))
        .order_by(e.id)
    )
    return [r for r in rows if not (r.undoes_id is not None and r.undoes_id > entry.id)]


def _check_nothing_later(ctx: Ctx, entry: JournalEntry) -> None:
    mine = journal.keys(entry.changes)
    referring = journal.referring(ctx.session.connection(), entry.changes)
    for later in _later(ctx, entry):
        theirs = journal.keys(later.changes or {})
        if theirs & (mine | referring):
            raise Conflict(
                f"#{later.id} ({later.summary or later.action}) changed the same records "
                f"afterwards: undo #{later.id} first"
            )
    if referring:
        table, _ = sorted(referring, key=str)[0]
        raise Conflict(
            f"a {table.replace('_', ' ')} recorded outside the history refers to what "
            f"#{entry.id} added; it cannot be undone"
        )


def undo(ctx: Ctx, entry_id: int | None = None) -> JournalEntryOut:
    """Undo the entry `entry_id` (None: the latest one not yet undone), in this
    transaction; the undo's own entry is returned."""
    entry = _entry(ctx, entry_id)
    if entry.undone_by_id is not None:
        raise Conflict(f"#{entry.id} was already undone by #{entry.undone_by_id}")
    if entry.action == UNDO:
        raise Conflict(f"#{entry.id} is itself an undo; an undo is not undone")
    _check_nothing_later(ctx, entry)
    what = entry.summary or describe(entry.counts or {})
    mine = ctx.journal(UNDO, f"Undid #{entry.id}: {what}")
    journal.revert(ctx.session, entry.changes)
    _refresh_search(ctx, entry.changes)
    ties.refresh_changed(ctx, entry.changes)
    row = _entry(ctx, mine) if mine is not None else None
    entry.undone_by_id = mine
    if row is not None:
        row.undoes_id = entry.id
    ctx.session.flush()
    return JournalEntryOut(
        id=mine or 0, at=ctx.now(), action=UNDO, summary=f"Undid #{entry.id}: {what}",
        changed=describe(entry.counts or {}), user=None, undoes=entry.id, undone_by=None,
    )  # fmt: skip


def _refresh_search(ctx: Ctx, changes: journal.Changes) -> None:
    """The search documents of what the undo touched, rebuilt (or removed)."""
    from rapport.services.search_documents import interaction_doc, reindex_organization

    people, orgs, interactions = journal.people_touched(changes)
    s, ws = ctx.session, ctx.workspace_id
    if people:
        there = set(s.scalars(select(Person.id).where(Person.id.in_(people))))
        search.remove(s, "person", sorted(people - there))
        reindex_people(s, ws, sorted(there))
    for org_id in sorted(orgs):
        org = s.get(Organization, org_id)
        if org is None:
            search.remove(s, "organization", [org_id])
        else:
            reindex_organization(s, org)
    for interaction_id in sorted(interactions):
        found = s.get(Interaction, interaction_id)
        if found is None:
            search.remove(s, "interaction", [interaction_id])
        else:
            title, body = interaction_doc(found)
            search.put(s, ws, "interaction", found.id, title, body)
