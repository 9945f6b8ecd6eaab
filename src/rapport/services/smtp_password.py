"""The daily digest's mail server password at rest: sealed with the installation's
key (`services.secret_box`), like the sync accounts' passwords, so neither the
database file, the journal's row images nor the JSON backup carry it.

It lives in the workspace's settings as `smtp.password_sealed`. A password stored
in clear by an older Rapport (`smtp.password`) is sealed on first use
(`seal_clear`), and the journal entries that recorded it are rewritten to hold the
sealed value instead."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import String, cast, select, update

from rapport.services.context import Ctx, Rapport
from rapport.services.secret_box import SecretBox
from rapport.storage.schema import JournalEntry, Workspace
from rapport.storage.uow import unit_of_work

CLEAR = "password"  # where an older Rapport kept it, in clear
SEALED = "password_sealed"


def purpose(workspace_id: int) -> str:
    return f"smtp:{workspace_id}"


def sealed_values(
    box: SecretBox, workspace_id: int, smtp: dict[str, Any], password: str | None
) -> dict[str, Any]:
    """`smtp` settings with `password` sealed in (None keeps the one there)."""
    values = {k: v for k, v in smtp.items() if k != CLEAR}
    if password is not None:
        values[SEALED] = box.seal(password, purpose(workspace_id)) if password else None
    elif smtp.get(CLEAR):
        values[SEALED] = box.seal(str(smtp[CLEAR]), purpose(workspace_id))
    return values


def password(box: SecretBox, workspace_id: int, smtp: dict[str, Any]) -> str | None:
    """The stored password, opened (None when there is none)."""
    if smtp.get(SEALED):
        return box.open(str(smtp[SEALED]), purpose(workspace_id))
    clear = smtp.get(CLEAR)
    return str(clear) if clear else None


def is_set(smtp: dict[str, Any]) -> bool:
    return bool(smtp.get(SEALED) or smtp.get(CLEAR))


def seal_clear(app: Rapport, box: SecretBox, workspace_id: int | None = None) -> int:
    """Seal every password an older Rapport stored in clear (on `workspace_id`, or
    every workspace), and rewrite the journal entries that hold it. Not an action of
    the user's: it is not journaled. Returns how many were sealed."""
    with unit_of_work(app.engine, write=False) as session:
        query = select(Workspace.id, Workspace.settings)
        if workspace_id is not None:
            query = query.where(Workspace.id == workspace_id)
        clear = [
            wid for wid, settings in session.execute(query).all() if _clear_of(settings) is not None
        ]
    for wid in clear:
        with app.open(write=True, workspace_id=wid) as ctx:
            _seal_in(ctx, box)
    return len(clear)


def _clear_of(settings: Any) -> str | None:
    smtp = (settings or {}).get("smtp") if isinstance(settings, dict) else None
    found = smtp.get(CLEAR) if isinstance(smtp, dict) else None
    return str(found) if found else None


def _seal_in(ctx: Ctx, box: SecretBox) -> None:
    ctx.unjournaled()
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    secret = _clear_of(ws.settings)
    if secret is None:  # another process did it first
        return
    smtp = dict((ws.settings or {})["smtp"])
    values = sealed_values(box, ctx.workspace_id, smtp, None)
    ws.settings = {**(ws.settings or {}), "smtp": values}
    ctx.settings = dict(ws.settings)
    _scrub_journal(ctx, box, secret)


def _scrub_journal(ctx: Ctx, box: SecretBox, secret: str) -> None:
    """Journal entries whose row images quote the clear password get the sealed
    value in its place (an undo then puts back a sealed password, which opens)."""
    fragment = json.dumps(secret)[1:-1]  # as JSON writes it
    entries = ctx.session.execute(
        select(JournalEntry.id, JournalEntry.changes).where(
            JournalEntry.workspace_id == ctx.workspace_id,
            cast(JournalEntry.changes, String).contains(fragment, autoescape=True),
        )
    ).all()
    for entry_id, changes in entries:
        ctx.session.execute(
            update(JournalEntry)
            .where(JournalEntry.id == entry_id)
            .values(changes=_replaced(changes, box, ctx.workspace_id, secret))
        )


def _replaced(value: Any, box: SecretBox, workspace_id: int, secret: str) -> Any:
    if isinstance(value, dict):
        if value.get(CLEAR) == secret:
            value = sealed_values(box, workspace_id, value, None)
        return {k: _replaced(v, box, workspace_id, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, box, workspace_id, secret) for v in value]
    if value == secret:
        return "•••"
    return value
