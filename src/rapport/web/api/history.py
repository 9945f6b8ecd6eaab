"""The journal of actions: history and undo."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rapport.domain.records import JournalEntryOut
from rapport.services import journal
from rapport.web.api.schemas import PathId
from rapport.web.deps import WorkspaceDep

router = APIRouter()


@router.get("/history", response_model=list[JournalEntryOut], tags=["history"])
def history(ws: WorkspaceDep, limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> Any:
    """Every action that changed data, newest first, with what it changed in words."""
    with ws.read() as ctx:
        return journal.history(ctx, limit=limit)


@router.post("/history/{entry_id:int}/undo", response_model=JournalEntryOut, tags=["history"])
def undo(ws: WorkspaceDep, entry_id: PathId) -> Any:
    """Undo an action: put back exactly what it replaced (409 when a later action
    changed the same records: undo that one first). Returns the undo's own entry."""
    with ws.write() as ctx:
        return journal.undo(ctx, entry_id)
