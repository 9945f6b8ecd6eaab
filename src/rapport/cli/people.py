"""`rapport person add|edit|show|list|archive|unarchive|merge|bulk`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from rapport.cli.milestones import record_birthday
from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    import datetime as dt
    from datetime import tzinfo

    from rapport.domain.person_patch import PersonPatch
    from rapport.domain.records import SimilarPerson
    from rapport.services.context import Ctx

person_app = typer.Typer(help="Add, change, look at and list people.", no_args_is_help=True)

Many = list[str] | None
BIRTHDAY_HELP = "1985-10-12, '12 October', or 12/10/1985 in your date order."


def _patch(ctx: Ctx, options: dict[str, Any], *, editing: bool) -> PersonPatch:
    """The patch a command's options (its `locals()`) say: only the options given
    count. Lists given to `add` are the person's; to `edit`, they are added to the
    person's, after the `--remove-…` ones are taken out."""
    from rapport.cli import dates
    from rapport.domain.person_patch import Items, PersonPatch
    from rapport.services import resolve

    fields: dict[str, Any] = {
        field: options[option]
        for option, field in _SIMPLE.items()
        if options.get(option) is not None
    }
    if options.get("met_on"):
        fields["met_on"] = dates.day(ctx, options["met_on"], field="met-on")
    if value := options.get("not_before"):
        fields["not_before"] = (
            None if value == "none" else dates.day(ctx, value, prefer="future", field="not-before")
        )
    if options.get("met_at"):
        fields["met_event_id"] = resolve.event_id(ctx, options["met_at"])
    if options.get("introduced_by"):
        fields["introduced_by_id"] = resolve.person_id(ctx, options["introduced_by"])
    for field, option in _LISTS.items():
        added = options.get(option) or []
        removed = options.get("remove_" + option.rstrip("_")) or []
        if added or removed:
            fields[field] = Items.add(added, remove=removed) if editing else Items(added)
    return PersonPatch(**fields)


# option -> PersonPatch field, for the options that are the value as typed
_SIMPLE = {
    "name": "full_name",
    "org": "organization",
    "title": "title",
    "location": "location",
    "timezone": "timezone",
    "how_met": "how_met",
    "interests": "interests",
    "remember": "remember",
    "notes": "notes",
    "channel": "preferred_channel",
    "cadence": "cadence_days",
    "max_contact_days": "max_contact_days",
    "nickname": "nickname",
    "strained": "strained",
    "strained_context": "strained_context",
}
# PersonPatch list field -> the repeatable option that adds to it (`remove_…` removes)
_LISTS = {"emails": "email", "phones": "phone", "urls": "url", "types": "type_", "tags": "tag"}


@person_app.command("add")
def add(
    name: str = typer.Argument(..., help="Full name, e.g. 'Ana Lima'."),
    email: Many = typer.Option(None, "--email", "-e", help="Email address (repeatable)."),
    phone: Many = typer.Option(None, "--phone", "-p", help="Phone number (repeatable)."),
    url: Many = typer.Option(None, "--url", help="Web or LinkedIn address (repeatable)."),
    org: str = typer.Option(None, "--org", "-o", help="Current organization."),
    title: str = typer.Option(None, "--title", "-t", help="Current title."),
    type_: Many = typer.Option(
        None,
        "--type",
        help="Relationship type (repeatable): peer, colleague, manager, report, mentor, "
        "mentee, client, prospect, partner, industry, competitor, friend.",
    ),
    tag: Many = typer.Option(None, "--tag", help="Tag (repeatable)."),
    met_at: str = typer.Option(None, "--met-at", help="The event where you met (name or #id)."),
    met_on: str = typer.Option(None, "--met-on", help="When you met (2026-03-01, 'last friday')."),
    how_met: str = typer.Option(None, "--how-met", help="How you met, in a line."),
    introduced_by: str = typer.Option(None, "--introduced-by", help="Who introduced you."),
    cadence: int = typer.Option(
        None, "--cadence", help="Keep in touch every N days (overrides the type's default)."
    ),
    interests: str = typer.Option(None, "--interests", help="What they care about."),
    remember: str = typer.Option(
        None, "--remember", help="Things to remember (family, preferences)."
    ),
    notes: str = typer.Option(None, "--notes", help="Free notes."),
    location: str = typer.Option(None, "--location", help="City or place."),
    timezone: str = typer.Option(
        None, "--timezone", help="Their time zone, e.g. America/New_York."
    ),
    channel: str = typer.Option(
        None,
        "--channel",
        help="Preferred channel: in-person, phone, email, video, message, social.",
    ),
    nickname: str = typer.Option(None, "--nickname"),
    birthday: str = typer.Option(None, "--birthday", help=BIRTHDAY_HELP),
    field: Many = typer.Option(
        None, "--field", help="A field of your own, NAME=VALUE (repeatable; NAME= clears it)."
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Add them even if an email or phone is already someone else's, or the "
        "name is close to someone's (no question asked).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Add a person. An email or phone already someone else's is refused (unless
    --force); a close name (Kate / Katherine Smith) is a warning, and a question on a
    terminal."""
    options = dict(locals())
    from rapport.cli.runtime import session
    from rapport.domain.records import PersonAdded
    from rapport.errors import AlreadyKnown
    from rapport.services import custom_fields, duplicates, people

    values = custom_fields.parse_assignments(field or [])
    similar: list[SimilarPerson] = []
    when: tuple[dt.date, tzinfo] | None = None
    try:
        if not force:
            with session() as ctx:
                patch = _patch(ctx, options, editing=False)
                people.check_new(ctx, patch)
                similar = duplicates.similar_to(ctx, patch)
                when = (ctx.today, ctx.tz)
            if similar and not as_json and sys.stdin.isatty():
                _warn_similar(name, similar, when)
                if not typer.confirm("Add a new person anyway?", default=False):
                    raise typer.Exit(1)
        with session(write=True) as ctx:
            patch = _patch(ctx, options, editing=False)
            person = people.add(ctx, patch, force=force, fields=values)
            if birthday:
                record_birthday(ctx, person.id, birthday)
            if met_at and isinstance(patch.met_event_id, int):
                from rapport.services import events

                events.met(ctx, patch.met_event_id, person.id)
    except AlreadyKnown as exc:
        raise AlreadyKnown(
            exc.field,
            f"{exc.message}: open them with `rapport person show {exc.person_id}`, "
            "or add anyway with --force",
            exc.person_id,
        ) from None
    if similar and when and not as_json and not sys.stdin.isatty():
        _warn_similar(name, similar, when, added=person.id)
    emit(
        PersonAdded.of(person, similar),
        as_json,
        lambda: say(f"added {person.name} (#{person.id})"),
    )


def _warn_similar(
    name: str, similar: list[SimilarPerson], when: tuple[dt.date, tzinfo], added: int | None = None
) -> None:
    """The people whose names are close to `name`, on stderr, with how to act."""
    from rapport.cli.output import error_line
    from rapport.domain.relative_time import relative

    typer.echo(f"{name} may already be in your network:", err=True)
    for s in similar:
        p = s.person
        where = f", {p.organization}" if p.organization else ""
        last = (
            f"last contact {relative(p.last_contact_at, *when)}"
            if p.last_contact_at
            else "no contact yet"
        )
        typer.echo(
            error_line(f"  #{p.id} {p.name}{where}, {last}: {'; '.join(s.reasons)}"),
            err=True,
        )
    if added is not None:
        typer.echo(
            f"if they are one person: rapport merge {similar[0].person.id} {added}", err=True
        )


@person_app.command("edit")
def edit(
    ref: str = typer.Argument(..., help="Name, unambiguous prefix, email or #id."),
    name: str = typer.Option(None, "--name", help="New full name."),
    email: Many = typer.Option(None, "--email", "-e", help="Add an email address."),
    remove_email: Many = typer.Option(None, "--remove-email"),
    phone: Many = typer.Option(None, "--phone", "-p", help="Add a phone number."),
    remove_phone: Many = typer.Option(None, "--remove-phone"),
    url: Many = typer.Option(None, "--url", help="Add a web address."),
    type_: Many = typer.Option(None, "--type", help="Add a relationship type."),
    remove_type: Many = typer.Option(None, "--remove-type"),
    tag: Many = typer.Option(None, "--tag", help="Add a tag."),
    remove_tag: Many = typer.Option(None, "--remove-tag"),
    org: str = typer.Option(
        None, "--org", "-o", help="New organization (recorded in the role history)."
    ),
    title: str = typer.Option(
        None, "--title", "-t", help="New title (recorded in the role history)."
    ),
    met_at: str = typer.Option(None, "--met-at"),
    met_on: str = typer.Option(None, "--met-on"),
    how_met: str = typer.Option(None, "--how-met"),
    introduced_by: str = typer.Option(None, "--introduced-by"),
    cadence: int = typer.Option(None, "--cadence", help="Keep in touch every N days."),
    interests: str = typer.Option(None, "--interests"),
    remember: str = typer.Option(None, "--remember"),
    notes: str = typer.Option(None, "--notes"),
    location: str = typer.Option(None, "--location"),
    timezone: str = typer.Option(None, "--timezone"),
    channel: str = typer.Option(None, "--channel"),
    nickname: str = typer.Option(None, "--nickname"),
    not_before: str = typer.Option(
        None, "--not-before", help="Don't suggest contact before this day ('none' clears)."
    ),
    max_contact_days: int = typer.Option(
        None, "--max-contact-days", help="At most one contact every N days."
    ),
    strained: bool = typer.Option(
        None, "--strained/--not-strained", help="Mark the relationship strained, or repaired."
    ),
    strained_context: str = typer.Option(None, "--context", help="What strained it."),
    birthday: str = typer.Option(None, "--birthday", help=BIRTHDAY_HELP),
    replace: bool = typer.Option(False, "--replace", help="With --birthday: change theirs."),
    another: bool = typer.Option(False, "--another", help="With --birthday: record a second one."),
    field: Many = typer.Option(
        None, "--field", help="A field of your own, NAME=VALUE (repeatable; NAME= clears it)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Change a person's details."""
    options = dict(locals())
    from rapport.cli.runtime import session
    from rapport.services import custom_fields, people, resolve

    values = custom_fields.parse_assignments(field or [])
    with session(write=True) as ctx:
        pid = resolve.person_id(ctx, ref)
        person = people.edit(ctx, pid, _patch(ctx, options, editing=True), fields=values)
        if birthday:
            record_birthday(ctx, pid, birthday, replace=replace, another=another)
    emit(person, as_json, lambda: say(f"updated {person.name} (#{person.id})"))


@person_app.command("show")
def show(
    ref: str = typer.Argument(..., help="Name, unambiguous prefix, email or #id."),
    limit: int = typer.Option(10, "--interactions", help="How many recent interactions to show."),
    as_json: bool = JsonOption,
) -> None:
    """Everything about a person: details, recent interactions, promises, favours, dates."""
    from rapport.cli.person_profile import render
    from rapport.cli.runtime import session
    from rapport.services import resolve
    from rapport.services.profile import profile

    with session() as ctx:
        found = profile(ctx, resolve.person_id(ctx, ref), interactions_limit=limit)
        today, tz = ctx.today, ctx.tz
    emit(found, as_json, lambda: render(found, today, tz))


@person_app.command("list")
def list_(
    type_: str = typer.Option(None, "--type", help="Only this relationship type."),
    tag: str = typer.Option(None, "--tag", help="Only people with this tag."),
    org: str = typer.Option(None, "--org", help="Only people at this organization (prefix)."),
    field: str = typer.Option(
        None, "--field", help="Only people with this value of a field of yours: 'Stage=Seed'."
    ),
    archived: bool = typer.Option(False, "--archived", help="List archived people instead."),
    sort: str = typer.Option("name", "--sort", help="name, last-contact or added."),
    limit: int = typer.Option(100, "--limit", help="At most this many."),
    offset: int = typer.Option(0, "--offset", help="Skip this many (paging)."),
    as_json: bool = JsonOption,
) -> None:
    """List people, filtered and sorted."""
    from rapport.cli.runtime import session
    from rapport.services import people

    with session() as ctx:
        rows, total = people.listing(
            ctx,
            type_=type_,
            tag=tag,
            organization=org,
            field=field,
            archived=archived,
            sort=sort,
            limit=limit,
            offset=offset,
        )
        today, tz = ctx.today, ctx.tz

    def render() -> None:
        from rapport.domain.relative_time import relative

        if not rows:
            say('No people yet. Add one: rapport person add "Ana Lima" --org Acme --type client')
            return
        table(
            f"{len(rows)} of {total} people",
            ["#", "name", "organization", "title", "types", "tags", "last contact"],
            [
                [
                    p.id,
                    p.name,
                    p.organization,
                    p.title,
                    p.types,
                    p.tags,
                    relative(p.last_contact_at, today, tz),
                ]
                for p in rows
            ],
        )

    emit({"total": total, "people": rows}, as_json, render)


def _set_archived(ref: str, archived: bool, as_json: bool) -> None:
    from rapport.cli.runtime import session
    from rapport.services import people, resolve

    with session(write=True) as ctx:
        person = people.archive(ctx, resolve.person_id(ctx, ref), archived)
    verb = "archived" if archived else "restored"
    emit(person, as_json, lambda: say(f"{verb} {person.name} (#{person.id})"))


@person_app.command("archive")
def archive(ref: str = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """Archive a person: kept with all their history, but off the agenda and lists."""
    _set_archived(ref, True, as_json)


@person_app.command("unarchive")
def unarchive(ref: str = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """Bring an archived person back."""
    _set_archived(ref, False, as_json)


def register(app: typer.Typer) -> None:
    from rapport.cli.bulk import bulk
    from rapport.cli.merging import merge
    from rapport.cli.roles import role_app

    person_app.command("merge")(merge)
    person_app.command("bulk")(bulk)
    person_app.add_typer(role_app, name="role")
    app.add_typer(person_app, name="person")
