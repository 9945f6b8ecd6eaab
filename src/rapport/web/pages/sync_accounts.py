"""Settings › Accounts: the mail and calendar accounts Rapport syncs from. Add one
(checked first unless asked not to), see each one's state in words (the list polls
while a sync runs), test, sync now, pause or resume, give a new password, remove
(after a confirmation). A password is typed in and never rendered back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from rapport.errors import Invalid, RapportError
from rapport.services import secret_box, sync, sync_accounts
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import Text, number
from rapport.web.templating import flash, render

router = APIRouter()
HOME = "/settings/accounts"
QUICK_RESULT = 3.0  # seconds "sync now" waits to say the outcome, before leaving it running


def _listed(ws: WorkspaceDep) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    with ws.read() as ctx:
        views = sync_accounts.listing(ctx)
    return [{"a": v, "state": sync_accounts.state(v, now)} for v in views]


def _page(
    request: Request,
    ws: WorkspaceDep,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    removing: int | None = None,
) -> Response:
    return render(
        request,
        "accounts.html",
        {
            "accounts": _listed(ws),
            "errors": errors or {},
            "form": form or {"kind": "imap", "security": "tls", "interval": "15"},
            "kinds": sync_accounts.KINDS,
            "security_choices": sync_accounts.SECURITY,
            "removing": removing,
        },
        status_code=status_code,
    )


@router.get("/settings/accounts")
def accounts_page(request: Request, ws: WorkspaceDep) -> Response:
    return _page(request, ws)


@router.get("/settings/accounts/list")
def accounts_list(request: Request, ws: WorkspaceDep) -> Response:
    """The list alone (what the page polls while a sync runs)."""
    return render(request, "partials/accounts_list.html", {"accounts": _listed(ws)})


@router.post("/settings/accounts")
async def add_account(request: Request, ws: WorkspaceDep) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    kept = {k: v for k, v in values.items() if k not in ("password", "csrf_token")}
    lines = (values.get("folders") or "").replace(",", "\n").splitlines()
    try:
        spec = sync_accounts.AccountSpec(
            kind=values.get("kind", ""),
            host=values.get("host", ""),
            username=values.get("username", ""),
            password=values.get("password", ""),
            name=values.get("name") or None,
            port=number(values.get("port"), field="port") or None,
            security=values.get("security") or "tls",
            folders=[f for f in lines if f.strip()],
            interval_minutes=number(values.get("interval"), field="interval")
            or sync_accounts.DEFAULT_INTERVAL,
        )
        found = None if values.get("no_check") == "on" else sync.check_first(spec)
        with ws.write() as ctx:
            view = sync_accounts.add(ctx, secret_box.of(ws.rapport), spec)
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={exc.field: exc.reason}, form=kept)
    except RapportError as exc:
        return _page(
            request, ws, status_code=exc.http_status, errors={"account": exc.message}, form=kept
        )
    checked = f". Signed in: {found}." if found else " without signing in first."
    flash(request, f"Account “{view.name}” added{checked} It syncs while Rapport runs.")
    return RedirectResponse(HOME, status_code=303)


@router.post("/settings/accounts/{account_id}/test")
def test_account(request: Request, ws: WorkspaceDep, account_id: int) -> Response:
    try:
        with ws.read() as ctx:
            name = sync_accounts.get(ctx, account_id).name
            found = sync.check(ctx, secret_box.of(ws.rapport), account_id)
    except RapportError as exc:
        if exc.http_status == 404:
            raise
        flash(request, f"Could not sign in: {exc.message}", "error")
        return RedirectResponse(HOME, status_code=303)
    flash(request, f"“{name}”: signed in. {found}")
    return RedirectResponse(HOME, status_code=303)


@router.post("/settings/accounts/{account_id}/sync")
def sync_now(request: Request, ws: WorkspaceDep, account_id: int) -> Response:
    """Sync now, in the background; a quick outcome (a server that refuses at once)
    is said at once, a long run shows its progress in the list."""
    started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with ws.read() as ctx:
        view = sync_accounts.get(ctx, account_id)
    thread = sync.start(ws.rapport, secret_box.of(ws.rapport), view.id)
    if thread is None:
        flash(request, f"“{view.name}” is already syncing.")
        return RedirectResponse(HOME, status_code=303)
    thread.join(QUICK_RESULT)
    with ws.read() as ctx:
        after = sync_accounts.get(ctx, account_id)
    if after.running or thread.is_alive():
        flash(request, f"“{view.name}” is syncing: its progress shows below.")
    elif after.last_error and after.last_error_at and after.last_error_at >= started:
        flash(request, f"Sync of “{view.name}” failed: {after.last_error}", "error")
    else:
        flash(request, f"“{view.name}” synced.")
    return RedirectResponse(HOME, status_code=303)


def _change(
    request: Request, ws: WorkspaceDep, account_id: int, said: str, **changes: Any
) -> Response:
    try:
        with ws.write() as ctx:
            view = sync_accounts.change(ctx, secret_box.of(ws.rapport), account_id, **changes)
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={exc.field: exc.reason})
    flash(request, f"“{view.name}” {said}")
    return RedirectResponse(HOME, status_code=303)


@router.post("/settings/accounts/{account_id}/pause")
def pause(request: Request, ws: WorkspaceDep, account_id: int) -> Response:
    return _change(request, ws, account_id, "is paused.", enabled=False)


@router.post("/settings/accounts/{account_id}/resume")
def resume(request: Request, ws: WorkspaceDep, account_id: int) -> Response:
    return _change(request, ws, account_id, "syncs again, starting now.", enabled=True)


@router.post("/settings/accounts/{account_id}/password")
def new_password(
    request: Request, ws: WorkspaceDep, account_id: int, password: Text = ""
) -> Response:
    return _change(
        request, ws, account_id, "has its new password; it syncs now.", password=password
    )


@router.post("/settings/accounts/{account_id}/change")
def change(
    request: Request,
    ws: WorkspaceDep,
    account_id: int,
    folders: Text = "",
    interval: Text = "",
) -> Response:
    lines = [f for f in folders.replace(",", "\n").splitlines() if f.strip()]
    try:
        minutes = number(interval, field="interval") or None
    except Invalid as exc:
        return _page(request, ws, status_code=422, errors={exc.field: exc.reason})
    return _change(request, ws, account_id, "saved.", folders=lines, interval_minutes=minutes)


@router.post("/settings/accounts/{account_id}/remove")
def remove(request: Request, ws: WorkspaceDep, account_id: int, confirmed: Text = "") -> Response:
    """First asks (the page again, with the question); removes once confirmed."""
    if confirmed != "yes":
        with ws.read() as ctx:
            sync_accounts.get(ctx, account_id)  # 404 for another workspace's
        return _page(request, ws, removing=account_id)
    with ws.write() as ctx:
        gone = sync_accounts.remove(ctx, account_id)
    flash(request, f"Account “{gone.name}” removed. What it brought stays in your network.")
    return RedirectResponse(HOME, status_code=303)
