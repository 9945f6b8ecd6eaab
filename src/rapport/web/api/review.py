"""The review queue: records an import matched only by name (or by a phone under
another name), waiting to be accepted or kept separate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rapport.domain.review import ReviewOutcome, ReviewPage
from rapport.services import review
from rapport.web.api.schemas import PathId, ProposalKind, ReviewKindIn
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["review"])


@router.get("/review", response_model=ReviewPage)
def list_proposals(
    ws: WorkspaceDep,
    kind: Annotated[ProposalKind | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=review.MAX_PER_PAGE)] = review.PER_PAGE,
) -> Any:
    """The proposals waiting, oldest first, each with its evidence and the changes
    accepting it would make (field by field), and how many wait of each kind."""
    with ws.read() as ctx:
        return review.listing(ctx, page=page, per_page=per_page, kind=kind)


@router.post("/review/{proposal_id}/accept", response_model=ReviewOutcome)
def accept(ws: WorkspaceDep, proposal_id: PathId) -> Any:
    """Apply the record to the person, as an import update (a new organization or
    title becomes role history). A proposal whose person is gone is dropped and
    listed in `dropped`. 404 when no such proposal waits."""
    with ws.write() as ctx:
        return review.accept(ctx, [proposal_id])


@router.post("/review/{proposal_id}/separate", response_model=ReviewOutcome)
def separate(ws: WorkspaceDep, proposal_id: PathId) -> Any:
    """Add the record as a new person instead. 404 when no such proposal waits."""
    with ws.write() as ctx:
        return review.separate(ctx, [proposal_id])


@router.post("/review/accept-all", response_model=ReviewOutcome)
def accept_all(ws: WorkspaceDep, body: ReviewKindIn) -> Any:
    """Accept every waiting proposal of one kind."""
    with ws.write() as ctx:
        return review.accept_all(ctx, body.kind)


@router.post("/review/separate-all", response_model=ReviewOutcome)
def separate_all(ws: WorkspaceDep, body: ReviewKindIn) -> Any:
    """Keep every waiting proposal of one kind separate (each a new person)."""
    with ws.write() as ctx:
        return review.separate_all(ctx, body.kind)
