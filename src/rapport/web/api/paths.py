"""Warm introduction paths: who can introduce the user to a person or to anyone at an
organisation, each hop with its reason; who knows a person; the request to the first
person to ask, drafted (nothing is sent or stored)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rapport.services import warm_paths
from rapport.services.warm_paths import IntroductionDraft, Paths
from rapport.web.api.schemas import PathId, Text
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["people"])
HowMany = Annotated[int, Query(ge=1, le=50, description="How many paths")]


@router.get("/people/{person_id}/paths", response_model=Paths)
def person_paths(ws: WorkspaceDep, person_id: PathId, limit: HowMany = 5) -> Any:
    """The best warm paths to this person, strongest first: the first hop is whom to
    ask (your health with them), the next say how they are tied ("Ana and Jane were
    both at Acme (2019–2021)"). `known_by`: everyone tied to them."""
    with ws.read() as ctx:
        return warm_paths.to_person(ctx, person_id, limit=limit)


@router.get("/people/{person_id}/introduction-request", response_model=IntroductionDraft)
def introduction_request(
    ws: WorkspaceDep,
    person_id: PathId,
    about: Annotated[
        Text, Query(max_length=300, description="What you'd like to talk to them about")
    ] = "",
) -> Any:
    """A message asking the first person of the best path to introduce you (409 when
    no one Rapport knows of can)."""
    with ws.read() as ctx:
        return warm_paths.introduction(ctx, person_id, about=about)


@router.get("/organizations/{organization}/paths", response_model=Paths)
def organization_paths(ws: WorkspaceDep, organization: str, limit: HowMany = 5) -> Any:
    """The best warm paths to anyone you know of at the organisation now."""
    with ws.read() as ctx:
        return warm_paths.to_organization(ctx, organization, limit=limit)
