"""`rapport person role add|list|edit|delete`: a person's role history with dates —
past roles, the real start of the current one (work anniversaries count from it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    from rapport.domain.records import RoleOut

role_app = typer.Typer(
    help="A person's roles with dates: past roles and when the current one began.",
    no_args_is_help=True,
)
PersonArgument = typer.Argument(..., help="Name, unambiguous prefix, email or #id.")
RoleArgument = typer.Argument(..., help="The role's number, from `rapport person role list`.")
FROM_HELP = "When it began: 2021, 2021-03 or 2021-03-15."


def _role_line(r: RoleOut) -> str:
    what = " at ".join(x for x in (r.title, r.organization) if x)
    since = f" from {r.started_on}" if r.started_on else ""
    until = f" until {r.ended_on}" if r.ended_on else " (now)"
    return f"role #{r.id}: {what}{since}{until}"


@role_app.command("add")
def add(
    person: str = PersonArgument,
    title: str = typer.Argument(None, help="The title, e.g. CTO."),
    org: str = typer.Option(None, "--org", "-o", help="The organisation."),
    started: str = typer.Option(None, "--from", help=FROM_HELP),
    ended: str = typer.Option(
        None, "--to", help="When it ended (a past role); without it, it is what they do now."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Add a role: a past one with --to, else their current one (their organisation and
    title change; the previous role ends the day this one began)."""
    from rapport.cli.runtime import session
    from rapport.services import resolve, roles

    with session(write=True) as ctx:
        role = roles.add(
            ctx, resolve.person_id(ctx, person), roles.RoleSpec(title, org, started, ended)
        )
    emit(role, as_json, lambda: say(f"added {_role_line(role)}"))


@role_app.command("list")
def listing(person: str = PersonArgument, as_json: bool = JsonOption) -> None:
    """Their roles, the current one last."""
    from rapport.cli.runtime import session
    from rapport.services import people, resolve

    with session() as ctx:
        found = people.show(ctx, resolve.person_id(ctx, person)).roles
    rows = [[r.id, r.title, r.organization, r.started_on, r.ended_on or "now"] for r in found]
    emit(found, as_json, lambda: table(None, ["#", "title", "organisation", "from", "until"], rows))


@role_app.command("edit")
def edit(
    role_id: int = RoleArgument,
    title: str = typer.Option(None, "--title", "-t", help="The corrected title."),
    org: str = typer.Option(None, "--org", "-o", help="The corrected organisation."),
    started: str = typer.Option(None, "--from", help=FROM_HELP + " Empty clears it."),
    ended: str = typer.Option(None, "--to", help="When a past role ended."),
    as_json: bool = JsonOption,
) -> None:
    """Correct a role; what is not given stays."""
    from rapport.cli.runtime import session
    from rapport.services import roles

    with session(write=True) as ctx:
        role = roles.edit(ctx, role_id, roles.RoleSpec(title, org, started, ended))
    emit(role, as_json, lambda: say(f"now {_role_line(role)}"))


@role_app.command("delete")
def delete(role_id: int = RoleArgument, as_json: bool = JsonOption) -> None:
    """Remove a past role from their history (undo with `rapport undo`)."""
    from rapport.cli.runtime import session
    from rapport.services import roles

    with session(write=True) as ctx:
        role = roles.delete(ctx, role_id)
    emit(role, as_json, lambda: say(f"removed {_role_line(role)}"))
