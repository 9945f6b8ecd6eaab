"""The agenda as a calendar feed (.ics) a calendar app subscribes to by URL.

The URL carries a secret of its own (not an API token: it only reads the feed); the
workspace keeps its SHA-256, so the URL is shown once, when it is made, and making a
new one retires the old."""

from __future__ import annotations

import hashlib
import io
import secrets

from sqlalchemy import select

from rapport.services.context import Ctx, Rapport
from rapport.storage.schema import Workspace
from rapport.storage.uow import unit_of_work

FEED_KEY = "feed_token_sha256"
FEED_PREFIX = "feed_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def renew(ctx: Ctx) -> str:
    """A new feed secret for this workspace (the previous URL stops working)."""
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    secret = FEED_PREFIX + secrets.token_urlsafe(24)
    ws.settings = {**(ws.settings or {}), FEED_KEY: _digest(secret)}
    ctx.settings = dict(ws.settings)
    ctx.session.flush()
    return secret


def stop(ctx: Ctx) -> None:
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    ws.settings = {k: v for k, v in (ws.settings or {}).items() if k != FEED_KEY}
    ctx.settings = dict(ws.settings)
    ctx.session.flush()


def enabled(ctx: Ctx) -> bool:
    return bool(ctx.settings.get(FEED_KEY))


def workspace_for(app: Rapport, secret: str) -> int | None:
    """The workspace whose feed secret this is."""
    if not secret.startswith(FEED_PREFIX) or len(secret) > 100:
        return None
    wanted = _digest(secret)
    with unit_of_work(app.engine, write=False) as session:
        for ws_id, settings in session.execute(select(Workspace.id, Workspace.settings)):
            stored = (settings or {}).get(FEED_KEY)
            if isinstance(stored, str) and secrets.compare_digest(stored, wanted):
                return int(ws_id)
    return None


def calendar(ctx: Ctx) -> str:
    """The agenda feed's iCalendar text (milestones, promises due, today's check-ins)."""
    from rapport.services import exports

    buffer = io.StringIO()
    exports.ics_feed(ctx, buffer)
    return buffer.getvalue()
