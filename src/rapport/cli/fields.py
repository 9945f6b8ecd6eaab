"""`rapport field add|list|rename|options|delete`: fields of your own on people or
organisations (values are set with `--field NAME=VALUE` on `person add|edit` and
`org edit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    from rapport.services.custom_fields import FieldOut

field_app = typer.Typer(
    help="Fields of your own on people or organisations: add, list, rename, delete.",
    no_args_is_help=True,
)
NameArgument = typer.Argument(..., help="The field's name (any case) or #id.")
ForOption = typer.Option("people", "--for", help="people or organizations.")


def _field(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}"


@field_app.command("add")
def add(
    name: str = typer.Argument(..., help="The field's name, e.g. 'Fund size'."),
    type_: str = typer.Option("text", "--type", help="text, number, date, choice or url."),
    options: str = typer.Option(
        None, "--options", help="A choice's options, comma-separated: 'Seed,Series A'."
    ),
    for_: str = ForOption,
    as_json: bool = JsonOption,
) -> None:
    """Define a field of your own."""
    from rapport.cli.runtime import session
    from rapport.domain.custom_fields import parse_target, parse_type, split_options
    from rapport.services import custom_fields

    kind, target = parse_type(type_), parse_target(for_)
    with session(write=True) as ctx:
        found = custom_fields.define(
            ctx, name, kind, options=split_options(options or ""), target=target
        )
    emit(found, as_json, lambda: say(f"added the field {found.name} ({_kind(found)})"))


def _kind(f: FieldOut) -> str:
    chosen = f": {', '.join(f.options)}" if f.options else ""
    return f"{f.type} for {f.applies_to}{chosen}"


@field_app.command("list")
def listing(as_json: bool = JsonOption) -> None:
    """List your fields, with how many values each holds."""
    from rapport.cli.runtime import session
    from rapport.services import custom_fields

    with session() as ctx:
        found = custom_fields.listing(ctx)

    def render() -> None:
        if not found:
            say('No fields yet: rapport field add "Stage" --type choice --options "Seed,Series A"')
            return
        rows = [[f"#{f.id}", f.name, f.type, f.applies_to, ", ".join(f.options), f.values]
                for f in found]  # fmt: skip
        table(None, ["id", "field", "type", "for", "options", "values"], rows)

    emit(found, as_json, render)


@field_app.command("rename")
def rename(
    name: str = NameArgument,
    new: str = typer.Argument(..., help="The new name."),
    for_: str = ForOption,
    as_json: bool = JsonOption,
) -> None:
    """Rename a field (its values stay)."""
    from rapport.cli.runtime import session
    from rapport.domain.custom_fields import parse_target
    from rapport.services import custom_fields

    with session(write=True) as ctx:
        row = custom_fields.find(ctx, name, parse_target(for_))
        found = custom_fields.rename(ctx, row.id, new)
    emit(found, as_json, lambda: say(f"renamed the field to {found.name}"))


@field_app.command("options")
def options(
    name: str = NameArgument,
    options: str = typer.Argument(..., help="All the options, comma-separated."),
    for_: str = ForOption,
    as_json: bool = JsonOption,
) -> None:
    """Change a choice's options (an option someone has is kept: change theirs first)."""
    from rapport.cli.runtime import session
    from rapport.domain.custom_fields import parse_target, split_options
    from rapport.services import custom_fields

    with session(write=True) as ctx:
        row = custom_fields.find(ctx, name, parse_target(for_))
        found = custom_fields.change_options(ctx, row.id, split_options(options))
    emit(found, as_json, lambda: say(f"{found.name}: {', '.join(found.options)}"))


@field_app.command("delete")
def delete(name: str = NameArgument, for_: str = ForOption, as_json: bool = JsonOption) -> None:
    """Delete a field and every value of it (undo with `rapport undo`)."""
    from rapport.cli.runtime import session
    from rapport.domain.custom_fields import parse_target
    from rapport.services import custom_fields

    with session(write=True) as ctx:
        row = custom_fields.find(ctx, name, parse_target(for_))
        gone = custom_fields.remove(ctx, row.id)
    emit(gone, as_json, lambda: say(_field(gone.message) + ". Undo with `rapport undo`."))


def register(app: typer.Typer) -> None:
    app.add_typer(field_app, name="field")
