"""The `rapport` command line: thin commands over the services.

Only Typer is imported at start-up; each command imports the services it needs, so
`rapport --help` stays fast."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from rapport.cli.output import error_line
from rapport.errors import RapportError


class _Group(TyperGroup):
    """Turns every RapportError into one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except RapportError as exc:
            typer.echo("error: " + error_line(str(exc)), err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted: nothing was saved from the unfinished step", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if os.environ.get("RAPPORT_DEBUG"):
                raise
            if type(exc).__module__.startswith("typer") or type(exc).__name__ in (
                "UsageError",
                "BadParameter",
                "NoSuchOption",
                "MissingParameter",
            ):
                raise
            typer.echo(
                f"error: unexpected {type(exc).__name__}: {error_line(str(exc))} "
                "(nothing was saved; set RAPPORT_DEBUG=1 to see where)",
                err=True,
            )
            raise typer.Exit(70) from None


app = typer.Typer(
    cls=_Group,
    name="rapport",
    help="Rapport: remember every person and conversation; know whom to reach out to today.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _register() -> None:
    from rapport.cli import (
        accounts,
        admin,
        agenda,
        correspondents,
        dates,
        digest,
        events,
        favours,
        fields,
        history,
        io,
        lists,
        log,
        mcp,
        mentoring,
        milestones,
        organizations,
        paths,
        people,
        promises,
        review,
        tags,
        web,
        who,
    )

    # the order `rapport --help` lists them in
    people.register(app)
    tags.register(app)
    lists.register(app)
    fields.register(app)
    organizations.register(app)
    log.register(app)
    promises.register(app)
    favours.register(app)
    milestones.register(app)
    mentoring.register(app)
    events.register(app)
    agenda.register(app)
    who.register(app)
    paths.register(app)
    admin.register(app)
    digest.register(app)
    dates.register()
    io.register(app)
    review.register(app)
    correspondents.register(app)
    history.register(app)
    accounts.register(app)
    web.register(app)
    mcp.register(app)


_register()
_command: Any = None


def command() -> Any:
    """The Click command Typer builds from `app`: built once per process (a fifth of
    a command's time otherwise), so that the warm process (`rapport.launcher`) builds
    it before it forks."""
    global _command
    if _command is None:
        _command = typer.main.get_command(app)
    return _command


def main(prog_name: str | None = None) -> None:
    """Run the command in `sys.argv`; `prog_name` is the name its help shows (by
    default the one it was started by)."""
    try:
        command()(prog_name=prog_name)
    except RapportError as exc:  # raised outside a command (e.g. opening the database)
        print("error: " + error_line(str(exc)), file=sys.stderr)
        sys.exit(exc.exit_code)
