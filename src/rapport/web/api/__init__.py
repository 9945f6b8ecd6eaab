"""The JSON API under /api/v1: every route needs a token or a session (one
router-level dependency), and answers errors in the one envelope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from rapport.web.api import agenda, digest, io, mentoring, misc, people, records
from rapport.web.api.schemas import ErrorEnvelope
from rapport.web.deps import current_user

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorEnvelope, "description": "No token, or a wrong or revoked one"},
    404: {"model": ErrorEnvelope, "description": "Not in your workspace"},
    409: {"model": ErrorEnvelope, "description": "Ambiguous reference or conflict"},
    422: {"model": ErrorEnvelope, "description": "Invalid input; `field` names it"},
}

router = APIRouter(prefix="/api/v1", dependencies=[Depends(current_user)], responses=ERRORS)
for module in (people, records, agenda, mentoring, misc, io, digest):
    router.include_router(module.router)
