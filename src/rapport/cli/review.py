"""`rapport review`: the records an import matched only by name (or by a phone under
another name), kept for you to accept or keep separate."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, say, table

if TYPE_CHECKING:
    from rapport.domain.review import ReviewOutcome, ReviewPage

review_app = typer.Typer(
    help="Records an import matched only by name: accept them or keep them separate.",
)

KindOption = typer.Option(
    None, "--kind", help="Only this kind: same-name, same-name-org or shared-phone."
)


@review_app.callback(invoke_without_command=True)
def listing(
    context: typer.Context,
    page: int = typer.Option(1, "--page", help="Which page (50 a page, oldest first)."),
    kind: str = KindOption,
    as_json: bool = JsonOption,
) -> None:
    """List the proposals waiting, numbered, each with its evidence and what accepting
    it would change. Then: `rapport review accept N`, `rapport review separate N`."""
    if context.invoked_subcommand is not None:
        return
    from rapport.cli.runtime import session
    from rapport.services import review

    with session() as ctx:
        found = review.listing(ctx, page=page, kind=kind)
    emit(found, as_json, lambda: _render(found))


def _render(found: ReviewPage) -> None:
    if not found.items:
        say("nothing to review: every import matched by email, phone or profile, or you decided")
        return
    rows = []
    for p in found.items:
        who = f"{p.person_name} (gone: deleted or merged)" if p.gone else p.person_name
        changes = "\n".join(c.text for c in p.changes) or "nothing left to change"
        rows.append([p.id, p.kind, f"{p.name} → {who}\n{p.evidence}", changes, p.source])
    shown = f"page {found.page} of {found.pages}, " if found.pages > 1 else ""
    table(
        f"{found.total} kept for review ({shown}oldest first)",
        ["#", "kind", "record → may be", "accepting changes", "from"],
        rows,
    )
    say("accept: rapport review accept N [N…]   keep separate: rapport review separate N [N…]")
    for kind, n in found.kinds.items():
        say(f"all {n} of kind {kind}: rapport review accept --all --kind {kind}")


def _ids_or_all(ids: list[int] | None, every: bool, kind: str | None) -> None:
    from rapport.errors import Invalid

    if every and ids:
        raise Invalid("all", "give numbers or --all --kind KIND, not both")
    if every and not kind:
        raise Invalid("kind", "--all needs --kind (same-name, same-name-org or shared-phone)")
    if not every and not ids:
        raise Invalid("id", "give the number of a proposal (`rapport review` lists them)")


def _say_outcome(outcome: ReviewOutcome) -> None:
    say(outcome.message)
    for line in [*outcome.dropped, *outcome.problems]:
        say(f"  {line}")
    say("undo with: rapport undo")


@review_app.command("accept")
def accept(
    ids: list[int] = typer.Argument(None, help="The numbers of the proposals."),
    every: bool = typer.Option(False, "--all", help="Every proposal of --kind."),
    kind: str = KindOption,
    as_json: bool = JsonOption,
) -> None:
    """Accept proposals: update the person with the record, as an import would (a new
    organization or title becomes role history)."""
    from rapport.cli.runtime import session
    from rapport.services import review

    _ids_or_all(ids, every, kind)
    with session(write=True) as ctx:
        outcome = review.accept_all(ctx, kind) if every else review.accept(ctx, ids)
    emit(outcome, as_json, lambda: _say_outcome(outcome))


@review_app.command("separate")
def separate(
    ids: list[int] = typer.Argument(None, help="The numbers of the proposals."),
    every: bool = typer.Option(False, "--all", help="Every proposal of --kind."),
    kind: str = KindOption,
    as_json: bool = JsonOption,
) -> None:
    """Keep proposals separate: add each record as a new person."""
    from rapport.cli.runtime import session
    from rapport.services import review

    _ids_or_all(ids, every, kind)
    with session(write=True) as ctx:
        outcome = review.separate_all(ctx, kind) if every else review.separate(ctx, ids)
    emit(outcome, as_json, lambda: _say_outcome(outcome))


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
