"""The public pages: sign in, sign out, first-run setup, the health check and the
tokenised calendar feed. Everything else needs a signed-in user."""

from __future__ import annotations

import zoneinfo
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from rapport.errors import NotFound, RapportError
from rapport.services import accounts, feed, sessions, two_factor, workspace
from rapport.services.context import local_zone_name, zone
from rapport.web.deps import RapportDep, rapport_of
from rapport.web.security import RateLimiter, is_local
from rapport.web.sessions import SESSION_ID, session_of
from rapport.web.templating import render

router = APIRouter(tags=["public"])


def safe_next(target: str | None) -> str:
    """Only our own paths: never another site (`//evil`, `https://…`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def sign_in(request: Request, user_id: int, version: str) -> None:
    """A fresh session for this user, kept in the database: a new id and CSRF token,
    nothing carried over; the session this browser had before ends."""
    app = rapport_of(request)
    cookie = session_of(request.scope)
    old = cookie.get(SESSION_ID)
    if isinstance(old, str):
        sessions.end(app, old)
    secret = sessions.begin(
        app,
        user_id,
        user_agent=request.headers.get("user-agent", ""),
        client=_client(request),
    )
    cookie.sign_in(secret, sessions.Signed(user_id, version))


def sign_out(request: Request) -> None:
    """End this browser's session, in the database and in the cookie."""
    cookie = session_of(request.scope)
    secret = cookie.get(SESSION_ID)
    if isinstance(secret, str):
        sessions.end(rapport_of(request), secret)
    cookie.replace({})


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, app: RapportDep, next: str = "/") -> Response:
    if accounts.count(app) == 0:
        return RedirectResponse("/setup", status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "email": ""})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    app: RapportDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    limiter: RateLimiter = request.app.state.login_limiter
    client = _client(request)
    wait = limiter.retry_after(app, email, client)
    context = {"next": safe_next(next), "email": email}
    if wait:
        return render(
            request,
            "login.html",
            {**context, "error": f"Too many attempts. Try again in {wait} seconds."},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    found = accounts.authenticate(app, email, password)
    if found is None:
        limiter.fail(app, email, client)
        return render(
            request,
            "login.html",
            {**context, "error": "That email and password do not match an account."},
            status_code=401,
        )
    limiter.reset(app, email, client)
    user, version = found
    if two_factor.is_on(app, user.id):
        from rapport.web.pages.two_factor import begin_second_step

        return begin_second_step(request, user.id, version, next)
    sign_in(request, user.id, version)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


def _setup_allowed(request: Request, app: RapportDep) -> Response | None:
    """None when this request may create the first account; once one exists, the
    way to sign in (a bookmark to /setup still leads somewhere)."""
    if accounts.count(app) > 0:
        return RedirectResponse("/login", status_code=303)
    if not is_local(request.client.host if request.client else None):
        raise NotFound("there is nothing at this address")
    return None


def _zones() -> list[str]:
    """The time zones a person lives in (Area/City), for the setup form's choices."""
    return sorted(
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )


def _setup_form(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    return render(request, "setup.html", {**context, "zones": _zones()}, status_code=status_code)


@router.get("/setup", include_in_schema=False)
def setup_page(request: Request, app: RapportDep) -> Response:
    elsewhere = _setup_allowed(request, app)
    if elsewhere is not None:
        return elsewhere
    return _setup_form(request, {"email": "", "name": "", "timezone": local_zone_name()})


@router.post("/setup", include_in_schema=False)
def setup(
    request: Request,
    app: RapportDep,
    email: Annotated[str, Form(max_length=320)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=1024)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    elsewhere = _setup_allowed(request, app)
    if elsewhere is not None:
        return elsewhere
    timezone = timezone.strip() or local_zone_name()
    context = {"email": email, "name": name, "timezone": timezone}
    if password != confirm:
        errors = {"confirm": "The two passwords differ."}
        return _setup_form(request, {**context, "errors": errors}, status_code=422)
    try:
        zone(timezone)  # before the account: a wrong zone changes nothing
        user = accounts.add(app, email, password, display_name=name)
        with app.open(write=True) as ctx:  # the first account's network
            workspace.configure(ctx, timezone=timezone)
    except RapportError as exc:
        field = getattr(exc, "field", "email")
        reason = getattr(exc, "reason", exc.message)
        return _setup_form(request, {**context, "errors": {field: reason}}, status_code=422)
    found = accounts.authenticate(app, email, password)
    assert found is not None
    sign_in(request, user.id, found[1])
    return RedirectResponse("/", status_code=303)


@router.get("/healthz", include_in_schema=False)
def healthz(app: RapportDep) -> Response:
    """Up, and the database answers."""
    accounts.count(app)
    return JSONResponse({"status": "ok"})


@router.get("/feed/{secret}.ics", include_in_schema=False)
def calendar_feed(request: Request, secret: str, app: RapportDep) -> Response:
    workspace_id = feed.workspace_for(app, secret)
    if workspace_id is None:
        return PlainTextResponse("no such feed", status_code=404)
    with app.open(workspace_id=workspace_id, today=request.app.state.today) as ctx:
        body = feed.calendar(ctx)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="rapport.ics"'},
    )
