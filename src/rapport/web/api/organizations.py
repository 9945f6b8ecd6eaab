"""Organisations: listed with the people there now and before; one organisation's
profile (who you know there); two spellings merged into one (one journal entry:
`POST /api/v1/history/{id}/undo` reverses it). `{organization}` is an id, a name or
an unambiguous prefix of one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from rapport.services import organizations
from rapport.services.organizations import (
    OrganizationChange,
    OrganizationOut,
    OrganizationProfile,
)
from rapport.web.api.schemas import In, OwnFields
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["organizations"])


class OrganizationFieldsIn(In):
    fields: OwnFields


class OrganizationMergeIn(BaseModel):
    into: str = Field(
        min_length=1, max_length=300, description="The organisation they all belong to instead"
    )


@router.get("/organizations", response_model=list[OrganizationOut])
def list_organizations(ws: WorkspaceDep) -> Any:
    """Every organisation, the most people there now first."""
    with ws.read() as ctx:
        return organizations.listing(ctx)


@router.get("/organizations/{organization}", response_model=OrganizationProfile)
def get_organization(ws: WorkspaceDep, organization: str) -> Any:
    """Who you know at `organization`: there now and before, with health and last
    contact; the relationship's health (the mean of its current people's); the latest
    conversations."""
    with ws.read() as ctx:
        return organizations.profile(ctx, organization)


@router.patch("/organizations/{organization}", response_model=OrganizationProfile)
def edit_organization(ws: WorkspaceDep, organization: str, body: OrganizationFieldsIn) -> Any:
    """Set the organisation's fields of your own (`fields`, by name; empty clears)."""
    with ws.write() as ctx:
        return organizations.edit_fields(ctx, organization, body.fields)


@router.post("/organizations/{organization}/merge", response_model=OrganizationChange)
def merge(ws: WorkspaceDep, organization: str, body: OrganizationMergeIn) -> Any:
    """Merge `organization` into `into`: its people and roles move, and it is deleted."""
    with ws.write() as ctx:
        return organizations.merge(ctx, organization, body.into)
