"""CSRF protection for every form and every cookie-authenticated write.

A write (POST, PUT, PATCH, DELETE) is let through only if it carries the session's
CSRF token: in the `X-CSRF-Token` header (HTMX and scripts send it) or in the
`csrf_token` field of a form. Requests authenticated by an API token carry no
ambient authority (a browser never adds the header by itself), so they need none.
This is a middleware, not a per-route check, so a new form cannot forget it.

The CardDAV server (`web.carddav`, under /dav/) reads no cookie: phones authenticate
each request with Basic credentials (email, API token). A browser that remembers
those credentials could send them cross-site, but only with a form's methods: the
WebDAV methods (PROPFIND, REPORT, PUT, DELETE…) need a CORS preflight this server
never grants. So under /dav/ every method but POST (which it does not serve) passes."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rapport.web.sessions import session_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
DAV_PREFIXES = ("/dav/", "/dav", "/.well-known/carddav")  # web.carddav's paths
FIELD = "csrf_token"
HEADER = "x-csrf-token"
MAX_FORM_BYTES = 64 * 1024 * 1024  # uploads are read whole before the check

Reject = Callable[[Scope, Receive, Send, str], Awaitable[None]]


MCP_PATH = "/mcp"


class CSRFMiddleware:
    """`api_prefix`: API calls without a signed-in session carry no ambient
    authority either, so they go on to answer 401 rather than 403."""

    def __init__(self, app: ASGIApp, reject: Reject, api_prefix: str = "/api/") -> None:
        self.app = app
        self.reject = reject
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST" and _is_dav(scope["path"]):
            await self.app(scope, receive, send)
            return
        if scope["path"] == MCP_PATH:  # a bearer token or 401: a cookie opens nothing there
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("authorization", "").lower().startswith("bearer "):
            await self.app(scope, receive, send)
            return
        session = session_of(scope)
        if scope["path"].startswith(self.api_prefix) and not session.get("u"):
            await self.app(scope, receive, send)
            return
        expected = session.get("csrf")
        given = headers.get(HEADER)
        replay = receive
        if given is None:
            body, replay = await _buffer(receive)
            if body is None:
                await self.reject(scope, receive, send, "the form is too large")
                return
            given = await _form_token(scope, headers.get("content-type", ""), body)
        if (
            not isinstance(expected, str)
            or not given
            or not secrets.compare_digest(expected.encode(), given.encode())
        ):
            why = (
                "your session has expired: reload the page and try again"
                if not expected
                else "the form's security token is missing or stale: reload the page"
            )
            await self.reject(scope, receive, send, why)
            return
        await self.app(scope, replay, send)


def _is_dav(path: str) -> bool:
    return path == "/dav" or path.startswith(DAV_PREFIXES[0]) or path == DAV_PREFIXES[2]


async def _buffer(receive: Receive) -> tuple[bytes | None, Receive]:
    """Read the whole body, and a `receive` that gives it again to the app."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None, receive
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _form_token(scope: Scope, content_type: str, body: bytes) -> str | None:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("utf-8", "replace")).get(FIELD)
        return values[0] if values else None
    if kind == "multipart/form-data":
        sent = False

        async def once() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(scope, once).form()
        except Exception:  # a malformed multipart body has no token
            return None
        value = form.get(FIELD)
        await form.close()
        return value if isinstance(value, str) else None
    return None
