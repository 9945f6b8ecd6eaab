"""The web app installed on a phone: its manifest (name, icons, the share target),
its service worker, and the page shown offline before anything was kept. Public: a
browser fetches the manifest and the worker without the session, and neither says
anything about the user."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rapport.web.templating import HERE, HTMX, render

router = APIRouter(tags=["public"])

THEME = "#1f7a6d"  # app.css --accent
BACKGROUND = "#f5f6f8"  # app.css --bg
# what the worker keeps from its installation on, so the app opens with no connection
SHELL = (
    "/offline",
    "/manifest.webmanifest",
    "/static/app.css",
    "/static/app.js",
    f"/static/{HTMX}",
    "/static/capture-store.js",
    "/static/capture.js",
    "/static/icon.svg",
    "/static/icon-192.png",
    "/static/icon-512.png",
    "/static/icon-maskable-512.png",
)
# the fields a share arrives in (the worker reads them: static/sw.js `receiveShare`)
SHARE_TARGET = {
    "action": "/share",
    "method": "POST",
    "enctype": "multipart/form-data",
    "params": {
        "title": "title",
        "text": "text",
        "url": "url",
        "files": [
            {"name": "card", "accept": ["text/vcard", "text/x-vcard", "text/directory", ".vcf"]}
        ],
    },
}


# fmt: off
def manifest() -> dict[str, Any]:
    """The web app manifest (https://www.w3.org/TR/appmanifest/)."""
    return {
        "id": "/",
        "name": "Rapport",
        "short_name": "Rapport",
        "description": "Your relationships: whom to reach out to today, and what you "
        "talked about — captured on the spot, even offline.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            {
                "src": "/static/icon-192.png",
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": "/static/icon-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": "/static/icon-maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [
            {
                "name": "Capture",
                "description": "Log a conversation or someone met",
                "url": "/capture",
                "icons": [{"src": "/static/icon-192.png", "sizes": "192x192"}],
            },
        ],
        "share_target": SHARE_TARGET,
    }
# fmt: on


@cache
def worker_script() -> bytes:
    """static/sw.js after the list of what it keeps and a version: the hash of those
    files, so any change to them installs a new worker, which fetches them anew."""
    static = HERE / "static"
    digest = hashlib.sha256()
    for path in (*SHELL, "/static/sw.js"):
        if path.startswith("/static/"):
            digest.update((static / path.removeprefix("/static/")).read_bytes())
    for template in ("offline.html", "base.html"):
        digest.update((HERE / "templates" / template).read_bytes())
    head = (
        f"const VERSION = {json.dumps(digest.hexdigest()[:16])};\n"
        f"const SHELL = {json.dumps(list(SHELL))};\n"
    )
    return head.encode() + (static / "sw.js").read_bytes()


@router.get("/manifest.webmanifest", include_in_schema=False)
def web_manifest() -> Response:
    return Response(
        json.dumps(manifest(), ensure_ascii=False, indent=1),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> Response:
    """The worker, from the root so that it may control every page (its scope);
    never taken from a cache without asking, so an update is seen at once."""
    return Response(
        worker_script(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@router.get("/offline", include_in_schema=False)
def offline(request: Request) -> Response:
    """What an installed app shows with no connection before it has kept the capture
    page (never signed in on this phone yet)."""
    return render(request, "offline.html", {})
