"""Today: the agenda with done, snooze and dismiss in place, the draft one click
away, and a quick log form."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from rapport.errors import Invalid, RapportError
from rapport.services import agenda, drafts, people, review
from rapport.web import views
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import Text, quick_log
from rapport.web.templating import flash, render

router = APIRouter()
SNOOZE_DAYS = {"1": 1, "7": 7, "30": 30}


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


TODAY_LIMIT = 10  # entries or groups; the rest a tap away: a long list is one nobody finishes
MORE = 20  # how many more "show more" adds
MOST = 1000  # the most `show` may ask for


def _query(request: Request) -> QueryParams:
    """The page's own query: from its address when an answer comes by htmx (the list
    answered in place stays as it was)."""
    if _is_htmx(request) and "hx-current-url" in request.headers:
        return QueryParams(urlsplit(request.headers["hx-current-url"]).query)
    return request.query_params


def _list_id(request: Request) -> int | None:
    """The list whose people alone the agenda shows (`?list=ID`), if any."""
    asked = _query(request).get("list", "")
    if asked.isascii() and asked.isdigit() and 0 < len(asked) < 10:
        return int(asked)
    return None


def _shown(request: Request) -> int | None:
    """How many entries (a group counts as one) the page lists: `?show=N` or all
    with `?all=1`."""
    query = _query(request)
    if query.get("all") == "1":
        return None
    asked = query.get("show", "")
    if asked.isascii() and asked.isdigit():
        return max(TODAY_LIMIT, min(int(asked), MOST))
    return TODAY_LIMIT


def _today(request: Request, ws: WorkspaceDep, **extra: object) -> Response:
    show = _shown(request)
    with ws.read() as ctx:
        view = views.today(ctx, show=show, list_id=_list_id(request))
        waiting = review.waiting(ctx)
        tz = ctx.tz
    template = "partials/agenda.html" if _is_htmx(request) else "today.html"
    context = {
        "view": view,
        "today": view.agenda.day,
        "tz": tz,
        "review_waiting": waiting,
        "show_more": (show or 0) + MORE,
    }
    return render(request, template, {**context, **extra})


@router.get("/")
def today_page(request: Request, ws: WorkspaceDep) -> Response:
    return _today(request, ws, log_form={})


@router.post("/agenda/{action}")
def answer(
    request: Request,
    ws: WorkspaceDep,
    action: str,
    ref: Text = "",
    days: Text = "7",
    note: Text = "",
    every: Text = "",
) -> Response:
    """Done, snooze or dismiss one agenda reason (`ref`: its reference), or with
    `every` every reason of an entry (`ref`: '#person_id')."""
    if action not in ("done", "snooze", "dismiss"):
        raise Invalid("action", "must be done, snooze or dismiss")
    everything = every == "1"
    with ws.write() as ctx:
        if action == "done":
            message = agenda.done(
                ctx, ref, note=note or None, everything=everything, interface="web"
            )
        elif action == "snooze":
            if days not in SNOOZE_DAYS:
                raise Invalid("days", "snooze for 1, 7 or 30 days")
            until = ctx.today + dt.timedelta(days=SNOOZE_DAYS[days])
            message = agenda.snooze(ctx, ref, until, everything=everything, interface="web")
        else:
            message = agenda.dismiss(ctx, ref, everything=everything, interface="web")
    if _is_htmx(request):
        return _today(request, ws, notice=message)
    flash(request, message)
    return RedirectResponse("/", status_code=303)


@router.get("/agenda/draft")
def draft(request: Request, ws: WorkspaceDep, ref: str) -> Response:
    with ws.read() as ctx:
        found = drafts.draft(ctx, ref, interface="web")
        emails = people.show(ctx, found.person_id).emails
    return render(
        request,
        "partials/draft.html",
        {"draft": found, "ref": ref, "email": emails[0] if emails else None},
    )


@router.post("/log")
def log(
    request: Request,
    ws: WorkspaceDep,
    who: Text = "",
    kind: Text = "meeting",
    summary: Text = "",
    quick: Text = "today",
    when: Text = "",
    notes: Text = "",
    direction: Text = "mutual",
    back: Text = "/",
) -> Response:
    """The quick log form (Today, a person's page): re-shown with the message on a
    mistake, so nothing typed is lost."""
    form = {
        "who": who,
        "kind": kind,
        "summary": summary,
        "quick": quick,
        "when": when,
        "notes": notes,
        "direction": direction,
    }
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    said: list[str] = []
    try:
        with ws.write() as ctx:
            logged = quick_log(
                ctx,
                who,
                kind=kind,
                summary=summary,
                quick=quick,
                when=when,
                notes=notes,
                direction=direction,
                said=said,
            )
    except RapportError as exc:
        if exc.http_status >= 500:
            raise
        error = {"field": getattr(exc, "field", "who"), "message": exc.message}
        if _is_htmx(request):
            return render(
                request,
                "partials/log_form.html",
                {"log_form": form, "log_error": error, "back": target},
                status_code=422,
            )
        return _today(request, ws, log_form=form, log_error=error)
    names = ", ".join(logged.participants)
    on = f" on {said[0]}" if said else ""
    flash(request, f"Logged {logged.kind} with {names}{on}.")
    if _is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
