"""The agenda as last shown on each interface, so that a number the user types next
(`rapport done 2`) means the entry they saw at #2, whatever was answered since."""

from __future__ import annotations

from typing import Final

from sqlalchemy import select

from rapport.domain.agenda.references import Listing, Shown
from rapport.domain.records import Agenda
from rapport.errors import Invalid
from rapport.services.context import Ctx
from rapport.storage.schema import AgendaListing

INTERFACES: Final = ("cli", "api", "web", "mcp")


def _checked(interface: str) -> str:
    if interface not in INTERFACES:
        raise Invalid("interface", f"must be one of: {', '.join(INTERFACES)}")
    return interface


def of(agenda: Agenda) -> Listing:
    """`agenda`'s entries as a listing: who is at each number, with which reasons."""
    return Listing(
        day=agenda.day.isoformat(),
        entries=tuple(
            Shown(e.person_id, e.person, tuple(r.key for r in e.reasons)) for e in agenda.entries
        ),
    )


def remember(ctx: Ctx, interface: str, agenda: Agenda) -> str:
    """Keep `agenda` as the listing `interface` showed last; its fingerprint."""
    listing = of(agenda)
    entries = [
        {"person_id": e.person_id, "person": e.person, "keys": list(e.keys)}
        for e in listing.entries
    ]
    row = ctx.session.get(AgendaListing, (ctx.workspace_id, _checked(interface)))
    if row is None:
        row = AgendaListing(workspace_id=ctx.workspace_id, interface=interface)
        ctx.session.add(row)
    row.day, row.entries, row.digest, row.shown_at = agenda.day, entries, listing.digest, ctx.now()
    ctx.session.flush()
    return listing.digest


def recall(ctx: Ctx, interface: str) -> Listing | None:
    """The listing `interface` showed last, if any (whatever its day)."""
    row = ctx.session.scalar(
        select(AgendaListing).where(
            AgendaListing.workspace_id == ctx.workspace_id,
            AgendaListing.interface == _checked(interface),
        )
    )
    if row is None:
        return None
    shown = []
    for entry in row.entries or []:
        try:
            shown.append(
                Shown(int(entry["person_id"]), str(entry["person"]), tuple(map(str, entry["keys"])))
            )
        except (KeyError, TypeError, ValueError):
            return None  # not written by this version (a restored backup): as never shown
    return Listing(day=row.day.isoformat(), entries=tuple(shown))
