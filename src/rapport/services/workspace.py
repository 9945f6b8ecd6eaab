"""The user's workspace: name, time zone, settings, and the owner account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rapport.domain.cadence import DEFAULT_CADENCE_DAYS
from rapport.domain.names import looks_like_email
from rapport.errors import Invalid
from rapport.services import owner as owner_addresses
from rapport.services.context import Ctx, zone
from rapport.storage.schema import User, Workspace


def configure(
    ctx: Ctx,
    *,
    name: str | None = None,
    timezone: str | None = None,
    owner_email: str | None = None,
    owner_name: str | None = None,
) -> dict[str, Any]:
    """Set the workspace's name and time zone and the owner's identity; returns the
    resulting description."""
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    if name is not None:
        if not name.strip():
            raise Invalid("name", "cannot be empty")
        ws.name = name.strip()
    if timezone is not None:
        ctx.tz = zone(timezone)
        ws.timezone = timezone
    if owner_email is not None:
        if not looks_like_email(owner_email):
            raise Invalid("email", f"{owner_email!r} is not an email address")
        owner = ctx.session.scalar(
            select(User).where(User.workspace_id == ws.id, User.is_owner.is_(True))
        )
        if owner is None:
            owner = User(workspace_id=ws.id, email=owner_email.strip().lower(), is_owner=True)
            ctx.session.add(owner)
        owner.email = owner_email.strip().lower()
        if owner_name is not None:
            owner.display_name = owner_name.strip()
        owner_addresses.add(ctx, owner.email, origin="init")
    ctx.session.flush()
    return describe(ctx)


def set_cadence_default(ctx: Ctx, type_: str, days: int) -> dict[str, Any]:
    if type_ not in DEFAULT_CADENCE_DAYS:
        raise Invalid("type", f"{type_!r} is not a relationship type")
    if not 1 <= days <= 3650:
        raise Invalid("days", "must be between 1 and 3650")
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    cadence = {**ws.settings.get("cadence", {}), type_: days}
    ws.settings = {**ws.settings, "cadence": cadence}
    ctx.settings = dict(ws.settings)
    return describe(ctx)


def describe(ctx: Ctx) -> dict[str, Any]:
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    owner = ctx.session.scalar(
        select(User).where(User.workspace_id == ws.id, User.is_owner.is_(True))
    )
    return {
        "workspace": ws.name,
        "timezone": ws.timezone,
        "owner_email": owner.email if owner else None,
        "owner_name": owner.display_name if owner else None,
        "settings": shown_settings(ws.settings or {}),
    }


def shown_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings as they may be displayed: secrets replaced by whether they are set."""
    shown = dict(settings)
    if isinstance(shown.get("smtp"), dict):
        smtp = dict(shown["smtp"])
        clear, sealed = smtp.pop("password", None), smtp.pop("password_sealed", None)
        smtp["password_set"] = bool(clear or sealed)
        shown["smtp"] = smtp
    return shown
