"""How to reach someone: the warm paths to a person (a card on their page, loaded
when it comes into view, and a page of its own) or to anyone at an organisation, and
the introduction request drafted for the first person to ask."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from rapport.domain.text import strip_controls
from rapport.errors import Conflict
from rapport.services import organizations, people, warm_paths
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import render

router = APIRouter()


def _fragment(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("/people/{person_id}/paths")
def person_paths(request: Request, ws: WorkspaceDep, person_id: int) -> Response:
    with ws.read() as ctx:
        found = warm_paths.to_person(ctx, person_id)
        person = people.show(ctx, person_id)
    values = {"found": found, "person": person, "org": None}
    return render(request, "partials/paths.html" if _fragment(request) else "paths.html", values)


@router.get("/people/{person_id}/paths/draft")
def introduction_draft(
    request: Request,
    ws: WorkspaceDep,
    person_id: int,
    about: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    with ws.read() as ctx:
        person = people.show(ctx, person_id)
        try:
            draft = warm_paths.introduction(ctx, person_id, about=strip_controls(about))
            problem = None
        except Conflict as exc:
            draft, problem = None, str(exc)
        emails = people.show(ctx, draft.to_person_id).emails if draft else []
    values = {
        "draft": draft,
        "problem": problem,
        "person": person,
        "email": emails[0] if emails else None,
    }
    template = "partials/intro_draft.html" if _fragment(request) else "intro_draft.html"
    return render(request, template, values)


@router.get("/organizations/{organization_id}/paths")
def organization_paths(request: Request, ws: WorkspaceDep, organization_id: int) -> Response:
    with ws.read() as ctx:
        found = warm_paths.to_organization(ctx, f"#{organization_id}", limit=10)
        org = organizations.find(ctx, f"#{organization_id}")
        org_ref = {"id": org.id, "name": org.name}
    return render(request, "paths.html", {"found": found, "person": None, "org": org_ref})
