"""Possible duplicates: pairs of people that may be one, each score explained in
words (the page of `rapport duplicates`; its JSON twin is /api/v1/duplicates)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rapport.services import duplicates
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import number
from rapport.web.templating import render

router = APIRouter()


@router.get("/duplicates")
def duplicates_page(request: Request, ws: WorkspaceDep) -> Response:
    given = number(request.query_params.get("min_score"), field="min_score")
    min_score = 80 if given is None else given
    with ws.read() as ctx:
        pairs = duplicates.candidates(ctx, min_score=min_score)
    return render(request, "duplicates.html", {"pairs": pairs, "min_score": min_score})
