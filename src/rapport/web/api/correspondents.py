"""People the user emails with who are not in the network, offered by the mail sync:
listed, added (with the conversations kept for them) or not offered again."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from rapport.services import correspondents
from rapport.services.correspondents import CorrespondentOut, Decided
from rapport.web.deps import WorkspaceDep

router = APIRouter(tags=["correspondents"])


class AddressesIn(BaseModel):
    addresses: list[str] = Field(min_length=1, max_length=500, description="Email addresses")


@router.get("/correspondents", response_model=list[CorrespondentOut])
def list_offered(ws: WorkspaceDep) -> Any:
    """The addresses offered, most exchanges first: at least three exchanges (days of
    an email thread) with someone not in the network, one of which the user wrote in."""
    with ws.read() as ctx:
        return correspondents.offered(ctx)


@router.post("/correspondents/add", response_model=Decided)
def add(ws: WorkspaceDep, body: AddressesIn) -> Any:
    """Add each address as a person, with the conversations the sync kept for it as
    interactions (under the sync's external ids: nothing doubles). 404 for an address
    no exchange was counted with."""
    with ws.write() as ctx:
        return correspondents.add(ctx, body.addresses)


@router.post("/correspondents/ignore", response_model=Decided)
def ignore(ws: WorkspaceDep, body: AddressesIn) -> Any:
    """Stop offering each address; nothing is added."""
    with ws.write() as ctx:
        return correspondents.ignore(ctx, body.addresses)
