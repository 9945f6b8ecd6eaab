"""Organisations: listed with the people there now and before; one organisation's
profile (who you know there); two spellings merged into one (one journal entry:
`POST /api/v1/history/{id}/undo` reverses it). `{organization}` is an id, a name or
an unambiguous prefix of one; its industry, website and notes can be corrected."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from rapport.domain.text import MAX_TEXT
from rapport.services import organizations
from rapport.services.organizations import (
    OrganizationChange,
    OrganizationOut,
    OrganizationProfile,
)
from rapport.web.api.schemas import In, OwnFields, Str, Text
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["organizations"])


class OrganizationPatch(In):
    industry: Annotated[Text, Str(200)] | None = Field(
        None, description='What it does, e.g. "Fintech"; "" clears it'
    )
    website: Annotated[Text, Str(500)] | None = Field(
        None, description='Its web address (https:// is added); "" clears it'
    )
    notes: Annotated[Text, Str(MAX_TEXT)] | None = Field(
        None, description='What to remember about it; "" clears it'
    )
    fields: OwnFields | None = Field(
        None, description="Fields of your own, by name (an empty value clears one)"
    )


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
def edit_organization(ws: WorkspaceDep, organization: str, body: OrganizationPatch) -> Any:
    """Correct the industry, website or notes of `organization`, or set its fields of
    your own (`fields`, by name; empty clears): what is given changes, the rest stays.
    Its profile as it is now."""
    details = organizations.OrganizationDetails(body.industry, body.website, body.notes)
    with ws.write() as ctx:
        found = organizations.edit(ctx, organization, details)
        if body.fields is not None:
            found = organizations.edit_fields(ctx, organization, body.fields)
        return found


@router.post("/organizations/{organization}/merge", response_model=OrganizationChange)
def merge(ws: WorkspaceDep, organization: str, body: OrganizationMergeIn) -> Any:
    """Merge `organization` into `into`: its people and roles move, and it is deleted."""
    with ws.write() as ctx:
        return organizations.merge(ctx, organization, body.into)
