"""`rapport correspondents`: people you exchange email with who are not in your
network, offered by the mail sync once you have written with them often enough."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, say, table
from rapport.domain.counts import counted

if TYPE_CHECKING:
    from rapport.services.correspondents import CorrespondentOut, Decided

correspondents_app = typer.Typer(
    help="People you email with who are not in your network: add them or say not now.",
)
AddressArgument = typer.Argument(..., help="Email addresses, as listed.")


@correspondents_app.callback(invoke_without_command=True)
def listing(context: typer.Context, as_json: bool = JsonOption) -> None:
    """List the addresses offered: three or more exchanges (days of a thread), at least
    one of which you wrote in. Then: `rapport correspondents add ADDR…` or `ignore ADDR…`."""
    if context.invoked_subcommand is not None:
        return
    from rapport.cli.runtime import session
    from rapport.services import correspondents

    with session() as ctx:
        found = correspondents.offered(ctx)
    emit(found, as_json, lambda: _render(found))


def _render(found: list[CorrespondentOut]) -> None:
    if not found:
        say("no one to offer: everyone you write with often is in your network")
        return
    rows = [
        [c.label, c.exchanges, c.written,
         c.last_at.date().isoformat() if c.last_at else "", "; ".join(c.recent)]
        for c in found
    ]  # fmt: skip
    table(
        f"{counted(len(found), 'people')} you write with, not in your network",
        ["who", "exchanges", "you wrote in", "last", "latest subjects"],
        rows,
    )
    say(
        "add: rapport correspondents add ADDR [ADDR…]   not now: rapport correspondents ignore ADDR"
    )


def _said(done: Decided, verb: str) -> None:
    say(f"{verb} {', '.join(done.addresses)}")
    if done.people_created or done.interactions_created or done.interactions_updated:
        say(
            f"  {done.people_created} people added, {done.interactions_created} interactions "
            f"logged, {done.interactions_updated} joined"
        )


@correspondents_app.command("add")
def add(addresses: list[str] = AddressArgument, as_json: bool = JsonOption) -> None:
    """Add each address as a person, with the conversations the sync kept for them."""
    from rapport.cli.runtime import session
    from rapport.services import correspondents

    with session(write=True) as ctx:
        done = correspondents.add(ctx, addresses)
    emit(done, as_json, lambda: _said(done, "added"))


@correspondents_app.command("ignore")
def ignore(addresses: list[str] = AddressArgument, as_json: bool = JsonOption) -> None:
    """Stop offering each address (nothing is added)."""
    from rapport.cli.runtime import session
    from rapport.services import correspondents

    with session(write=True) as ctx:
        done = correspondents.ignore(ctx, addresses)
    emit(done, as_json, lambda: _said(done, "not offered again:"))


def register(app: typer.Typer) -> None:
    app.add_typer(correspondents_app, name="correspondents")
