"""Review: the records an import matched only by name (or by a phone under another
name), each with its evidence and what accepting it would change; Accept, Keep
separate, or all of one kind at once (each with Undo). Below them, the people the
mail sync offers (`services.correspondents`): Add, or Not now."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from rapport.domain.review import KINDS, ReviewOutcome
from rapport.errors import NotFound
from rapport.services import correspondents, review
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import Text
from rapport.web.templating import back_to, flash, render

router = APIRouter()


@router.get("/review")
def review_page(
    request: Request,
    ws: WorkspaceDep,
    page: int = Query(1, ge=1, le=1_000_000),
    kind: str = Query("", max_length=32),
) -> Response:
    with ws.read() as ctx:
        found = review.listing(ctx, page=page, kind=kind or None)
        offered = correspondents.offered(ctx)
    return render(
        request,
        "review.html",
        {"view": found, "kind": kind, "kinds": KINDS, "correspondents": offered},
    )


def _done(request: Request, outcome: ReviewOutcome) -> Response:
    message = " ".join([outcome.message + ".", *outcome.dropped, *outcome.problems])
    flash(request, message, "ok" if not outcome.problems else "error")
    return RedirectResponse(back_to(request, "/review"), status_code=303)


def _decide(
    request: Request, ws: WorkspaceDep, proposal_id: int, decide: Callable[..., ReviewOutcome]
) -> Response:
    """One proposal decided; one already decided (a second click, another tab) is
    said in a message on the queue, not as an error page."""
    try:
        with ws.write() as ctx:
            outcome = decide(ctx, [proposal_id])
    except NotFound:
        with ws.read() as ctx:
            if not review.decided(ctx, proposal_id):
                raise
        flash(request, f"Proposal #{proposal_id} was already decided: nothing more changed.")
        return RedirectResponse(back_to(request, "/review"), status_code=303)
    return _done(request, outcome)


@router.post("/review/{proposal_id}/accept")
def accept(request: Request, ws: WorkspaceDep, proposal_id: int) -> Response:
    return _decide(request, ws, proposal_id, review.accept)


@router.post("/review/{proposal_id}/separate")
def separate(request: Request, ws: WorkspaceDep, proposal_id: int) -> Response:
    return _decide(request, ws, proposal_id, review.separate)


@router.post("/review/accept-all")
def accept_all(request: Request, ws: WorkspaceDep, kind: Text = "") -> Response:
    with ws.write() as ctx:
        outcome = review.accept_all(ctx, kind)
    return _done(request, outcome)


@router.post("/review/separate-all")
def separate_all(request: Request, ws: WorkspaceDep, kind: Text = "") -> Response:
    with ws.write() as ctx:
        outcome = review.separate_all(ctx, kind)
    return _done(request, outcome)


@router.post("/review/correspondents/add")
def add_correspondent(request: Request, ws: WorkspaceDep, address: Text = "") -> Response:
    with ws.write() as ctx:
        done = correspondents.add(ctx, [address])
    flash(
        request,
        f"Added {address} with {done.interactions_created + done.interactions_updated} "
        "conversations.",
    )
    return RedirectResponse(back_to(request, "/review"), status_code=303)


@router.post("/review/correspondents/ignore")
def ignore_correspondent(request: Request, ws: WorkspaceDep, address: Text = "") -> Response:
    with ws.write() as ctx:
        correspondents.ignore(ctx, [address])
    flash(request, f"{address} will not be offered again.")
    return RedirectResponse(back_to(request, "/review"), status_code=303)
