"""`rapport person bulk ACTION [VALUE]`: the People page's bulk bar on the command
line, on people named by id or chosen with `rapport person list`'s filters."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, emit_json, say, table

if TYPE_CHECKING:
    from rapport.services.bulk_edit import Chosen

ASK_ABOVE = 10  # on a terminal, a change to more people than this is confirmed first
ACTION_HELP = (
    "tag NAME, untag NAME, type TYPE, untype TYPE, cadence DAYS (empty: the type's "
    "default), list NAME, unlist NAME (on or off a hand-picked list), archive, unarchive, "
    "or delete (to the archive: history kept, undoable)."
)


def _ids(text: str | None) -> list[int]:
    from rapport.domain.text import whole_number
    from rapport.errors import Invalid

    found = []
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        number = whole_number(part.lstrip("#"), "ids")
        if number is None:
            raise Invalid("ids", f"{part!r} is not a person's number")
        found.append(number)
    return found


def bulk(
    action: str = typer.Argument(..., help=ACTION_HELP),
    value: str = typer.Argument(None, help="The tag, type, number of days or list."),
    ids: str = typer.Option(None, "--ids", help="People by number: 1,2,3."),
    type_: str = typer.Option(None, "--type", help="Everyone of this relationship type."),
    tag: str = typer.Option(None, "--tag", help="Everyone with this tag."),
    org: str = typer.Option(None, "--org", help="Everyone at this organization (prefix)."),
    list_: str = typer.Option(None, "--list", help="Everyone on this list of yours."),
    field: str = typer.Option(
        None, "--field", help="Everyone with this value of a field of yours: 'Stage=Seed'."
    ),
    archived: bool = typer.Option(
        False, "--archived", help="Choose among archived people (to unarchive them)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List who would change; change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help=f"Do not ask, even for over {ASK_ABOVE}."),
    as_json: bool = JsonOption,
) -> None:
    """Change many people at once: tag, type, rhythm, archive, or delete to the archive.
    `rapport undo` takes the whole change back."""
    from rapport.cli.runtime import session
    from rapport.errors import Invalid
    from rapport.services import bulk_edit

    if action not in bulk_edit.ACTIONS or action == "cadence-each":
        raise Invalid("action", f"{action!r} is not one of: {ACTION_HELP}")
    wanted = _ids(ids)
    with session() as ctx:
        chosen = bulk_edit.choose(
            ctx,
            wanted,
            type_=type_,
            tag=tag,
            organization=org,
            field=field,
            archived=archived,
            list_=list_,
        )
    if dry_run or not chosen:
        emit(
            {"action": action, "value": value, "people": chosen, "dry_run": True},
            as_json,
            lambda: _would(action, value, chosen),
        )
        return
    if len(chosen) > ASK_ABOVE and not yes and not as_json and on_a_terminal():
        typer.confirm(f"{_label(action, value)} on {len(chosen)} people?", abort=True)
    with session(write=True) as ctx:
        result = bulk_edit.apply(ctx, [p.id for p in chosen], action, value)
    if as_json:
        emit_json(result)
        return
    say(result.message[:1].upper() + result.message[1:] + ".")
    if result.changed:
        say("Undo with `rapport undo`.")


def on_a_terminal() -> bool:
    """Whether a person is at the keyboard to answer (a script is not asked)."""
    return sys.stdin.isatty()


def _label(action: str, value: str | None) -> str:
    return f"{action} {value}" if value else action


def _would(action: str, value: str | None, chosen: list[Chosen]) -> None:
    if not chosen:
        say("Nobody matches: nothing to change.")
        return
    n = len(chosen)
    say(f"{_label(action, value)} would apply to {n} {'person' if n == 1 else 'people'}:")
    table(
        None,
        ["#", "name"],
        [[p.id, p.name] for p in chosen],
    )
