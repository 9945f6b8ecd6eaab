"""The review queue: records an import matched to someone only by their name (or by
a phone a differently named person has), kept for the user to decide.

Accepting one applies its record as the import would have (`contact_updates`'s
patch, planned by the one rule and written by `bulk_update`), so role history is
written only then; keeping one separate adds the record as a new person
(`contact_creation`). Each decision is one journal entry, undone by `rapport undo`.
A proposal whose person has been deleted or merged since is dropped when accepted,
and the outcome says so."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, update

from rapport.domain.person_patch import PersonState
from rapport.domain.review import (
    KINDS,
    FieldChange,
    ProposalOut,
    ReviewOutcome,
    ReviewPage,
    field_changes,
)
from rapport.errors import Invalid, NotFound
from rapport.services import bulk_update
from rapport.services.context import Ctx
from rapport.services.imports import contact_creation, role_dates
from rapport.services.imports.contact_records import Contact, contact_from_json
from rapport.services.imports.contact_updates import changes_for
from rapport.services.person_state import read_states
from rapport.services.person_writer import chunks
from rapport.services.search_documents import replace_people
from rapport.storage.schema import Proposal

PER_PAGE = 50
MAX_PER_PAGE = 500


@dataclass
class _Row:
    id: int
    person_id: int | None
    person_name: str
    kind: str
    evidence: str
    record: dict[str, Any]
    source_format: str
    source_name: str
    line: int | None
    created_at: Any


_COLUMNS = (
    Proposal.id, Proposal.person_id, Proposal.person_name, Proposal.kind, Proposal.evidence,
    Proposal.record, Proposal.source_format, Proposal.source_name, Proposal.line,
    Proposal.created_at,
)  # fmt: skip


def _waiting(ctx: Ctx) -> Any:
    return (Proposal.workspace_id == ctx.workspace_id) & Proposal.decision.is_(None)


def decided(ctx: Ctx, proposal_id: int) -> bool:
    """Whether `proposal_id` is a proposal of this workspace already decided (a second
    click on the same button finds it so)."""
    return (
        ctx.session.scalar(
            select(Proposal.id).where(
                Proposal.workspace_id == ctx.workspace_id,
                Proposal.id == proposal_id,
                Proposal.decision.is_not(None),
            )
        )
        is not None
    )


def check_kind(kind: str | None) -> str | None:
    """`kind` if it is a kind of proposal (or None); Invalid naming the kinds if not."""
    if kind is not None and kind not in KINDS:
        raise Invalid("kind", f"{kind!r} is not a kind of proposal ({', '.join(KINDS)})")
    return kind


def waiting(ctx: Ctx) -> int:
    """How many proposals wait for a decision."""
    return ctx.session.scalar(select(func.count()).select_from(Proposal).where(_waiting(ctx))) or 0


def listing(
    ctx: Ctx, *, page: int = 1, per_page: int = PER_PAGE, kind: str | None = None
) -> ReviewPage:
    """A page of the proposals waiting, oldest first (of one `kind`, if given), each
    with its evidence and the changes accepting it would make."""
    if page < 1:
        raise Invalid("page", "pages are numbered from 1")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid("per_page", f"between 1 and {MAX_PER_PAGE} proposals a page")
    check_kind(kind)
    counts = dict(
        ctx.rows(
            select(Proposal.kind, func.count()).where(_waiting(ctx)).group_by(Proposal.kind)
        ).all()
    )
    kinds = {k: counts[k] for k in KINDS if counts.get(k)}
    total = kinds.get(kind, 0) if kind else sum(kinds.values())
    query = select(*_COLUMNS).where(_waiting(ctx))
    if kind:
        query = query.where(Proposal.kind == kind)
    query = query.order_by(Proposal.id).limit(per_page).offset((page - 1) * per_page)
    rows = [_Row(*r) for r in ctx.rows(query)]
    states = read_states(ctx, [r.person_id for r in rows if r.person_id is not None])
    items = [_out(ctx, r, states.get(r.person_id) if r.person_id else None) for r in rows]
    pages = max(1, -(-total // per_page))
    return ReviewPage(items, total, page, per_page, pages, kinds)


def _source(row: _Row) -> str:
    where = f"{row.source_name} ({row.source_format})" if row.source_name else row.source_format
    return f"{where}, line {row.line}" if row.line else where


def _out(ctx: Ctx, row: _Row, state: PersonState | None) -> ProposalOut:
    contact = contact_from_json(ctx, row.record, row.line)
    changes: list[FieldChange] = []
    if state is not None:
        patch = changes_for(contact, state)
        changes = field_changes(state, patch) if patch is not None else []
    return ProposalOut(
        id=row.id,
        kind=row.kind,
        evidence=row.evidence,
        name=contact.record.name,
        person_id=row.person_id if state is not None else None,
        person_name=state.full_name if state is not None else row.person_name,
        source=_source(row),
        source_name=row.source_name,
        source_format=row.source_format,
        line=row.line,
        created_at=row.created_at,
        changes=changes,
        gone=state is None,
    )


def _pending(ctx: Ctx, ids: Sequence[int]) -> list[_Row]:
    """The waiting proposals `ids`, in that order; NotFound naming the first that is
    not one."""
    if not ids:
        raise Invalid("id", "give the number of a proposal (see `rapport review`)")
    unique = list(dict.fromkeys(ids))
    found = {
        r.id: r
        for r in (
            _Row(*row)
            for part in chunks(unique)
            for row in ctx.rows(select(*_COLUMNS).where(_waiting(ctx), Proposal.id.in_(part)))
        )
    }
    for pid in unique:
        if pid not in found:
            raise NotFound(
                f"there is no proposal #{pid} waiting for review "
                "(decided already, or never made: `rapport review` lists them)"
            )
    return [found[i] for i in unique]


def _all_of(ctx: Ctx, kind: str) -> list[_Row]:
    check_kind(kind)
    query = select(*_COLUMNS).where(_waiting(ctx), Proposal.kind == kind).order_by(Proposal.id)
    return [_Row(*r) for r in ctx.rows(query)]


def _decide(ctx: Ctx, decisions: Sequence[tuple[int, str]]) -> None:
    if not decisions:
        return
    now = ctx.now()
    ctx.session.connection().execute(
        update(Proposal)
        .where(Proposal.id == bindparam("pid"))
        .values(decision=bindparam("decision"), decided_at=now),
        [{"pid": i, "decision": d} for i, d in decisions],
    )


def _noun(n: int) -> str:
    return "1 proposal" if n == 1 else f"{n} proposals"


def accept(ctx: Ctx, ids: Sequence[int]) -> ReviewOutcome:
    """Apply the records of the proposals `ids` to their people, as an import update."""
    rows = _pending(ctx, ids)
    ctx.journal("review", f"Accepted {_describe(rows)}")
    return _accept(ctx, rows)


def accept_all(ctx: Ctx, kind: str) -> ReviewOutcome:
    """Accept every waiting proposal of `kind`."""
    rows = _all_of(ctx, kind)
    ctx.journal("review", f"Accepted all {_noun(len(rows))} of kind {kind}")
    return _accept(ctx, rows)


def separate(ctx: Ctx, ids: Sequence[int]) -> ReviewOutcome:
    """Add the records of the proposals `ids` as new people (they are not who they
    were proposed for)."""
    rows = _pending(ctx, ids)
    ctx.journal("review", f"Kept separate: {_describe(rows)}")
    return _separate(ctx, rows)


def separate_all(ctx: Ctx, kind: str) -> ReviewOutcome:
    """Keep every waiting proposal of `kind` separate."""
    rows = _all_of(ctx, kind)
    ctx.journal("review", f"Kept separate all {_noun(len(rows))} of kind {kind}")
    return _separate(ctx, rows)


def _describe(rows: Sequence[_Row]) -> str:
    if len(rows) == 1:
        row = rows[0]
        return f"{row.record.get('full_name') or row.person_name} ({_source(row)})"
    return _noun(len(rows))


def _accept(ctx: Ctx, rows: Sequence[_Row]) -> ReviewOutcome:
    outcome = ReviewOutcome()
    remaining = list(rows)
    while remaining:  # one proposal per person at a time, in the order they came
        batch: list[_Row] = []
        later: list[_Row] = []
        seen: set[int | None] = set()
        for row in remaining:
            (later if row.person_id is not None and row.person_id in seen else batch).append(row)
            seen.add(row.person_id)
        for part in chunks(batch):
            _accept_batch(ctx, part, outcome)
        remaining = later
    updated = outcome.accepted - outcome.unchanged
    parts = [f"{updated} {'person' if updated == 1 else 'people'} updated"]
    if outcome.unchanged:
        parts.append(f"{outcome.unchanged} already up to date")
    if outcome.dropped:
        parts.append(f"{len(outcome.dropped)} dropped (the person is gone)")
    outcome.message = f"Accepted {_noun(outcome.accepted + len(outcome.dropped))}: " + ", ".join(
        parts
    )
    return outcome


def _accept_batch(ctx: Ctx, rows: Sequence[_Row], outcome: ReviewOutcome) -> None:
    states = read_states(ctx, [r.person_id for r in rows if r.person_id is not None])
    # per source format (kept on the roles an update starts); a change's `line` holds
    # the proposal's number, so a refusal names it
    pending: dict[str, list[bulk_update.Change]] = defaultdict(list)
    decisions: list[tuple[int, str]] = []
    accepted: list[Contact] = []  # their role's start date is applied after the updates
    for row in rows:
        state = states.get(row.person_id) if row.person_id is not None else None
        if state is None or state.id is None:
            outcome.dropped.append(
                f"#{row.id}: {row.person_name} is no longer in your network (deleted or merged "
                f"since the import of {_source(row)}); the proposal was dropped"
            )
            decisions.append((row.id, "dropped"))
            continue
        contact: Contact = contact_from_json(ctx, row.record, row.line)
        contact.person_id = state.id
        accepted.append(contact)
        patch = changes_for(contact, state)
        decisions.append((row.id, "accepted"))
        outcome.accepted += 1
        if patch is None:
            outcome.unchanged += 1
        else:
            pending[row.source_format].append(bulk_update.Change(state.id, row.id, patch))
    touched: list[int] = []
    refused: set[int] = set()
    for fmt, changes in pending.items():
        result = bulk_update.apply(ctx, changes, states, fmt)
        touched.extend(c.person_id for c in result.applied)
        outcome.unchanged += len(result.unchanged)
        for skipped in result.skipped:
            outcome.problems.append(f"#{skipped.line}: {skipped.reason} (left waiting)")
            outcome.accepted -= 1
            refused.add(skipped.line or 0)
    replace_people(ctx.session, ctx.workspace_id, touched)
    role_dates.apply(ctx, accepted)
    outcome.person_ids.extend(touched)
    _decide(ctx, [d for d in decisions if d[0] not in refused])


def _separate(ctx: Ctx, rows: Sequence[_Row]) -> ReviewOutcome:
    outcome = ReviewOutcome()
    by_source: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_source[row.source_format].append(row)
    for fmt, group in by_source.items():
        for part in chunks(group):
            contacts = [contact_from_json(ctx, r.record, r.line) for r in part]
            outcome.person_ids.extend(contact_creation.create(ctx, contacts, fmt))
            role_dates.apply(ctx, contacts)
    outcome.separated = len(rows)
    _decide(ctx, [(r.id, "separate") for r in rows])
    noun = "1 new person" if len(rows) == 1 else f"{len(rows)} new people"
    outcome.message = f"Kept separate: {noun} added"
    return outcome
