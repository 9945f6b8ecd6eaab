"""Small security pieces: the signing key, response headers, the sign-in throttle,
and what counts as a local request."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rapport.domain.login_throttle import RULES, Rules
from rapport.services import login_throttle
from rapport.services.context import Rapport

SECRET_FILE = "web-secret.key"

# Scripts and styles come only from our own /static (htmx is vendored); nothing is
# framed; forms post only to us.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def secret_key(data_dir: Path) -> str:
    """The key that signs session cookies: made once, kept in the data directory
    (readable by the owner only), so sessions survive a restart."""
    path = data_dir / SECRET_FILE
    try:
        existing = path.read_text().strip()
    except FileNotFoundError:
        existing = ""
    if len(existing) >= 32:
        return existing
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                if not path.startswith("/static/"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RateLimiter:
    """The sign-in throttle as the web app holds it: its rules (tests give tighter
    ones). The failures are counted in the database (`services.login_throttle`), so
    every process serving it counts the same ones."""

    def __init__(self, rules: Rules = RULES) -> None:
        self.rules = rules

    def retry_after(self, app: Rapport, account: str, client: str) -> int:
        """Seconds to wait before trying again (0: go ahead)."""
        return login_throttle.retry_after(app, account, client, rules=self.rules)

    def fail(self, app: Rapport, account: str, client: str) -> None:
        login_throttle.failed(app, account, client, rules=self.rules)

    def reset(self, app: Rapport, account: str, client: str) -> None:
        login_throttle.succeeded(app, account, client)


def is_local(host: str | None) -> bool:
    """Whether a client address is this machine (the setup page answers only there)."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
