"""`rapport history` and `rapport undo`: the journal of actions, and taking one back."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table


def history(
    limit: int = typer.Option(20, "--limit", help="How many entries, newest first."),
    as_json: bool = JsonOption,
) -> None:
    """What was done, newest first: each action, when, and what it changed."""
    from rapport.cli.runtime import session
    from rapport.services import journal

    with session() as ctx:
        rows = journal.history(ctx, limit=limit)

    def render() -> None:
        if not rows:
            say("nothing yet")
            return
        table(
            None,
            ["#", "when", "action", "what", "changed", "undone"],
            [
                [
                    r.id,
                    r.at,
                    r.action,
                    r.summary,
                    r.changed,
                    f"by #{r.undone_by}" if r.undone_by else "",
                ]
                for r in rows
            ],
        )

    emit(rows, as_json, render)


def undo(
    entry_id: int = typer.Argument(
        None, help="The history entry to undo (default: the latest not yet undone)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Undo an action: put back exactly what it replaced."""
    from rapport.cli.runtime import session
    from rapport.services import journal

    with session(write=True) as ctx:
        done = journal.undo(ctx, entry_id)
    emit(done, as_json, lambda: say(f"{done.summary} (#{done.id})"))


def register(app: typer.Typer) -> None:
    app.command("history")(history)
    app.command("undo")(undo)
