"""Printing results: a Rich table for people, JSON for programs (`--json`)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer

JsonOption = typer.Option(False, "--json", help="Print JSON instead of a table.")


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def emit_json(data: Any) -> None:
    from rapport.domain.records import to_jsonable

    sys.stdout.write(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from rich.table import Table

    t = Table(title=title, show_lines=False, title_justify="left")
    for column in columns:
        t.add_column(column, overflow="fold")
    for row in rows:
        t.add_row(*(cell_text(c) for c in row))
    console().print(t)


def cell_text(value: Any) -> str:
    from rich.markup import escape

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


def say(message: str) -> None:
    from rich.markup import escape

    console().print(escape(message))


def emit(data: Any, as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        emit_json(data)
    else:
        render()
