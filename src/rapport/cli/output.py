"""Printing results: a Rich table for people, JSON for programs (`--json`).

Everything the CLI prints goes through `console()` or `emit_json`, and both show a
control character stored in a name or a note (an ESC beginning a colour or a
window-title sequence, from an imported vCard or mail) as a visible sign: stored
text never drives the terminal. Rich's own styling is added after, so it stays."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer

from rapport.domain.text import visible_controls

JsonOption = typer.Option(False, "--json", help="Print JSON instead of a table.")


_rendering: list[Any] = []  # the console of the render `emit` is running, if any


def console() -> Any:
    if _rendering:
        return _rendering[-1]
    from rich.console import Console

    class SafeConsole(Console):
        # every str printed, table cells and titles included, becomes Text here
        def render_str(self, text: str, **kwargs: Any) -> Any:
            return super().render_str(visible_controls(text), **kwargs)

    return SafeConsole(highlight=False, soft_wrap=False)


# json.dumps escapes C0 controls; with ensure_ascii=False it writes DEL and the C1
# controls (U+009B is a CSI to a terminal) as they are: escape those too
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")


def emit_json(data: Any) -> None:
    from rapport.domain.records import to_jsonable

    text = json.dumps(to_jsonable(data), indent=2, ensure_ascii=False)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def plain(text: str) -> None:
    """Print `text` as it is (no markup), its control characters made visible."""
    if _rendering:  # in its place among what the render prints, as it is
        _rendering[-1].print(_Verbatim(visible_controls(text)), end="", crop=False)
        return
    sys.stdout.write(visible_controls(text))


class _Verbatim:
    """Text Rich writes as it is: no markup, wrapping, cropping or tab expansion."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, _console: Any, _options: Any) -> Any:
        from rich.segment import Segment

        yield Segment(self.text)


def error_line(message: str) -> str:
    """One line for stderr: `message` with its control characters made visible."""
    return visible_controls(message).replace("\n", " ")


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from rich.table import Table

    cells = [[cell_text(c) for c in row] for row in rows]
    # a column empty in every row gives its room to the others (the JSON keeps it)
    shown = [i for i in range(len(columns)) if not cells or any(r[i] for r in cells)]
    t = Table(title=title, show_lines=False, title_justify="left")
    for i in shown:
        # wrapped at spaces; a word longer than its column ends in "…", never broken
        t.add_column(columns[i], overflow="ellipsis")
    for row in cells:
        t.add_row(*(row[i] for i in shown))
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
        return
    # one console, its output written once at the end: Rich writes and flushes after
    # every print otherwise, which costs as much as the rendering (the agenda's 200
    # lines: 0.2 s instead of 0.1 s)
    out = console()
    _rendering.append(out)
    try:
        with out:
            render()
    finally:
        _rendering.pop()
