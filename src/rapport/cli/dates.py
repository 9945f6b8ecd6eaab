"""`rapport settings dates`, and reading the dates typed on the command line in the
workspace's order, saying one back in words when another order reads it otherwise."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, error_line, say

if TYPE_CHECKING:
    from rapport.domain.dates import Prefer
    from rapport.services.context import Ctx
    from rapport.services.date_order import Typed


def echo(typed: Typed | None) -> None:
    """'due: 12 October 2026 (read from 12/10 …)' on stderr (stdout may be JSON)."""
    if typed is not None:
        typer.echo(
            error_line(
                f"{typed.field}: {typed.words} (read from {typed.text!r}; "
                "rapport settings dates to change the order)"
            ),
            err=True,
        )


def day(ctx: Ctx, text: str, *, field: str = "date", prefer: Prefer = "past") -> dt.date:
    """The day `text` names, in the workspace's order, echoed if it could be misread."""
    from rapport.services import date_order

    found, typed = date_order.day(ctx, text, field=field, prefer=prefer)
    echo(typed)
    return found


def moment(ctx: Ctx, text: str, *, field: str = "when") -> dt.datetime:
    from rapport.services import date_order

    found, typed = date_order.moment(ctx, text, field=field)
    echo(typed)
    return found


def settings_dates(
    order: str = typer.Option(
        None,
        "--order",
        help="DMY (12/10/1985 is 12 October), MDY (December 10), YMD (1985/10/12), "
        "or auto: as your time zone's country writes dates.",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Show or set the order typed dates like 12/10/1985 are read in."""
    from rapport.cli.runtime import session
    from rapport.services import date_order

    with session(write=order is not None) as ctx:
        view = date_order.choose(ctx, order) if order is not None else date_order.describe(ctx)
    setting = "auto (from the time zone)" if view.setting == "auto" else view.setting
    emit(
        view,
        as_json,
        lambda: say(f"Date order: {setting}. {view.says}"),
    )


def register() -> None:
    from rapport.cli.digest import settings_app

    settings_app.command("dates")(settings_dates)
