"""The session cookie: a small signed dict (itsdangerous), HttpOnly, SameSite=Lax,
Secure whenever the request came over TLS.

Every visitor gets one, signed-in or not, because it carries the CSRF token that
the login and setup forms need too. Being signed in is not something the cookie
says on its own: it carries the random id of a session kept in the database
(`services.sessions`), and each request asks the database who that id belongs to.
So a cookie copied before "sign out" is worthless after it, and several processes
on one database agree. Signing in replaces the cookie (a new id, a new CSRF token),
so a session planted before login is worthless after it too."""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rapport.services import sessions
from rapport.services.context import Rapport

COOKIE = "rapport_session"
MAX_AGE = int(sessions.IDLE.total_seconds())  # the cookie lasts as long as its session
SESSION_ID = "sid"  # the key of the server-side session's id in the cookie
# what the database says about the session, for this request only: never stored in
# the cookie, never read from it
USER, VERSION = "u", "v"
DERIVED = (USER, VERSION)


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

    def sign_in(self, secret: str, signed: sessions.Signed) -> None:
        """Become the session `secret`, with a fresh CSRF token and nothing else."""
        self.replace({SESSION_ID: secret, "csrf": secrets.token_urlsafe(32)})
        self._know(signed)

    def _know(self, signed: sessions.Signed) -> None:
        dict.update(self, {USER: signed.user_id, VERSION: signed.version})

    def stored(self) -> dict[str, Any]:
        """What goes into the cookie."""
        return {k: v for k, v in self.items() if k not in DERIVED}

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
        data = self._cookie(scope)
        if data:
            session.update({k: v for k, v in data.items() if k not in DERIVED})
            session.modified = False
        return session

    def _cookie(self, scope: Scope) -> dict[str, Any] | None:
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
                    return data
        return None

    async def _resolve(self, scope: Scope, session: Session) -> None:
        """Who the cookie's session id belongs to, asked of the database."""
        secret = session.get(SESSION_ID)
        if secret is None or scope.get("path", "").startswith("/static/"):
            return
        signed = None
        if isinstance(secret, str):
            signed = await run_in_threadpool(sessions.resolve, rapport_of_scope(scope), secret)
        if signed is None:
            del session[SESSION_ID]  # ended or expired: the cookie forgets it
            session.modified = True
        else:
            session._know(signed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._load(scope)
        await self._resolve(scope, session)
        scope["rapport.session"] = session
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and (session.modified or session.get(USER)):
                headers = MutableHeaders(scope=message)
                value = self.serializer.dumps(session.stored())
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


def rapport_of_scope(scope: Scope) -> Rapport:
    handle: Rapport = scope["app"].state.rapport
    return handle
