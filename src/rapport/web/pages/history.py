"""History: what was done, newest first, each action with Undo."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from rapport.services import journal
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import back_to, flash, render

router = APIRouter()


@router.get("/history")
def history_page(request: Request, ws: WorkspaceDep) -> Response:
    with ws.read() as ctx:
        entries = journal.history(ctx, limit=100)
    return render(request, "history.html", {"entries": entries})


@router.post("/history/{entry_id}/undo")
def undo(request: Request, ws: WorkspaceDep, entry_id: int) -> Response:
    with ws.write() as ctx:
        done = journal.undo(ctx, entry_id)
    request.state.journal_entry = None  # an undo is not itself undone
    flash(request, done.summary + ".")
    return RedirectResponse(back_to(request, "/history"), status_code=303)
