"""`rapport who`: "who do I know who…", by meaning and keywords."""

from __future__ import annotations

import typer

from rapport.cli.output import JsonOption, emit, say, table


def who(
    question: str = typer.Argument(
        ..., help='What you remember of them, in your words: "works on climate tech in Lisbon".'
    ),
    limit: int = typer.Option(10, "--limit", help="How many people to show (1–100)."),
    as_json: bool = JsonOption,
) -> None:
    """Who do I know who…: the people who best answer a question, by meaning and
    keywords, each with the reason (meaning needs the optional rapport[semantic])."""
    from rapport.cli.runtime import rapport
    from rapport.services import semantic

    found = semantic.who(rapport(), question, limit=limit)

    def render() -> None:
        if found.results:
            table(
                None,
                ["#", "name", "role", "why"],
                [[h.person_id, h.name, h.detail, h.reason] for h in found.results],
            )
        else:
            say(f"No one you know matches {question!r}.")
        for note in found.notes:
            say(note)

    emit(found, as_json, render)


def register(app: typer.Typer) -> None:
    app.command("who")(who)
