"""Two-step sign-in on the web: enrolment on Settings (QR code, first code, recovery
codes shown once), turning it off, and the sign-in's second step.

A correct password for an account with two-step sign-in does not sign the browser
in: the cookie (signed, so it cannot be forged) only remembers whose password it was
and when, for `PENDING_FOR`. The session begins after the code. Wrong codes count
in the same database-kept throttle as wrong passwords, under their own key."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from rapport.domain.two_factor import PENDING_FOR, Enrolment
from rapport.errors import RapportError
from rapport.services import accounts, two_factor
from rapport.web.deps import RapportDep, WorkspaceDep
from rapport.web.pages.auth import safe_next, sign_in, sign_out
from rapport.web.security import RateLimiter
from rapport.web.sessions import session_of
from rapport.web.templating import flash, render

public_router = APIRouter()
router = APIRouter()

Code = Annotated[str, Form(max_length=100)]
PENDING = "second_step"  # the cookie's key for a sign-in waiting for its code
TOO_LATE = "The sign-in took too long. Enter your password again."


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _throttle_key(user_id: int) -> str:
    return f"two-step:{user_id}"


def qr_svg(enrolment: Enrolment) -> Markup:
    """The otpauth URI as an inline SVG QR code (no script, no image request)."""
    import segno

    svg = segno.make(enrolment.uri, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title="QR code for your authenticator app"
    )
    return Markup(svg)


# --- the sign-in's second step ----------------------------------------------------


def begin_second_step(request: Request, user_id: int, version: str, next: str) -> Response:
    """After a right password: forget any earlier session, remember whose password
    it was, and ask for the code."""
    sign_out(request)
    session_of(request.scope)[PENDING] = {
        "u": user_id,
        "v": version,
        "at": int(time.time()),
        "next": safe_next(next),
    }
    return RedirectResponse("/login/two-step", status_code=303)


def _pending(request: Request) -> dict[str, Any] | None:
    """The sign-in waiting for its code, if there is one and it is fresh; an expired
    one is forgotten."""
    cookie = session_of(request.scope)
    found = cookie.get(PENDING)
    if not isinstance(found, dict) or not isinstance(found.get("u"), int):
        return None
    if time.time() - float(found.get("at", 0)) > PENDING_FOR.total_seconds():
        del cookie[PENDING]
        cookie.modified = True
        return None
    return found


def _step_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    return render(request, "login_two_step.html", context, status_code=status_code)


@public_router.get("/login/two-step", include_in_schema=False)
def second_step_page(request: Request) -> Response:
    if session_of(request.scope).get(PENDING) is None:
        return RedirectResponse("/login", status_code=303)
    if _pending(request) is None:
        flash(request, TOO_LATE, "error")
        return RedirectResponse("/login", status_code=303)
    return _step_page(request, {})


@public_router.post("/login/two-step", include_in_schema=False)
def second_step(request: Request, app: RapportDep, code: Code = "") -> Response:
    started = session_of(request.scope).get(PENDING) is not None
    pending = _pending(request)
    if pending is None:
        if started:
            flash(request, TOO_LATE, "error")
        return RedirectResponse("/login", status_code=303)
    user_id: int = pending["u"]
    limiter: RateLimiter = request.app.state.login_limiter
    client, key = _client(request), _throttle_key(user_id)
    wait = limiter.retry_after(app, key, client)
    if wait:
        response = _step_page(
            request, {"error": f"Too many attempts. Try again in {wait} seconds."}, 429
        )
        response.headers["Retry-After"] = str(wait)
        return response
    accepted = two_factor.check(app, user_id, code)
    if accepted is None:
        limiter.fail(app, key, client)
        return _step_page(request, {"error": two_factor.WRONG_CODE}, status_code=401)
    limiter.reset(app, key, client)
    version = str(pending.get("v", ""))
    if accounts.for_session(app, user_id, version) is None:  # the password changed meanwhile
        session_of(request.scope).replace({})
        return RedirectResponse("/login", status_code=303)
    sign_in(request, user_id, version)
    if accepted.message():
        flash(request, accepted.message(), "ok" if accepted.recovery_left else "error")
    return RedirectResponse(safe_next(str(pending.get("next", "/"))), status_code=303)


# --- enrolment and turning off, on Settings -----------------------------------------


def _settings_page(
    request: Request,
    ws: WorkspaceDep,
    *,
    recovery_codes: list[str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    state = two_factor.status(ws.rapport, ws.user.id)
    enrolment = None if state.on else two_factor.pending(ws.rapport, ws.user.id)
    with ws.read() as ctx:
        required = two_factor.required(ctx)
    return render(
        request,
        "two_step.html",
        {
            "state": state,
            "enrolment": enrolment,
            "qr": qr_svg(enrolment) if enrolment else None,
            "recovery_codes": recovery_codes,
            "error": error,
            "required": required,
        },
        status_code=status_code,
    )


def _throttled(request: Request, ws: WorkspaceDep) -> Response | None:
    limiter: RateLimiter = request.app.state.login_limiter
    wait = limiter.retry_after(ws.rapport, _throttle_key(ws.user.id), _client(request))
    if not wait:
        return None
    response = _settings_page(
        request, ws, error=f"Too many attempts. Try again in {wait} seconds.", status_code=429
    )
    response.headers["Retry-After"] = str(wait)
    return response


def _wrong(request: Request, ws: WorkspaceDep, message: str) -> Response:
    limiter: RateLimiter = request.app.state.login_limiter
    limiter.fail(ws.rapport, _throttle_key(ws.user.id), _client(request))
    return _settings_page(request, ws, error=message, status_code=422)


@router.get("/settings/two-step")
def two_step_page(request: Request, ws: WorkspaceDep) -> Response:
    return _settings_page(request, ws)


@router.post("/settings/two-step/start")
def start(request: Request, ws: WorkspaceDep) -> Response:
    """Turn two-step sign-in on: a new secret, shown as a QR code until confirmed."""
    try:
        two_factor.start(ws.rapport, ws.user.id)
    except RapportError as exc:
        flash(request, exc.message, "error")
    return RedirectResponse("/settings/two-step", status_code=303)


@router.post("/settings/two-step/confirm")
def confirm(request: Request, ws: WorkspaceDep, code: Code = "") -> Response:
    """The first code from the app turns it on; the recovery codes are shown once."""
    throttled = _throttled(request, ws)
    if throttled is not None:
        return throttled
    try:
        codes = two_factor.confirm(ws.rapport, ws.user.id, code)
    except RapportError as exc:
        return _wrong(request, ws, getattr(exc, "reason", exc.message))
    return _settings_page(request, ws, recovery_codes=codes)


@router.post("/settings/two-step/cancel")
def cancel(request: Request, ws: WorkspaceDep) -> Response:
    two_factor.cancel(ws.rapport, ws.user.id)
    return RedirectResponse("/settings#two-step", status_code=303)


@router.post("/settings/two-step/off")
def turn_off(request: Request, ws: WorkspaceDep, code: Code = "") -> Response:
    """Turn two-step sign-in off, proven by a current code or a recovery code."""
    throttled = _throttled(request, ws)
    if throttled is not None:
        return throttled
    try:
        two_factor.turn_off(ws.rapport, ws.user.id, code)
    except RapportError as exc:
        return _wrong(request, ws, getattr(exc, "reason", exc.message))
    flash(request, "Two-step sign-in is off. Your password alone signs you in.")
    return RedirectResponse("/settings#two-step", status_code=303)


@router.post("/settings/two-step/require")
def require(request: Request, ws: WorkspaceDep, required: Code = "") -> Response:
    """An owner requires two-step sign-in of everyone who signs in to the network."""
    on = required == "1"
    try:
        with ws.write() as ctx:
            two_factor.set_required(ctx, ws.user.id, on)
    except RapportError as exc:
        flash(request, exc.message, "error")
        return RedirectResponse("/settings#two-step", status_code=303)
    flash(
        request,
        "Two-step sign-in is now required of everyone who signs in to this network."
        if on
        else "Two-step sign-in is no longer required; each account chooses.",
    )
    return RedirectResponse("/settings#two-step", status_code=303)
