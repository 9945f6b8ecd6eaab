"""`/mcp`: the MCP server over streamable HTTP inside `rapport serve`, for assistants
that reach Rapport over the network. Every request carries an API token
(`Authorization: Bearer rpt_…`); the token's workspace is the only one it touches.

Stateless: each request stands alone (its token, its workspace), so several servers
behind a proxy answer alike and nothing is kept between requests. The SDK is imported
when the server starts (`running`), never by `rapport --help` or the app's creation."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from starlette.types import Receive, Scope, Send

from rapport.domain.accounts import UserOut
from rapport.services import tokens
from rapport.services.context import Rapport
from rapport.web import errors
from rapport.web.mcp import tools

if TYPE_CHECKING:
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

USER_KEY = "rapport_mcp_user"  # where the request's account waits for the server


class Endpoint:
    """The ASGI app at /mcp: refuses a request without a valid token (401, the API's
    error envelope), else hands it to the SDK with its account in the request state."""

    def __init__(self, rapport: Rapport, today: dt.date | None) -> None:
        self.rapport = rapport
        self.today = today
        self.manager: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Serve while the app runs (the SDK's task group lives in the app's lifespan)."""
        from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
        from mcp.server.transport_security import TransportSecuritySettings

        from rapport.web.mcp.server import build

        manager = StreamableHTTPSessionManager(
            app=build(self._scope_of),
            json_response=True,
            stateless=True,
            # the SDK's DNS-rebinding guard checks Host and Origin against a list of
            # names; a page that rebinds a name to this server still cannot send the
            # bearer token it never had, and a token is required on every request
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        async with manager.run():
            self.manager = manager
            try:
                yield
            finally:
                self.manager = None

    def _scope_of(self, ctx: Any) -> tools.Scope:
        request = ctx.request
        user = request.scope["state"][USER_KEY] if request is not None else None
        if not isinstance(user, UserOut):  # never: __call__ let no request in without one
            raise RuntimeError("an MCP request reached the server without an account")
        return tools.Scope(self.rapport, user.workspace_id, user.id, self.today)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = await self._authenticate(scope)
        if user is None:
            response = errors.envelope(
                401, "not_authenticated", "send an API token: 'Authorization: Bearer <token>'"
            )
            await response(scope, receive, send)
            return
        if self.manager is None:
            response = errors.envelope(
                503, "unavailable", "the MCP server starts with the web server: try again"
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})[USER_KEY] = user
        await self.manager.handle_request(scope, receive, send)

    async def _authenticate(self, scope: Scope) -> UserOut | None:
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        kind, _, secret = header.partition(" ")
        if kind.lower() != "bearer" or not secret.strip():
            return None
        return await anyio.to_thread.run_sync(tokens.authenticate, self.rapport, secret.strip())
