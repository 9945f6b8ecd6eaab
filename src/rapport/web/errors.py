"""Errors mapped once: the JSON envelope for the API, a page (or a redirect to the
login) for the browser.

Every API error answers `{"error": {"type", "message", "field"}}` with the status
its RapportError carries; nothing a client sends should ever produce a 500."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from rapport.errors import AlreadyKnown, Ambiguous, ImportFailed, Invalid, RapportError
from rapport.web.templating import render

log = logging.getLogger("rapport.web")
ENROL = "/settings/two-step"  # where a workspace requiring two-step sign-in sends a user


class NotAuthenticated(RapportError):
    """No valid session or API token."""

    http_status = 401


class EnrolmentRequired(RapportError):
    """The workspace requires two-step sign-in and this account has not turned it on."""

    http_status = 403


class RateLimited(RapportError):
    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def error_type(exc: Exception) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def envelope(
    status: int, type_: str, message: str, field: str | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "message": message, "field": field, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _status_text(status: int) -> str:
    return {
        400: "That request could not be understood",
        401: "Please sign in",
        403: "Not allowed",
        404: "Not found",
        405: "Not allowed here",
        409: "That clashes with something",
        413: "Too large",
        422: "Please check what you entered",
        429: "Too many attempts",
        500: "Something went wrong on our side",
        503: "The database is not reachable",
    }.get(status, "Something went wrong")


def _page(request: Request, status: int, message: str) -> Response:
    return render(
        request,
        "error.html",
        {"status": status, "title": _status_text(status), "message": message},
        status_code=status,
    )


async def rapport_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RapportError)
    if isinstance(exc, NotAuthenticated) and not is_api(request.url.path):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if isinstance(exc, EnrolmentRequired) and not is_api(request.url.path):
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": ENROL})
        return RedirectResponse(ENROL, status_code=303)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if is_api(request.url.path):
        extra: dict[str, Any] = {}
        if isinstance(exc, Ambiguous):
            extra["candidates"] = exc.candidates
        if isinstance(exc, ImportFailed):
            extra["line"] = exc.line
        if isinstance(exc, AlreadyKnown):
            extra["person_id"] = exc.person_id
        field = exc.field if isinstance(exc, Invalid) else None
        response = envelope(exc.http_status, error_type(exc), exc.message, field, **extra)
        if headers:
            response.headers.update(headers)
        return response
    page = _page(request, exc.http_status, exc.message)
    if headers:
        page.headers.update(headers)
    return page


def describe_validation(errors: list[Any]) -> tuple[str, str | None]:
    """One readable sentence and the field it is about, from pydantic's errors."""
    if not errors:
        return "the request is not valid", None
    first = errors[0]
    loc = [str(p) for p in first.get("loc", ())]
    where = loc[0] if loc else ""
    if first.get("type") == "json_invalid":
        detail = (first.get("ctx") or {}).get("error", "")
        at = f" (at character {loc[1]})" if len(loc) > 1 else ""
        return f"the request body is not valid JSON: {detail}{at}".rstrip(": "), "body"
    inner = ".".join(loc[1:]) if where in ("body", "query", "path", "header", "cookie") else ""
    field: str | None = inner or where or None
    message = str(first.get("msg", "is not valid"))
    message = message[:1].lower() + message[1:]
    if field and where == "body" and first.get("type") == "missing" and len(loc) == 1:
        field = "body"
        message = "a JSON body is required"
    return (f"{field}: {message}" if field else message), field


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    message, field = describe_validation(errors)
    if errors and errors[0].get("type") == "json_invalid":
        # not JSON at all is a malformed request (400), not a wrong value (422)
        if is_api(request.url.path):
            return envelope(400, "bad_request", message, field)
        return _page(request, 400, message)
    if is_api(request.url.path):
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg")}
            for e in errors
        ]
        return envelope(422, "invalid", message, field, errors=details)
    return _page(request, 422, message)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail) if exc.detail else _status_text(exc.status_code)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        message = "there is nothing at this address"
    if exc.status_code == 400 and "parsing the body" in message:
        message = "the request body is not valid JSON in UTF-8"
    if exc.status_code == 405:
        allowed = allowed_methods(request)
        headers["Allow"] = ", ".join(allowed)
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=headers)
        message = f"{request.method} is not accepted at this address (use {headers['Allow']})"
    if is_api(request.url.path):
        response: Response = envelope(exc.status_code, _http_type(exc.status_code), message)
    else:
        response = _page(request, exc.status_code, message)
    response.headers.update(headers)
    return response


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app takes at this request's path, as the router
    itself decides (a route answers only one method; a path often has several)."""
    routes = request.app.router.routes
    found = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    return [*found, "OPTIONS"]


def _http_type(status: int) -> str:
    return {
        400: "bad_request",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
    }.get(status, "error")


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "an unexpected error happened; nothing was saved"
    if is_api(request.url.path):
        return envelope(500, "internal", message)
    return _page(request, 500, message)


async def csrf_rejected(scope: Scope, receive: Receive, send: Send, why: str) -> None:
    """The CSRF middleware's answer: 403 as an envelope or a page."""
    request = Request(scope, receive)
    response = envelope(403, "csrf", why) if is_api(request.url.path) else _page(request, 403, why)
    await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RapportError, rapport_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
