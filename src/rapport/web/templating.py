"""Jinja2 set-up: the templates folder, the filters pages share, and `render`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from rapport.domain.relative_time import relative
from rapport.web import charts
from rapport.web.sessions import session_of

HERE = Path(__file__).parent
HTMX = "htmx-2.0.11.min.js"  # vendored from npm htmx.org@2.0.11 (0BSD), see static/

templates = Jinja2Templates(directory=str(HERE / "templates"))
env = templates.env
env.trim_blocks = True
env.lstrip_blocks = True


def _day(value: dt.date | dt.datetime | None, fmt: str = "%-d %b %Y") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime(fmt)


@pass_context
def _ago(context: Context, value: dt.datetime | dt.date | None) -> str:
    """`value` told from the page's `today` in the workspace's zone `tz` (both put
    in every page's context that shows a date): 'yesterday', 'in 3 days'."""
    return relative(value, context["today"], context["tz"])


def _query(request: Request, **changes: Any) -> str:
    """The current query string with `changes` applied (None removes a key)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def _initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper() if parts[0].isascii() else parts[0][:1]
    return (parts[0][:1] + parts[-1][:1]).upper()


def _marked(text: str | None, terms: list[str]) -> Markup:
    """`text` escaped, with the words a search matched in <mark>."""
    from rapport.services.search import marks

    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if hit else escape(piece)
        for piece, hit in marks(text or "", terms)
    )


env.filters["day"] = _day
env.filters["marked"] = _marked
env.filters["ago"] = _ago
env.filters["initials"] = _initials
env.globals["query"] = _query
env.globals["htmx"] = HTMX
env.globals["charts"] = charts


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page (or an HTMX fragment) with the CSRF token and the signed-in user."""
    session = session_of(request.scope)
    values: dict[str, Any] = {
        "csrf_token": session.csrf_token,
        "user": getattr(request.state, "user", None),
        "today": getattr(request.state, "today", None),
        "flash": session.pop("flash", None) if "flash" in session else None,
        "path": request.url.path,
    }
    if values["flash"] is not None:
        session.modified = True
    values.update(context or {})
    return templates.TemplateResponse(
        request, name, values, status_code=status_code, headers=headers
    )


def back_to(request: Request, default: str) -> str:
    """The page the user came from (same site only), else `default`."""
    referer = request.headers.get("referer", "")
    parsed = urlsplit(referer)
    if parsed.netloc and parsed.netloc != request.url.netloc:
        return default
    path = parsed.path
    if not path.startswith("/") or path.startswith("//"):
        return default
    return path + (f"?{parsed.query}" if parsed.query else "")


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A message shown once on the next page (after a redirect), with Undo when the
    request's write was journaled (`deps.Workspace.write`)."""
    undo = getattr(request.state, "journal_entry", None)
    session_of(request.scope)["flash"] = {"message": message, "kind": kind, "undo": undo}
