"""The JSON API under /api/v1: every route needs a token or a session (one
router-level dependency), and answers errors in the one envelope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Security
from fastapi.security import HTTPBearer

from rapport.web.api import (
    accounts,
    agenda,
    captures,
    correspondents,
    digest,
    fields,
    history,
    io,
    lists,
    mentoring,
    misc,
    organizations,
    paths,
    people,
    records,
    review,
    roles,
    tags,
)
from rapport.web.api.schemas import ErrorEnvelope
from rapport.web.deps import current_user

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorEnvelope, "description": "The body is not JSON, or not UTF-8"},
    401: {"model": ErrorEnvelope, "description": "No token, or a wrong or revoked one"},
    404: {"model": ErrorEnvelope, "description": "Not in your workspace"},
    409: {
        "model": ErrorEnvelope,
        "description": "Ambiguous reference, a conflict, or a well-formed request that "
        "contradicts today's date, another field or what is stored (`field` names it)",
    },
    422: {"model": ErrorEnvelope, "description": "Invalid input; `field` names it"},
}

# declares the token in the OpenAPI document; `current_user` checks it (or the session)
bearer = HTTPBearer(auto_error=False, description="An API token: `Bearer rpt_…`")
router = APIRouter(
    prefix="/api/v1", dependencies=[Security(bearer), Depends(current_user)], responses=ERRORS
)
for module in (
    people,
    records,
    agenda,
    mentoring,
    misc,
    io,
    digest,
    history,
    review,
    correspondents,
    captures,
    roles,
    lists,
    tags,
    fields,
    organizations,
    paths,
):
    router.include_router(module.router)
router.include_router(accounts.router)
