"""`rapport path PERSON` / `rapport path --org ORG`: who can introduce you, and why;
`--draft` writes the request to the first person to ask."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rapport.cli.output import JsonOption, emit, plain, say

if TYPE_CHECKING:
    from rapport.domain.warm_paths import WarmPath
    from rapport.services.warm_paths import IntroductionDraft, Paths


def path(
    person: str = typer.Argument(None, help="Name, unambiguous prefix, email or #id."),
    org: str = typer.Option(None, "--org", "-o", help="Anyone you know of at this organisation."),
    limit: int = typer.Option(5, "--limit", "-n", min=1, max=50, help="How many paths."),
    draft: bool = typer.Option(
        False, "--draft", help="Write the introduction request to the first person to ask."
    ),
    about: str = typer.Option(
        "", "--about", help="What you'd like to talk to them about, for the draft."
    ),
    as_json: bool = JsonOption,
) -> None:
    """How to reach someone through the people you know: introductions, conversations
    shared, events, time at the same organisation; ranked by your tie to whom you'd ask."""
    from rapport.cli.runtime import session
    from rapport.errors import Invalid
    from rapport.services import resolve, warm_paths

    if (person is None) == (org is None):
        raise Invalid("path", "name one person, or an organisation with --org")
    if draft and org is not None:
        raise Invalid("--draft", "draft a request for one person: rapport path NAME --draft")
    with session() as ctx:
        if org is not None:
            found = warm_paths.to_organization(ctx, org, limit=limit)
        else:
            person_id = resolve.person_id(ctx, person)
            if draft:
                request = warm_paths.introduction(ctx, person_id, about=about)
                emit(request, as_json, lambda: _render_draft(request))
                return
            found = warm_paths.to_person(ctx, person_id, limit=limit)
    emit(found, as_json, lambda: _render(found, person, org is not None))


def _render(found: Paths, ref: str | None, at_org: bool) -> None:
    where = f"anyone at {found.target}" if at_org else found.target
    if not found.paths:
        say(
            f"No way to {where} yet: Rapport knows of no one you're in touch with who knows "
            "them. Record an introduction, a conversation or an event you were at with them."
        )
    else:
        say(f"How to reach {where}:")
        for n, p in enumerate(found.paths, 1):
            say(_line(n, p, at_org))
    if found.known_by:
        names = ", ".join(h.name for h in found.known_by)
        say(f"Who knows {found.target}: {names}")
    if ref is not None and any(not p.direct for p in found.paths):
        say(f'Draft the request: rapport path "{ref}" --draft')


def _line(n: int, p: WarmPath, at_org: bool) -> str:
    if p.direct:
        return f"{n}. You know {p.target} yourself: {p.first.reason.rsplit(': ', 1)[-1]}"
    lines = [f"{n}. Ask {p.first.name} ({p.first.reason})"]
    for hop in p.hops[1:]:
        lines.append(f"     → {hop.name}: {hop.reason}")
    if at_org:
        lines[0] += f", for {p.target}"
    return "\n".join(lines)


def _render_draft(request: IntroductionDraft) -> None:
    say(f"To {request.to}")
    say(f"Subject: {request.subject}")
    plain("\n" + request.body + "\n")


def register(app: typer.Typer) -> None:
    app.command("path")(path)
