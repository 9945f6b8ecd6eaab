"""The web application: pages, the JSON API under /api/v1, and the security around
them. `create_app(settings)` is the only way in."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.routing import Route

from rapport import __version__
from rapport.services.context import Rapport
from rapport.settings import Settings
from rapport.web import api, carddav, errors, pages
from rapport.web.csrf import CSRFMiddleware
from rapport.web.mcp import http as mcp_http
from rapport.web.security import RateLimiter, SecurityHeadersMiddleware, secret_key
from rapport.web.sessions import SessionMiddleware
from rapport.web.templating import HERE

API_DESCRIPTION = """\
Everything the web app shows, as JSON. Authenticate with an API token
(`Authorization: Bearer rpt_…`, created in Settings or with `rapport token create`).
Errors always answer `{"error": {"type", "message", "field"}}`. Lists take `limit`
and `offset` and answer `{"items", "total", "limit", "offset"}`.
"""


def create_app(
    settings: Settings,
    *,
    rapport: Rapport | None = None,
    today: dt.date | None = None,
    login_limiter: RateLimiter | None = None,
) -> FastAPI:
    """The app over `settings`' database. `today` pins the day (tests, demos)."""
    handle = rapport or Rapport(settings)
    assistants = mcp_http.Endpoint(handle, today)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with assistants.running():
            yield
        if rapport is None:
            handle.dispose()

    app = FastAPI(
        title="Rapport",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,  # Swagger UI would load scripts from a CDN: /api is our own page
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.rapport = handle
    app.state.settings = settings
    app.state.today = today
    app.state.login_limiter = login_limiter or RateLimiter()
    errors.install(app)
    app.include_router(pages.public)
    app.include_router(api.router)
    app.include_router(carddav.router)
    # the MCP server for AI assistants; a token on every request (a route, not a mount:
    # a mount would redirect /mcp to /mcp/)
    app.router.routes.append(Route("/mcp", assistants, methods=["GET", "POST", "DELETE"]))
    app.include_router(pages.private)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # the last added runs first: headers around sessions around the CSRF check
    app.add_middleware(CSRFMiddleware, reject=errors.csrf_rejected)
    app.add_middleware(SessionMiddleware, secret_key=secret_key(settings.data_dir))
    app.add_middleware(SecurityHeadersMiddleware)
    return app
