"""`rapport merge KEEP OTHER` (also `rapport person merge`): the preview first, then
the merge once confirmed, and how to take it back."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, emit_json, plain, say

if TYPE_CHECKING:
    from rapport.domain.merge_facts import MergePreview


def merge(
    keep: str = typer.Argument(..., help="The record to keep."),
    other: str = typer.Argument(..., help="The duplicate to fold into it (deleted afterwards)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Merge without asking."),
    dry_run: bool = typer.Option(
        False, "--dry-run", "--preview", help="Show what the merge would do; change nothing."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Merge two records of the same person, keeping every interaction, promise and date.

    Shows what each record brings, what conflicts and how it resolves, and why the two
    look like one person, then asks before merging. `rapport undo` takes it back."""
    from rapport.cli.runtime import session
    from rapport.errors import Invalid
    from rapport.services import merge as merging
    from rapport.services import resolve

    with session() as ctx:
        keep_id, other_id = resolve.person_id(ctx, keep), resolve.person_id(ctx, other)
        shown = merging.preview(ctx, keep_id, other_id)
    if dry_run:
        emit(shown, as_json, lambda: render(shown))
        return
    if not yes:
        if not sys.stdin.isatty():
            raise Invalid(
                "--yes",
                "there is no terminal to ask before merging, so nothing was merged; "
                "add --yes to merge without being asked",
            )
        render(shown, err=as_json)
        question = f"Merge {shown.other.name} into {shown.keep.name}?"
        if not typer.confirm(question, default=False, err=as_json):
            typer.echo("Nothing was merged.", err=as_json)
            raise typer.Exit(1)
    with session(write=True) as ctx:
        done = merging.merge(ctx, keep_id, other_id)
    if as_json:
        emit_json(done)
        return
    say(f"Merged {shown.other.name} into {done.person.name} (#{done.person.id}).")
    say("Changed your mind? rapport undo")


def render(shown: MergePreview, *, err: bool = False) -> None:
    """The preview in words."""
    lines = [f"Merge {shown.other.name} (#{shown.other.id}) into {shown.keep.name} "
             f"(#{shown.keep.id})"]  # fmt: skip
    if shown.warning:
        lines.append(f"Careful: {shown.warning}")
    else:
        lines.append(f"Why: {'; '.join(shown.evidence)} (score {shown.score})")
    for side, verb in ((shown.keep, "has"), (shown.other, "brings")):
        role = f" ({side.role})" if side.role else ""
        lines.append(f"{side.name}{role} {verb}: {', '.join(side.brings) or 'nothing more'}")
    if shown.filled:
        lines.append(f"Filled in from {shown.other.name}: {'; '.join(shown.filled)}")
    if shown.conflicts:
        lines.append("Conflicts:")
        lines += [f"  {c.field}: {c.keep} / {c.other} → {c.resolution}" for c in shown.conflicts]
    else:
        lines.append("No conflicts.")
    if err:
        from rapport.cli.output import error_line

        for line in lines:
            typer.echo(error_line(line), err=True)
        return
    plain("".join(line + "\n" for line in lines))
