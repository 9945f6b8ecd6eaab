"""Merging two records of one person from the web: choose the other record (the
likely duplicates first), see the preview (both sides, what each brings, conflicts
and how they resolve, why they look alike), confirm; the message after offers Undo."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from rapport.errors import RapportError
from rapport.services import duplicates, merge, people, resolve
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import flash, render

router = APIRouter()
LIKELY = 60  # the lowest duplicate score offered on the chooser


@router.get("/people/{person_id}/merge")
def choose(request: Request, ws: WorkspaceDep, person_id: int, who: str = "") -> Response:
    """Whom to merge with: a name or #id typed, or one of the likely duplicates."""
    problem = None
    with ws.read() as ctx:
        person = people.show(ctx, person_id)
        if who.strip():
            try:
                other = resolve.person_id(ctx, who)
            except RapportError as exc:
                problem = str(exc)
            else:
                if other != person_id:
                    return RedirectResponse(f"/people/{person_id}/merge/{other}", status_code=303)
                problem = f"that is {person.name} themselves: choose another record"
        pairs = [
            (pair.b if pair.a.id == person_id else pair.a, pair)
            for pair in duplicates.candidates_for(ctx, person_id, min_score=LIKELY)
        ]
    return render(
        request, "merge_choose.html", {"p": person, "pairs": pairs, "who": who, "problem": problem}
    )


@router.get("/people/{keep_id}/merge/{other_id}")
def preview(request: Request, ws: WorkspaceDep, keep_id: int, other_id: int) -> Response:
    """What merging `other_id` into `keep_id` would do, with the button to do it."""
    with ws.read() as ctx:
        shown = merge.preview(ctx, keep_id, other_id)
    return render(request, "merge_preview.html", {"m": shown})


@router.post("/people/{keep_id}/merge/{other_id}")
def confirm(request: Request, ws: WorkspaceDep, keep_id: int, other_id: int) -> Response:
    with ws.write() as ctx:
        done = merge.merge(ctx, keep_id, other_id)
    gone = done.preview.other
    flash(request, f"Merged {gone.name} (#{gone.id}) into {done.person.name} (#{done.person.id}).")
    return RedirectResponse(f"/people/{keep_id}", status_code=303)
