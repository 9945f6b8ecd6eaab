"""Capture on the spot, with or without a connection: find someone already in the
network and log a conversation, or note someone new met. The page is the app's
offline shell (the service worker keeps it); what is captured waits on the phone
(static/capture-store.js) and goes to /api/v1/captures, each capture once."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rapport.domain.vocabulary import InteractionKind
from rapport.web.deps import WorkspaceDep
from rapport.web.templating import render

router = APIRouter()
SHARED_FIELDS = ("title", "text", "url")


def shared_text(title: str, text: str, url: str) -> str:
    """What was shared to the app, as one note: the title, the text and the link,
    each once (a page shared from a browser often repeats its link in the text)."""
    parts: list[str] = []
    for part in (title.strip(), text.strip(), url.strip()):
        if part and not any(part in seen for seen in parts):
            parts.append(part)
    return "\n".join(parts)[:20_000]


@router.get("/capture")
def capture_page(
    request: Request, ws: WorkspaceDep, title: str = "", text: str = "", url: str = ""
) -> Response:
    with ws.read() as ctx:
        tz = ctx.tz
    context = {
        "shared": shared_text(title, text, url),
        "kinds": [kind.value for kind in InteractionKind],
        "rendered_at": int(time.time() * 1000),
        "tz": tz,
    }
    return render(request, "capture.html", context)
