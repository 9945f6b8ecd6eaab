"""The session cookie: a small signed dict (itsdangerous), HttpOnly, SameSite=Lax,
Secure whenever the request came over TLS.

Every visitor gets one, signed-in or not, because it carries the CSRF token that
the login and setup forms need too. Signing in replaces it (a new CSRF token), so a
session planted before login is worthless after it."""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "rapport_session"
MAX_AGE = 14 * 24 * 3600  # seconds a session lasts without being used


class Session(dict[str, Any]):
    """The session's contents; `modified` tells the middleware to send the cookie."""

    modified = False

    def __setitem__(self, key: str, value: Any) -> None:
        self.modified = True
        super().__setitem__(key, value)

    def replace(self, values: dict[str, Any]) -> None:
        self.clear()
        self.update(values)
        self.modified = True

    @property
    def csrf_token(self) -> str:
        token = self.get("csrf")
        if not isinstance(token, str) or len(token) < 20:
            token = secrets.token_urlsafe(32)
            self["csrf"] = token
        return token


def session_of(scope: Scope) -> Session:
    found = scope.get("rapport.session")
    if not isinstance(found, Session):
        found = Session()
        scope["rapport.session"] = found
    return found


class SessionMiddleware:
    """Loads the signed cookie into scope["rapport.session"]; sends it back when it
    changed (and on every page view, to slide the expiry)."""

    def __init__(self, app: ASGIApp, secret_key: str) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret_key, salt="rapport.session")

    def _load(self, scope: Scope) -> Session:
        session = Session()
        for name, value in scope.get("headers", []):
            if name != b"cookie":
                continue
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header means no session
                continue
            if COOKIE in cookie:
                try:
                    data = self.serializer.loads(cookie[COOKIE].value, max_age=MAX_AGE)
                except (BadSignature, ValueError, TypeError):
                    data = None
                if isinstance(data, dict):
                    session.update(data)
        return session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._load(scope)
        scope["rapport.session"] = session
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and (session.modified or session.get("u")):
                headers = MutableHeaders(scope=message)
                value = self.serializer.dumps(dict(session))
                parts = [
                    f"{COOKIE}={value}",
                    "Path=/",
                    f"Max-Age={MAX_AGE}",
                    "HttpOnly",
                    "SameSite=Lax",
                ]
                if secure:
                    parts.append("Secure")
                headers.append("Set-Cookie", "; ".join(parts))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
