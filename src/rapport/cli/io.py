"""`rapport import|export|duplicates|merge`: bringing a network in and taking it out."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    from rapport.services.duplicates import DuplicatePair
    from rapport.services.imports import ImportSummary

SHOWN = 10  # problems listed in the human summary; --json lists them all


@contextmanager
def _progress(label: str) -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A Rich progress bar on stderr when it is a terminal (nothing otherwise, so
    errors stay one line)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"reading {label}", total=None)

        def update(phase: str, done: int, total: int | None) -> None:
            description = f"reading {label}" if phase == "reading" else f"importing {label}"
            bar.update(task, description=description, completed=done, total=total)

        yield update


def import_(
    file: Path = typer.Argument(
        ..., help="The file: vCard, CSV (LinkedIn, Google, Outlook, any), .ics, mbox, .eml, "
        "a Maildir folder, or a Rapport JSON backup.",
    ),
    format_: str = typer.Option(
        None, "--format", "-f",
        help="Force the format: vcard, linkedin, google, outlook, csv, rapport-csv, ics, "
        "mail, backup (told from the content otherwise).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first bad row."),
    map_: list[str] | None = typer.Option(
        None, "--map",
        help="CSV column to field, repeatable: 'Full Name=name', 'Mail=email'. Fields: "
        "name, given_name, family_name, nickname, organization, title, email, phone, url, "
        "location, timezone, notes, tags, types, birthday, met_on, how_met; or one of "
        "your own fields, 'Stage=field:Stage' (add it first: rapport field add).",
    ),
    add_people: bool = typer.Option(
        None, "--add-people/--known-only",
        help="Add unknown meeting attendees / correspondents as people (default: yes for "
        "email, no for calendars, where they are listed instead).",
    ),
    me: list[str] | None = typer.Option(
        None, "--me",
        help="Your own email address (repeatable): never imported as a contact, it tells who "
        "wrote to whom; remembered for next time (`rapport settings me`).",
    ),
    not_me: list[str] | None = typer.Option(
        None, "--not-me",
        help="An address that is not yours, when the import asks 'is this you?' (repeatable): "
        "imported like anyone else's, and not asked about again.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; save nothing."),
    as_json: bool = JsonOption,
) -> None:  # fmt: skip
    """Import contacts, meetings, emails or a backup; importing again changes nothing."""
    from rapport.adapters import csv_contacts
    from rapport.cli.runtime import session
    from rapport.services import imports

    yours, not_yours = list(me or ()), list(not_me or ())
    while True:
        options = imports.ImportOptions(
            format=format_,
            strict=strict,
            mapping=csv_contacts.mapping_of(map_ or ()),
            add_people=add_people,
            me=tuple(yours),
            not_me=tuple(not_yours),
        )
        with _progress(file.name) as progress, session(write=not dry_run) as ctx:
            summary = imports.run(ctx, file, options, progress)
            summary.dry_run = dry_run
        if not summary.maybe_you:
            break
        # asked outside the transaction: no lock is held while the user thinks
        if _is_you(summary):
            yours += summary.maybe_you
        else:
            not_yours += summary.maybe_you
    emit(summary, as_json, lambda: _render_summary(summary))


def _is_you(summary: ImportSummary) -> bool:
    """Ask "is this you?" on a terminal; without one, stop and say how to answer."""
    from rapport.errors import ImportFailed

    if not sys.stdin.isatty():
        address = summary.maybe_you[0]
        noun = "meetings" if summary.format == "ics" else "messages"
        raise ImportFailed(
            f"{address} is on most of its {noun} and may be you: nothing was imported; "
            f"run again with --me {address} if it is you, or --not-me {address} if not",
            source=summary.source,
        )
    return typer.confirm(summary.question or "Is this you?", default=True, err=True)


def _counts(s: ImportSummary) -> str:
    """'5 people created, 2 skipped': the numbers that are not zero (created always),
    short enough for one line of a terminal."""
    from rapport.domain.counts import counted

    parts = [counted(s.created, f"{s.kind} created")]
    parts += [
        f"{n:,} {what}" for what, n in (("updated", s.updated), ("unchanged", s.unchanged)) if n
    ]
    if s.skipped:
        parts.append(f"{len(s.skipped):,} skipped")
    return ", ".join(parts)


def _render_summary(s: ImportSummary) -> None:
    say(f"{Path(s.source).name} ({s.format}): {_counts(s)}")
    if s.people_created:
        say(f"  {s.people_created} new people added from the {s.format} file")
    if s.organizations_created:
        noun = "organisation" if s.organizations_created == 1 else "organisations"
        say(f"  {s.organizations_created} {noun} added")
    if s.role_changes:
        who = "person" if s.role_changes == 1 else "people"
        say(f"  {s.role_changes} {who} changed organization or title (kept as role history)")
    if s.proposed:
        say(f"  {s.proposed} kept for review (matched by name only) — see `rapport review`")
    if s.own_addresses and s.kind == "interactions":
        say(f"  you are {', '.join(s.own_addresses)} (see `rapport settings me`)")
    for problem in s.skipped[:SHOWN]:
        where = f"line {problem.line}: " if problem.line else ""
        say(f"  skipped {where}{problem.reason}")
    if len(s.skipped) > SHOWN:
        say(f"  … and {len(s.skipped) - SHOWN} more skipped (--json lists them all)")
    ignored = s.ignored_reasons()
    if ignored:
        say("  left out: " + "; ".join(f"{n} × {reason}" for reason, n in ignored.items()))
    if s.dropped:
        kept = ", ".join(f"{n} × {what}" for what, n in sorted(s.dropped.items()))
        say(f"  not kept (Rapport has no place for them): {kept}")
    for warning in s.warnings[:SHOWN]:
        say(f"  warning: {warning}")
    if len(s.warnings) > SHOWN:
        say(f"  … and {len(s.warnings) - SHOWN} more warnings (--json lists them all)")
    if s.offered:
        names = ", ".join(s.offered[:SHOWN]) + (" …" if len(s.offered) > SHOWN else "")
        are = "attendee is" if len(s.offered) == 1 else "attendees are"
        say(f"  {len(s.offered)} {are} not in your network: {names}")
        say("  add them with: rapport import FILE --add-people")
    if s.dry_run:
        say("dry run: nothing was saved")


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or a file replaced atomically once everything is written; UTF-8 either
    way (redirected stdout would otherwise take the locale's encoding, which is the ANSI
    code page on Windows)."""
    if path is None:
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a stream of text only (some embedding): its encoding it is
            yield sys.stdout
            return
        sys.stdout.flush()
        stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()  # sys.stdout keeps the underlying buffer open
        return
    target = path.expanduser()
    handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".rapport-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_EXPORTS = {".json": "json", ".vcf": "vcard", ".vcard": "vcard", ".csv": "csv", ".ics": "ics"}


def export(
    backup: bool = typer.Option(False, "--json", help="The full backup: every table, loss-free."),
    vcard: bool = typer.Option(False, "--vcard", help="People as vCard (4.0 unless told)."),
    vcard_version: str = typer.Option(
        None,
        "--vcard-version",
        help="With --vcard: 4.0, or 3.0 for address books that import no other.",
    ),
    csv_: bool = typer.Option(False, "--csv", help="People as CSV (one row each)."),
    excel: bool = typer.Option(
        False,
        "--excel",
        help="With --csv: UTF-8 with a byte-order mark, so Excel (on Windows too) shows "
        "accented and non-Latin names right.",
    ),
    ics: bool = typer.Option(
        False, "--ics", help="The agenda as an iCalendar feed: milestones, promises, check-ins."
    ),
    output: Path = typer.Option(None, "--output", "-o", help="Write to FILE (default: stdout)."),
) -> None:
    """Export the network: a JSON backup, vCards, CSV, or the agenda as .ics."""
    from rapport.cli.runtime import session
    from rapport.errors import Invalid
    from rapport.services import backup as backups
    from rapport.services import exports

    chosen = [
        n for n, on in (("json", backup), ("vcard", vcard), ("csv", csv_), ("ics", ics)) if on
    ]
    if not chosen and output is not None and output.suffix.lower() in _EXPORTS:
        chosen = [_EXPORTS[output.suffix.lower()]]
    if len(chosen) != 1:
        raise Invalid("format", "choose one of --json, --vcard, --csv, --ics")
    if excel and chosen != ["csv"]:
        raise Invalid("excel", "--excel goes with --csv (Excel's encoding of the CSV)")
    if vcard_version is not None and chosen != ["vcard"]:
        raise Invalid("vcard_version", "--vcard-version goes with --vcard")
    if vcard_version is not None and vcard_version not in exports.VCARD_VERSIONS:
        raise Invalid("vcard_version", f"{vcard_version!r}: choose 4.0 or 3.0")
    writers: dict[str, tuple[Callable[[Any, TextIO], int], str]] = {
        "json": (backups.export, "rows"),
        "vcard": (partial(exports.vcard_file, version=vcard_version or "4.0"), "people"),
        "csv": (partial(exports.csv_file, excel=excel), "people"),
        "ics": (exports.ics_feed, "events"),
    }
    write, unit = writers[chosen[0]]
    if output is not None and not output.expanduser().parent.is_dir():
        raise Invalid("output", f"no folder {str(output.expanduser().parent)!r}")
    with session() as ctx, _output(output) as stream:
        count = write(ctx, stream)
    if output is not None:
        typer.echo(f"exported {count} {unit} to {output}", err=True)


def duplicates(
    min_score: int = typer.Option(80, "--min-score", help="Only pairs scoring at least this."),
    limit: int = typer.Option(200, "--limit", help="At most this many pairs."),
    as_json: bool = JsonOption,
) -> None:
    """People who may be recorded twice, best match first; merge with `rapport merge`."""
    from rapport.cli.runtime import session
    from rapport.services import duplicates as finder

    with session() as ctx:
        pairs = finder.candidates(ctx, min_score=min_score, limit=limit)
    emit(pairs, as_json, lambda: _render_pairs(pairs))


def _who(p: Any) -> str:
    return f"#{p.id} {p.name}" + (f" ({p.organization})" if p.organization else "")


def _render_pairs(pairs: list[DuplicatePair]) -> None:
    if not pairs:
        say("No likely duplicates.")
        return
    table(
        "Possible duplicates",
        ["score", "keep", "merge", "why"],
        [[p.score, _who(p.a), _who(p.b), "; ".join(p.reasons)] for p in pairs],
    )
    first = pairs[0]
    say(f"Merge a pair with: rapport merge '#{first.a.id}' '#{first.b.id}'")


def register(app: typer.Typer) -> None:
    from rapport.cli.merging import merge

    app.command("import")(import_)
    app.command("export")(export)
    app.command("duplicates")(duplicates)
    app.command("merge")(merge)
