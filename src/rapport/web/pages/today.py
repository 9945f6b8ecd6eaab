"""Today: the agenda with done, snooze and dismiss in place, the draft one click
away, and a quick log form."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

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


TODAY_LIMIT = 15  # the rest is one click away: a long list is a list nobody finishes


def _today(request: Request, ws: WorkspaceDep, **extra: object) -> Response:
    show_all = request.query_params.get("all") == "1" or request.headers.get(
        "hx-current-url", ""
    ).endswith("?all=1")
    with ws.read() as ctx:
        view = views.today(ctx, limit=None if show_all else TODAY_LIMIT)
        waiting = review.waiting(ctx)
        tz = ctx.tz
    template = "partials/agenda.html" if _is_htmx(request) else "today.html"
    context = {"view": view, "today": view.agenda.day, "tz": tz, "review_waiting": waiting}
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
