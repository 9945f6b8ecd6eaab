"""Search over people, organizations and conversations."""

from __future__ import annotations

from sqlalchemy import select

from rapport.domain.records import SearchResult
from rapport.services import interactions
from rapport.services.context import Ctx
from rapport.storage import search
from rapport.storage.schema import Interaction, Organization, Person


def find(ctx: Ctx, query: str, *, limit: int = 20) -> list[SearchResult]:
    """People, organizations and interactions matching every word of `query`
    (prefixes allowed), people and organizations first."""
    hits = search.find(ctx.session, ctx.workspace_id, query, limit=limit)
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.ref_id)
    found: dict[tuple[str, int], SearchResult] = {}
    if ids := by_kind.get("person"):
        for pid, name, org, title in ctx.session.execute(
            select(Person.id, Person.full_name, Organization.name, Person.title)
            .outerjoin(Organization, Organization.id == Person.organization_id)
            .where(Person.id.in_(ids))
        ):
            detail = " at ".join(p for p in (title, org) if p)
            found[("person", pid)] = SearchResult("person", pid, name, detail, [pid])
    if ids := by_kind.get("organization"):
        for oid, name, industry in ctx.session.execute(
            select(Organization.id, Organization.name, Organization.industry).where(
                Organization.id.in_(ids)
            )
        ):
            found[("organization", oid)] = SearchResult(
                "organization", oid, name, industry or "", []
            )
    if ids := by_kind.get("interaction"):
        rows = list(ctx.session.scalars(select(Interaction).where(Interaction.id.in_(ids))))
        for i in interactions.outs(ctx, rows):
            when = i.occurred_at.astimezone(ctx.tz).date().isoformat()
            detail = f"{i.kind} on {when} with {', '.join(i.participants)}"
            found[("interaction", i.id)] = SearchResult(
                "interaction", i.id, i.summary or i.kind, detail, i.participant_ids
            )
    order = {"person": 0, "organization": 1, "interaction": 2}
    ranked = [found[(h.kind, h.ref_id)] for h in hits if (h.kind, h.ref_id) in found]
    return sorted(ranked, key=lambda r: order.get(r.kind, 3))
