"""Settings: time zone, your own email addresses (added and removed one by one),
keep-in-touch rhythm per type, draft templates, the daily digest (mail server, time,
its health), API tokens, the account's password and its signed-in browsers."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from rapport.domain.accounts import NewToken
from rapport.domain.agenda import rules as agenda_rules
from rapport.domain.carddav import phone_setup
from rapport.errors import Invalid, RapportError
from rapport.services import (
    accounts,
    digest,
    lists,
    owner,
    preferences,
    secret_box,
    sessions,
    sync_accounts,
    tokens,
    two_factor,
)
from rapport.services import date_order as order_setting
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import Text, number, words
from rapport.web.pages.auth import sign_in, sign_out
from rapport.web.sessions import SESSION_ID, session_of
from rapport.web.templating import flash, render

router = APIRouter()


@cache
def zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def _page(
    request: Request,
    ws: WorkspaceDep,
    *,
    status_code: int = 200,
    new_token: NewToken | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    with ws.read() as ctx:
        prefs = preferences.describe(ctx)
        own = owner.describe(ctx)
        token_list = tokens.listing(ctx)
        digest_settings = digest.settings_view(ctx)
        digest_status = digest.status(ctx)
        all_lists = lists.names(ctx)
        sync_count = len(sync_accounts.listing(ctx))
        two_step_required = two_factor.required(ctx)
    current = session_of(request.scope).get(SESSION_ID)
    two_step = two_factor.status(ws.rapport, ws.user.id)
    signed_in = sessions.listing(
        ws.rapport, ws.user.id, current if isinstance(current, str) else None
    )
    return render(
        request,
        "settings.html",
        {
            "prefs": prefs,
            "owner": own,
            "origins": owner.ORIGINS,
            "all_lists": all_lists,
            "tokens": token_list,
            "sessions": signed_in,
            "two_step": two_step,
            "two_step_required": two_step_required,
            "new_token": new_token,
            "errors": errors or {},
            "zones": zone_names(),
            "digest": digest_settings,
            "digest_status": digest_status,
            "sync_count": sync_count,
            "security_choices": ("starttls", "ssl", "none"),
            "agenda_rules": agenda_rules.RULES,
            "carddav": phone_setup(str(request.base_url), ws.user.email),
        },
        status_code=status_code,
    )


@router.get("/settings")
def settings_page(request: Request, ws: WorkspaceDep) -> Response:
    return _page(request, ws)


@router.post("/settings")
async def save_settings(request: Request, ws: WorkspaceDep) -> Response:
    """The preferences form: workspace name, time zone, own emails, rhythms, the
    agenda's timing, health's weights."""
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        with ws.write() as ctx:
            current = preferences.describe(ctx)
            cadence = {
                t: number(values.get(f"cadence_{t}"), field=f"cadence.{t}")
                for t in current.cadence
                if f"cadence_{t}" in values
            }
            windows = {
                name: number(values.get(f"agenda_{name}"), field=f"agenda.{name}")
                for name in current.agenda
                if f"agenda_{name}" in values
            }
            weights = {
                name: values[f"health_weight_{name}"].strip() + "%"  # the form says percent
                for name in current.health_weights
                if values.get(f"health_weight_{name}", "").strip()
            }
            preferences.update(
                ctx,
                health_weights=weights or None,
                workspace=values.get("workspace"),
                timezone=values.get("timezone") or None,
                own_emails=words(values.get("own_emails")) if "own_emails" in values else None,
                cadence=cadence or None,
                agenda=windows or None,
            )
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={exc.field: exc.reason})
    flash(request, "Settings saved.")
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/me")
def add_own_address(request: Request, ws: WorkspaceDep, address: Text = "") -> Response:
    """Your addresses: remember one more."""
    try:
        with ws.write() as ctx:
            added = owner.add(ctx, address, origin="settings")
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={"address": exc.reason})
    key = address.strip().lower()
    on = next((a for a in added.addresses if a.address == key and a.person_id), None)
    flash(
        request,
        f"{key} is yours now. {on.person_name} has it too: if that record is you, archive "
        "it (below)."
        if on
        else f"{key} is yours now: imports will not add it as a contact.",
    )
    return RedirectResponse("/settings#me", status_code=303)


@router.post("/settings/me/remove")
def remove_own_address(request: Request, ws: WorkspaceDep, address: Text = "") -> Response:
    """Your addresses: forget one."""
    with ws.write() as ctx:
        was_not_me = address.strip().lower() in owner.not_me(ctx)
        owner.remove(ctx, address)
    if was_not_me:
        flash(request, f"Imports may ask again whether {address.strip()} is you.")
    else:
        flash(request, f"{address.strip()} is no longer one of your addresses.")
    return RedirectResponse("/settings#me", status_code=303)


@router.post("/settings/digest")
async def save_digest(request: Request, ws: WorkspaceDep) -> Response:
    """The daily digest form: the mail server, when and where it goes. An empty
    password field keeps the stored password."""
    form = await request.form()
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
    try:
        with ws.write() as ctx:
            if values.get("smtp_host"):
                digest.configure_smtp(
                    ctx,
                    secret_box.of(ws.rapport),
                    host=values["smtp_host"],
                    port=number(values.get("smtp_port"), field="smtp_port") or None,
                    security=values.get("smtp_security") or "starttls",
                    user=values.get("smtp_user") or None,
                    password=values.get("smtp_password") or None,
                    sender=values.get("smtp_from") or None,
                )
            digest.configure_digest(
                ctx,
                enabled=values.get("enabled") == "on",
                time=values.get("time") or None,
                to=values.get("to") or None,
                base_url=values.get("base_url") or None,
                lists=[
                    int(i)
                    for i in form.getlist("digest_lists")
                    if isinstance(i, str) and i.isascii() and i.isdigit() and len(i) < 10
                ],
            )
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={exc.field: exc.reason})
    flash(request, "Daily digest saved.")
    return RedirectResponse("/settings#digest", status_code=303)


@router.post("/settings/digest/send")
def send_digest(request: Request, ws: WorkspaceDep) -> Response:
    """Send today's digest now (a test of the mail settings)."""
    import datetime as dt

    try:
        with ws.read() as ctx:
            workspace_id = ctx.workspace_id
        result = digest.deliver(ws.rapport, workspace_id, dt.datetime.now(dt.UTC), force=True)
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={exc.field: exc.reason})
    if result.outcome == "failed":
        return _page(request, ws, status_code=502, errors={"digest": result.message})
    flash(request, f"Digest {result.message}.")
    return RedirectResponse("/settings#digest", status_code=303)


@router.post("/settings/templates")
async def save_templates(request: Request, ws: WorkspaceDep) -> Response:
    form = await request.form()
    edited = {
        k.removeprefix("template_"): (v if isinstance(v, str) else None)
        for k, v in form.items()
        if k.startswith("template_")
    }
    try:
        with ws.write() as ctx:
            preferences.update(ctx, templates=edited)
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={exc.field: exc.reason})
    flash(request, "Templates saved.")
    return RedirectResponse("/settings#templates", status_code=303)


@router.post("/settings/tokens")
def create_token(request: Request, ws: WorkspaceDep, name: Text = "") -> Response:
    try:
        with ws.write() as ctx:
            made = tokens.create(ctx, ws.user.id, name)
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={"token_name": exc.reason})
    return _page(request, ws, new_token=made)


@router.post("/settings/tokens/{token_id}/revoke")
def revoke_token(request: Request, ws: WorkspaceDep, token_id: int) -> Response:
    with ws.write() as ctx:
        row = tokens.revoke(ctx, token_id)
    flash(request, f"Revoked the token “{row.name}”: it no longer works.")
    return RedirectResponse("/settings#tokens", status_code=303)


@router.post("/settings/password")
def change_password(
    request: Request,
    ws: WorkspaceDep,
    current: Text = "",
    new: Text = "",
    confirm: Text = "",
) -> Response:
    if new != confirm:
        return _page(request, ws, status_code=422, errors={"confirm": "the two passwords differ"})
    try:
        version = accounts.change_password(ws.rapport, ws.user.id, current, new)
    except RapportError as exc:
        field = exc.field if isinstance(exc, Invalid) else "current_password"
        reason = exc.reason if isinstance(exc, Invalid) else exc.message
        return _page(request, ws, status_code=422, errors={field: reason})
    sign_in(request, ws.user.id, version)
    flash(request, "Password changed; other sessions are signed out.")
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/sessions/{session_id}/end")
def end_session(request: Request, ws: WorkspaceDep, session_id: int) -> Response:
    """Sign one of this account's browsers out."""
    if sessions.end_one(ws.rapport, ws.user.id, session_id):
        flash(request, "That browser is signed out.")
    return RedirectResponse("/settings#sessions", status_code=303)


@router.post("/settings/sessions/end-all")
def end_all_sessions(request: Request, ws: WorkspaceDep) -> Response:
    """Sign this account out of every browser, this one included."""
    sessions.end_all(ws.rapport, ws.user.id)
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.post("/settings/dates")
def save_date_order(request: Request, ws: WorkspaceDep, date_order: Text = "auto") -> Response:
    """The Dates form: the order typed dates like 12/10/1985 are read in."""
    try:
        with ws.write() as ctx:
            view = order_setting.choose(ctx, date_order)
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={"date_order": exc.reason})
    flash(request, f"Date order saved. {view.says}")
    return RedirectResponse("/settings#dates", status_code=303)
