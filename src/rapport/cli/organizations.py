"""`rapport org`: the network's organisations with the people there now and before;
one organisation's page ("who do I know at Acme"); two spellings merged into one
(undoable with `rapport undo`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    from rapport.services.organizations import (
        Member,
        OrganizationChange,
        OrganizationOut,
        OrganizationProfile,
    )

org_app = typer.Typer(
    help="Your organisations: list them, see who you know at one, edit one (its details "
    "and your fields), merge two."
)
OrgArgument = typer.Argument(..., help="The organisation: its name, a prefix of it, or #id.")


def _day(at: dt.datetime | None) -> str:
    return at.date().isoformat() if at else "never"


@org_app.command("list")
def listing(as_json: bool = JsonOption) -> None:
    """List the organisations, the most people there now first."""
    from rapport.cli.runtime import session
    from rapport.services import organizations

    with session() as ctx:
        found = organizations.listing(ctx)
    emit(found, as_json, lambda: _render_list(found))


def _render_list(found: list[OrganizationOut]) -> None:
    if not found:
        say("No organisations yet: rapport person edit NAME --org Acme")
        return
    rows = [
        [f"#{o.id}", o.name, o.people_now, o.people_before, _day(o.last_contact_at)] for o in found
    ]
    table(None, ["id", "organisation", "now", "before", "last contact"], rows)


@org_app.command("show")
def show(organization: str = OrgArgument, as_json: bool = JsonOption) -> None:
    """Who you know at an organisation: there now, then before, with health and last
    contact; the relationship's health; the latest conversations."""
    from rapport.cli.runtime import session
    from rapport.services import organizations

    with session() as ctx:
        found = organizations.profile(ctx, organization)
    emit(found, as_json, lambda: _render_profile(found))


def _members(title: str, members: list[Member], *, before: bool) -> None:
    columns = ["person", "title", "health", "last contact"] + (["left"] if before else [])
    rows = [
        [m.name, m.title or "", m.health, _day(m.last_contact_at)]
        + ([m.left_on.isoformat() if m.left_on else ""] if before else [])
        for m in members
    ]
    table(title, columns, rows)


def _render_profile(p: OrganizationProfile) -> None:
    o = p.organization
    health = f"health {p.health}" if p.health is not None else "no one there now"
    say(f"{o.name} (#{o.id}): {health}")
    for extra in (o.industry, o.website):
        if extra:
            say(f"  {extra}")
    for name, value in p.fields.items():
        say(f"  {name}: {value}")
    if p.now:
        _members("There now", p.now, before=False)
    if p.before:
        _members("There before", p.before, before=True)
    if not p.now and not p.before:
        say("You know no one there yet.")
    if p.conversations:
        rows = [
            [c.occurred_at.date().isoformat(), ", ".join(c.participants), c.summary]
            for c in p.conversations
        ]
        table(f"Conversations ({p.conversation_count})", ["when", "with", "summary"], rows)


@org_app.command("edit")
def edit(
    organization: str = OrgArgument,
    industry: str = typer.Option(None, "--industry", help='What it does, e.g. "Fintech".'),
    website: str = typer.Option(None, "--website", help="Its web address, e.g. acme.com."),
    notes: str = typer.Option(None, "--notes", help="What you want to remember about it."),
    field: list[str] = typer.Option(
        None, "--field", help="A field of your own, NAME=VALUE (repeatable; NAME= clears it)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Correct an organisation's industry, website or notes ("" clears one), or set its
    fields of your own (see `rapport field add --for organizations`); undo: `rapport
    undo`."""
    from rapport.cli.runtime import session
    from rapport.errors import Invalid
    from rapport.services import custom_fields, organizations

    details_given = not (industry is None and website is None and notes is None)
    if not details_given and not field:
        raise Invalid("edit", "give --industry, --website, --notes or --field NAME=VALUE")
    values = custom_fields.parse_assignments(field) if field else None
    with session(write=True) as ctx:
        if details_given:
            details = organizations.OrganizationDetails(industry, website, notes)
            found = organizations.edit(ctx, organization, details)
        if values is not None:
            found = organizations.edit_fields(ctx, organization, values)
    emit(found, as_json, lambda: _edited(found))


def _edited(p: OrganizationProfile) -> None:
    o = p.organization
    say(f"Saved {o.name} (#{o.id}). Undo with `rapport undo`.")
    for label, value in (("industry", o.industry), ("website", o.website), ("notes", p.notes)):
        say(f"  {label}: {value or '(none)'}")


@org_app.command("merge")
def merge(
    organization: str = OrgArgument,
    into: str = typer.Argument(..., help="The organisation they all belong to instead."),
    as_json: bool = JsonOption,
) -> None:
    """Merge ORGANIZATION into INTO (two spellings of one): its people and roles move,
    and ORGANIZATION is deleted."""
    from rapport.cli.runtime import session
    from rapport.services import organizations

    with session(write=True) as ctx:
        change = organizations.merge(ctx, organization, into)
    emit(change, as_json, lambda: _said(change))


def _said(change: OrganizationChange) -> None:
    say(change.message[0].upper() + change.message[1:] + ". Undo with `rapport undo`.")


def register(app: typer.Typer) -> None:
    app.add_typer(org_app, name="org")
