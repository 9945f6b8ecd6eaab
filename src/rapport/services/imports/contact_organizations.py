"""Organisation cards (vCard `KIND:org`, Apple's company cards) into organizations,
never people: each is matched by its folded name or created, in bulk. An
organisation already there is left as it is, so importing again changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rapport.adapters.records import ContactRecord, Skipped
from rapport.domain.names import fold
from rapport.services.context import Ctx
from rapport.services.imports.contact_records import ContactResult, clip
from rapport.services.person_writer import add_organizations, find_organizations


def _row(rec: ContactRecord, name: str) -> dict[str, Any]:
    # the one column of each kind Rapport keeps for an organisation; every row has
    # every key (one executemany statement)
    website = next((u.strip() for u in rec.urls if u.strip()), None)
    if website and "://" not in website:
        website = "https://" + website
    return {"name": name, "website": clip(website, 500), "notes": clip(rec.notes, 1_000_000)}


def load(ctx: Ctx, records: Sequence[ContactRecord], result: ContactResult) -> None:
    """Find or create the organizations `records` describe, counting the new ones in
    `result.organizations_created`."""
    wanted: dict[str, tuple[str, ContactRecord]] = {}
    for rec in records:
        name = clip(rec.organization or rec.name, 300)
        if name is None:
            result.skipped.append(Skipped(rec.line, "an organisation card without a name"))
            continue
        _, first = wanted.setdefault(fold(name), (name, rec))
        if first is not rec:
            reason = f"same organisation as line {first.line}"
            result.ignored.append(Skipped(rec.line, reason, invalid=False))
    stored = find_organizations(ctx, list(wanted))
    rows = [_row(rec, name) for key, (name, rec) in wanted.items() if key not in stored]
    result.organizations_created += len(add_organizations(ctx, rows))
