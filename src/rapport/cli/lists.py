"""`rapport lists`: lists of your own, a saved filter or people picked by hand, with
stages when the list is a pipeline (each change undoable with `rapport undo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    from rapport.services.lists import ListChange, ListOut, ListView

lists_app = typer.Typer(
    help="Lists of your own: a saved filter or people picked by hand, with stages if you like."
)
ListArgument = typer.Argument(..., help="The list's name (any case) or number.")
PeopleArgument = typer.Argument(..., help="People by name or number (#12).")
STAGES_HELP = 'The pipeline\'s stages in order: "To contact, Talking, Committed, Passed".'


@lists_app.callback(invoke_without_command=True)
def listing(context: typer.Context, as_json: bool = JsonOption) -> None:
    """Your lists, with how many people each holds now."""
    if context.invoked_subcommand is not None:
        return
    from rapport.cli.runtime import session
    from rapport.services import lists

    with session() as ctx:
        found = lists.listing(ctx)
    emit(found, as_json, lambda: _render_all(found))


def _render_all(found: list[ListOut]) -> None:
    if not found:
        say('No lists yet: rapport lists add "Investors" --tag investor')
        return
    table(
        None,
        ["#", "list", "people", "chosen by", "stages"],
        [
            [x.id, x.name, x.people, x.described or "picked by hand", ", ".join(x.stages)]
            for x in found
        ],
    )


@lists_app.command("add")
def add(
    name: str = typer.Argument(..., help="What to call the list."),
    type_: str = typer.Option(None, "--type", help="A saved filter: this relationship type."),
    tag: str = typer.Option(None, "--tag", help="A saved filter: people with this tag."),
    org: str = typer.Option(None, "--org", help="A saved filter: at this organization (prefix)."),
    health: str = typer.Option(
        None, "--health", help="A saved filter: at-risk, fading, steady or strong."
    ),
    field: str = typer.Option(
        None, "--field", help="A saved filter: one of your fields and its value, Stage=Seed."
    ),
    stages: str = typer.Option(None, "--stages", help=STAGES_HELP),
    as_json: bool = JsonOption,
) -> None:
    """Make a list. With filter options it is a saved filter (whoever matches, now
    and later); without, a list you add people to (rapport lists add-people)."""
    from rapport.cli.runtime import session
    from rapport.domain import people_filter
    from rapport.services import lists

    criteria = people_filter.of(
        {"type": type_, "tag": tag, "organization": org, "health": health, "field": field}
    )
    with session(write=True) as ctx:
        made = lists.create(ctx, name, filter=criteria, stages=lists.stages_of(stages))
    emit(made, as_json, lambda: _said_made(made))


def _said_made(made: ListOut) -> None:
    chosen = f"everyone with {made.described}" if made.kind == "filter" else "picked by hand"
    stages = f"; stages: {', '.join(made.stages)}" if made.stages else ""
    say(f"Made the list {made.name} (#{made.id}): {chosen}, {made.people} now{stages}.")
    if made.kind == "picked":
        say(f'Add people with: rapport lists add-people "{made.name}" NAME…')


@lists_app.command("show")
def show(ref: str = ListArgument, as_json: bool = JsonOption) -> None:
    """The people on a list, with their stage; a pipeline's board by stage."""
    from rapport.cli.runtime import session
    from rapport.services import lists

    with session() as ctx:
        view = lists.show(ctx, ref)
    emit(view, as_json, lambda: _render(view))


def _render(view: ListView) -> None:
    x = view.list
    chosen = f"everyone with {x.described}" if x.kind == "filter" else "picked by hand"
    if not view.members:
        say(f"{x.name}: nobody yet ({chosen}).")
        return
    columns = ["#", "name", "organization", "title"] + (["stage"] if x.stages else [])
    rows = [
        [m.person.id, m.person.name, m.person.organization, m.person.title]
        + ([m.stage] if x.stages else [])
        for m in view.members
    ]
    table(
        f"{x.name}: {x.people} {'person' if x.people == 1 else 'people'}, {chosen}", columns, rows
    )
    for column in view.board:
        names = ", ".join(m.person.name for m in column.members) or "nobody"
        say(f"{column.stage} ({len(column.members)}): {names}")


def _person_ids(refs: list[str]) -> list[int]:
    from rapport.cli.runtime import session
    from rapport.services import resolve

    with session() as ctx:
        return [resolve.person_id(ctx, ref) for ref in refs]


def _said(change: ListChange) -> None:
    say(change.message[0].upper() + change.message[1:] + ". Undo with `rapport undo`.")


@lists_app.command("add-people")
def add_people(
    ref: str = ListArgument, people: list[str] = PeopleArgument, as_json: bool = JsonOption
) -> None:
    """Put people on a list you pick by hand."""
    from rapport.cli.runtime import session
    from rapport.services import lists

    ids = _person_ids(people)
    with session(write=True) as ctx:
        change = lists.add_people(ctx, ref, ids)
    emit(change, as_json, lambda: _said(change))


@lists_app.command("remove-people")
def remove_people(
    ref: str = ListArgument, people: list[str] = PeopleArgument, as_json: bool = JsonOption
) -> None:
    """Take people off a list you pick by hand; nothing else about them changes."""
    from rapport.cli.runtime import session
    from rapport.services import lists

    ids = _person_ids(people)
    with session(write=True) as ctx:
        change = lists.remove_people(ctx, ref, ids)
    emit(change, as_json, lambda: _said(change))


@lists_app.command("move")
def move(
    ref: str = ListArgument,
    person: str = typer.Argument(..., help="The person, by name or number (#12)."),
    stage: str = typer.Argument(..., help="The stage to put them in (any case)."),
    as_json: bool = JsonOption,
) -> None:
    """Move someone on a pipeline list to another stage."""
    from rapport.cli.runtime import session
    from rapport.services import lists, resolve

    with session(write=True) as ctx:
        member = lists.move(ctx, ref, resolve.person_id(ctx, person), stage)
        name = lists.find(ctx, ref).name
    emit(member, as_json, lambda: say(f"{member.person.name} is now at {member.stage} on {name}."))


@lists_app.command("stages")
def stages(
    ref: str = ListArgument,
    names: str = typer.Argument(..., help=STAGES_HELP + ' "" for none.'),
    as_json: bool = JsonOption,
) -> None:
    """Give a list its stages (a pipeline); someone whose stage is gone sits in the first."""
    from rapport.cli.runtime import session
    from rapport.services import lists

    with session(write=True) as ctx:
        changed = lists.change(ctx, ref, stages=lists.stages_of(names))
    shown = ", ".join(changed.stages) or "none"
    emit(changed, as_json, lambda: say(f"{changed.name}'s stages: {shown}."))


@lists_app.command("rename")
def rename(
    ref: str = ListArgument,
    new: str = typer.Argument(..., help="The new name."),
    as_json: bool = JsonOption,
) -> None:
    """Rename a list."""
    from rapport.cli.runtime import session
    from rapport.services import lists

    with session(write=True) as ctx:
        old = lists.find(ctx, ref).name
        changed = lists.change(ctx, ref, name=new)
    emit(changed, as_json, lambda: say(f"Renamed {old} to {changed.name}."))


@lists_app.command("delete")
def delete(ref: str = ListArgument, as_json: bool = JsonOption) -> None:
    """Delete a list; the people on it are not changed."""
    from rapport.cli.runtime import session
    from rapport.services import lists

    with session(write=True) as ctx:
        change = lists.delete_list(ctx, ref)
    emit(change, as_json, lambda: _said(change))


def register(app: typer.Typer) -> None:
    app.add_typer(lists_app, name="lists")
