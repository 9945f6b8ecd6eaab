"""Contacts into the network: organisation cards become organizations
(`contact_organizations`); each other record is matched to a person already there
(`contact_matching`) by a key it shares with them, the rest created in bulk
(`contact_creation`) and what changed updated (`contact_updates`). A match on the
name alone is never applied: it goes to the review queue (`contact_proposals`).

Speed matters (a 30,000-row LinkedIn export should take seconds): who exists is
read in a few queries up front, new people are inserted with executemany in chunks,
and search documents are built for many people at once. Updates follow the rules of
`people.change` (a new organization or title becomes role history) but are written
in bulk by `bulk_update`, planned by the one rule (`domain.person_patch.plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapport.adapters.records import ContactRecord
from rapport.services.context import Ctx
from rapport.services.imports import (
    contact_creation,
    contact_fields,
    contact_organizations,
    contact_proposals,
    contact_updates,
    role_dates,
)
from rapport.services.imports.contact_matching import Index, match
from rapport.services.imports.contact_records import ContactResult, normalise
from rapport.services.person_writer import chunks
from rapport.storage.bulk import large_cache

Progress = Callable[[int], None]


def load(
    ctx: Ctx,
    records: Sequence[ContactRecord],
    source: str,
    progress: Progress | None = None,
    name: str = "",
) -> ContactResult:
    """Match, update and create the people and organizations `records` describe, in
    the caller's transaction; keep the name-only matches for review. `source` names
    the format (kept on new roles and proposals), `name` the file."""
    # a large file rewrites pages all over the people, role and search tables: with
    # SQLite's default 2 MB page cache, every page evicted is written again (11 → 7 s
    # for 30,000 LinkedIn rows onto 50,000 people)
    with large_cache(ctx.session.connection()):
        return _load(ctx, records, source, progress, name)


def _load(
    ctx: Ctx, records: Sequence[ContactRecord], source: str, progress: Progress | None, name: str
) -> ContactResult:
    result = ContactResult()
    # organisations first: a person's organization of the same name is then theirs
    organizations = [r for r in records if r.kind == "org"]
    contact_organizations.load(ctx, organizations, result)
    done = len(organizations)
    if progress and done:
        progress(done)
    index = Index(ctx)
    contacts = [normalise(ctx, r, result.warnings) for r in records if r.kind != "org"]
    existing, new, proposed = match(contacts, index, result)
    contact_proposals.keep(ctx, proposed, source, name, result)
    done += sum(len(c.lines) for c in proposed)
    for batch in chunks(list(new.values())):
        ids = contact_creation.create(ctx, batch, source)
        result.created_ids.extend(ids)
        contact_fields.apply(ctx, list(zip(ids, batch, strict=True)), result, fill_only=False)
        done += sum(len(c.lines) for c in batch)
        if progress:
            progress(done)
    result.created = len(result.created_ids)
    for batch in chunks(list(existing.values())):
        contact_updates.update(ctx, batch, source, result)
        known = [(c.person_id, c) for c in batch if c.person_id is not None]
        contact_fields.apply(ctx, known, result, fill_only=True)
        done += sum(len(c.lines) for c in batch)
        if progress:
            progress(done)
    role_dates.apply(ctx, [*new.values(), *existing.values()])
    return result
