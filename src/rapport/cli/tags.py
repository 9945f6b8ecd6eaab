"""`rapport tags`: the network's tags with how many people carry each; rename,
merge and delete one everywhere at once (each undoable with `rapport undo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    from rapport.services.tags import TagChange, TagOut

tags_app = typer.Typer(help="Your tags: list, rename, merge and delete them everywhere.")
TagArgument = typer.Argument(..., help="The tag, with or without '#'.")


@tags_app.callback(invoke_without_command=True)
def listing(context: typer.Context, as_json: bool = JsonOption) -> None:
    """List the tags, the most carried first."""
    if context.invoked_subcommand is not None:
        return
    from rapport.cli.runtime import session
    from rapport.services import tags

    with session() as ctx:
        found = tags.listing(ctx)
    emit(found, as_json, lambda: _render(found))


def _render(found: list[TagOut]) -> None:
    if not found:
        say("No tags yet: rapport person edit NAME --tag investor")
        return
    table(None, ["tag", "people"], [[f"#{t.name}", t.people] for t in found])


def _said(change: TagChange) -> None:
    say(change.message[0].upper() + change.message[1:] + ". Undo with `rapport undo`.")


@tags_app.command("rename")
def rename(
    old: str = TagArgument,
    new: str = typer.Argument(..., help="The new name (an existing tag's: the two merge)."),
    as_json: bool = JsonOption,
) -> None:
    """Rename a tag on everyone who has it."""
    from rapport.cli.runtime import session
    from rapport.services import tags

    with session(write=True) as ctx:
        change = tags.rename(ctx, old, new)
    emit(change, as_json, lambda: _said(change))


@tags_app.command("merge")
def merge(
    old: str = TagArgument,
    into: str = typer.Argument(..., help="The tag they all get instead."),
    as_json: bool = JsonOption,
) -> None:
    """Give everyone tagged OLD the tag INTO instead, and drop OLD."""
    from rapport.cli.runtime import session
    from rapport.services import tags

    with session(write=True) as ctx:
        change = tags.merge(ctx, old, into)
    emit(change, as_json, lambda: _said(change))


@tags_app.command("delete")
def delete(tag: str = TagArgument, as_json: bool = JsonOption) -> None:
    """Take a tag off everyone and forget it (the people stay)."""
    from rapport.cli.runtime import session
    from rapport.services import tags

    with session(write=True) as ctx:
        change = tags.delete_tag(ctx, tag)
    emit(change, as_json, lambda: _said(change))


def register(app: typer.Typer) -> None:
    app.add_typer(tags_app, name="tags")
