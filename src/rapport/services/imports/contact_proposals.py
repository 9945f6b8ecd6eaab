"""Contacts matched to someone by name alone (or by a phone a differently named
person has) go to the review queue instead of being applied (`services.review`
decides them). A proposal that would change nothing is just "unchanged"; one the
queue already holds (the same person, the same record: a file imported again) is
not added twice, whether it waits or was decided; a newer record for the same
person from the same kind of export supersedes the one waiting. Proposals are written with one
executemany, so a large file stays fast. The kinds are `domain.review.KINDS`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update

from rapport.domain.names import fold
from rapport.domain.person_patch import PersonState
from rapport.services.context import Ctx
from rapport.services.imports.contact_records import (
    Contact,
    ContactResult,
    clip,
    record_digest,
    record_json,
    url_key,
)
from rapport.services.imports.contact_updates import changes_for
from rapport.services.person_state import read_states
from rapport.storage.schema import Proposal

CHUNK = 2000


def kind_and_evidence(contact: Contact, state: PersonState) -> tuple[str, str]:
    """Which kind of proposal the contact makes for `state`, and why, in words."""
    rec = contact.record
    if contact.shared_phone:
        return "shared-phone", (
            f"the phone {contact.shared_phone} is {state.full_name}'s, "
            f"but this record is named {rec.name}"
        )
    org = rec.organization or ""
    if org.strip() and fold(org) == fold(state.organization or ""):
        return "same-name-org", (
            f"the same name and organization ({state.full_name}, {state.organization}); "
            "no email, phone or profile in common"
        )
    return "same-name", f"the same name ({state.full_name}); no email, phone or profile in common"


def keep(ctx: Ctx, contacts: Sequence[Contact], fmt: str, name: str, result: ContactResult) -> None:
    """Put the proposals `contacts` make into the review queue (or count them
    unchanged), in the caller's transaction."""
    ids = list(dict.fromkeys(c.proposed_for for c in contacts if c.proposed_for is not None))
    states = read_states(ctx, ids)
    known: set[tuple[int | None, str]] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        known.update(
            (pid, digest)
            for pid, digest in ctx.rows(
                select(Proposal.person_id, Proposal.digest).where(
                    Proposal.workspace_id == ctx.workspace_id, Proposal.person_id.in_(chunk)
                )
            )
        )
    now = ctx.now()
    rows: list[dict[str, Any]] = []
    for contact in contacts:
        pid = contact.proposed_for
        state = states.get(pid) if pid is not None else None
        if state is None or changes_for(contact, state) is None:
            result.unchanged += 1
            continue
        data = record_json(contact)
        digest = record_digest(data)
        if (pid, digest) in known:
            result.unchanged += 1  # already in the queue (or decided): the same file again
            continue
        known.add((pid, digest))
        kind, evidence = kind_and_evidence(contact, state)
        rows.append(
            {
                "workspace_id": ctx.workspace_id,
                "person_id": pid,
                "person_name": clip(state.full_name, 300) or "?",
                "kind": kind,
                "evidence": clip(evidence, 500) or kind,
                "record": data,
                "digest": digest,
                "source_format": fmt[:32],
                "source_name": name.replace("\\", "/").rsplit("/", 1)[-1][:500],  # no folders
                "line": contact.lines[0],
                "created_at": now,
            }
        )
    if rows:
        _supersede(ctx, rows)
        # Core executemany: one statement, however many proposals
        ctx.session.connection().execute(insert(Proposal), rows)
    result.proposed += len(rows)


def _identity(record: dict[str, Any]) -> set[str]:
    """What tells one record's person from another's across exports: its profile
    links, else its folded name."""
    urls = {url_key(u) for u in record.get("urls") or ()}
    return urls or {"name:" + fold(str(record.get("full_name") or ""))}


def _supersede(ctx: Ctx, rows: Sequence[dict[str, Any]]) -> None:
    """A newer export's record for someone replaces the one an earlier import left
    waiting for them (same person, same source format, same profile or name): the
    queue then holds only the newest, so accepting never brings back an older role."""
    new: dict[tuple[int, str], list[set[str]]] = {}
    for row in rows:
        new.setdefault((row["person_id"], row["source_format"]), []).append(
            _identity(row["record"])
        )
    ids = list({pid for pid, _ in new})
    older: list[int] = []
    for start in range(0, len(ids), CHUNK):
        for pid, fmt, proposal_id, record in ctx.rows(
            select(Proposal.person_id, Proposal.source_format, Proposal.id, Proposal.record).where(
                Proposal.workspace_id == ctx.workspace_id,
                Proposal.person_id.in_(ids[start : start + CHUNK]),
                Proposal.decision.is_(None),
            )
        ):
            mine = _identity(record)
            if any(mine & theirs for theirs in new.get((pid, fmt), ())):
                older.append(proposal_id)
    for start in range(0, len(older), CHUNK):
        ctx.session.execute(
            update(Proposal)
            .where(Proposal.id.in_(older[start : start + CHUNK]))
            .values(decision="superseded", decided_at=ctx.now())
        )
