"""The CLI reference (docs/cli.md), generated from the commands' own help so it
cannot drift: `python -m rapport.cli.cli_docs > docs/cli.md`."""

from __future__ import annotations

from typing import Any

import typer


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = [(path, command)]
    for name in sorted(getattr(command, "commands", {}) or {}):
        found += _walk(command.commands[name], [*path, name])
    return found


def render() -> str:
    """Markdown with every command's usage and help, in command order."""
    from typer.main import get_command

    from rapport.cli import app

    root = get_command(app)
    lines = [
        "# CLI reference",
        "",
        "Generated from `rapport --help` by `python -m rapport.cli.cli_docs > docs/cli.md`;",
        "a test fails when this file is out of date.",
        "",
    ]
    for path, command in _walk(root, ["rapport"]):
        if getattr(command, "hidden", False):
            continue
        ctx = typer.Context(
            command, info_name=" ".join(path), terminal_width=100, max_content_width=100
        )
        lines += [f"## {' '.join(path)}", "", "```", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render())
