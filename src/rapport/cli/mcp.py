"""`rapport mcp`: Rapport's tools for an AI assistant on this machine, over stdio.

The MCP SDK is imported inside the command only: `rapport --help` stays fast."""

from __future__ import annotations

import typer

TOKEN_ENV = "RAPPORT_MCP_TOKEN"


def mcp(
    token: str = typer.Option(
        "",
        "--token",
        envvar=TOKEN_ENV,
        show_default=False,
        help="Act as the account of this API token, in its network (default: the "
        f"network of this machine's owner, as other commands do; or ${TOKEN_ENV}).",
    ),
) -> None:
    """Serve Rapport to an AI assistant (Model Context Protocol over standard input and
    output): search, briefs, today's agenda, logging conversations, promises and favours,
    adding people, drafts and introduction paths. Configure it in the assistant as the
    command `rapport mcp`; see docs/mcp.md."""
    import anyio

    from rapport.cli.runtime import rapport
    from rapport.errors import RapportError
    from rapport.services import tokens
    from rapport.services.context import pinned_today
    from rapport.web.mcp.server import run_stdio
    from rapport.web.mcp.tools import Scope

    app = rapport()
    scope = Scope(app, today=pinned_today())
    if token:
        user = tokens.authenticate(app, token.strip())
        if user is None:
            raise RapportError("the API token is wrong or revoked (see `rapport token list`)")
        scope = Scope(app, user.workspace_id, user.id, pinned_today())
    anyio.run(run_stdio, scope)


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)
