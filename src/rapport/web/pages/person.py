"""A person's page: profile, timeline, health with its explanation, promises,
favours, milestones, role history, the prep brief, and forms to add to each."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from rapport.domain.date_order import in_words
from rapport.errors import Invalid
from rapport.services import favours, health, milestones, promises
from rapport.web import views
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import Text, day
from rapport.web.pages.insights import promise_rows
from rapport.web.templating import flash, render

router = APIRouter()


@router.get("/people/{person_id}")
def person_page(request: Request, ws: WorkspaceDep, person_id: int) -> Response:
    with ws.read() as ctx:
        view = views.person_page(ctx, person_id)
        today, tz = ctx.today, ctx.tz
    return render(
        request,
        "person.html",
        {
            "view": view,
            "p": view.profile.person,
            "today": today,
            "tz": tz,
            "log_form": {},
            "default_who": f"#{person_id}",
            "promise_rows": promise_rows(view.promise_rates),
        },
    )


def _back(person_id: int) -> Response:
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/promises")
def add_promise(
    request: Request,
    ws: WorkspaceDep,
    person_id: int,
    description: Text = "",
    owner: Text = "me",
    due: Text = "",
) -> Response:
    said: list[str] = []
    with ws.write() as ctx:
        row = promises.promise(
            ctx,
            person_id,
            description,
            owner=owner,
            due_on=day(ctx, due, field="due", future=True, said=said),
        )
    who = "You promised" if row.owner == "me" else f"{row.person} promised"
    by = f" (by {said[0]})" if said else ""
    flash(request, f"{who}: {row.description}{by}.")
    return _back(person_id)


@router.post("/people/{person_id}/health")
def adjust_health(
    request: Request, ws: WorkspaceDep, person_id: int, adjust: Text = "", reason: Text = ""
) -> Response:
    """The Health card's correction: points and the reason."""
    try:
        with ws.write() as ctx:
            h = health.adjust(ctx, person_id, adjust, reason)
    except Invalid as exc:
        flash(request, exc.message, "error")
        return _back(person_id)
    flash(request, f"Health corrected: {h.explanation}.")
    return _back(person_id)


@router.post("/people/{person_id}/health/clear")
def clear_health_adjustment(request: Request, ws: WorkspaceDep, person_id: int) -> Response:
    with ws.write() as ctx:
        h = health.clear_adjustment(ctx, person_id)
    flash(request, f"Correction cleared: {h.explanation}.")
    return _back(person_id)


@router.post("/promises/{promise_id}")
def resolve_promise(
    request: Request, ws: WorkspaceDep, promise_id: int, status: Text = "kept"
) -> Response:
    with ws.write() as ctx:
        row = promises.resolve(ctx, promise_id, status)
    said = "reopened" if row.status == "open" else f"marked {row.status}"
    flash(request, f"Promise {said}: {row.description}.")
    return _back(row.person_id)


@router.post("/people/{person_id}/favours")
def add_favour(
    request: Request,
    ws: WorkspaceDep,
    person_id: int,
    direction: Text = "given",
    kind: Text = "advice",
    note: Text = "",
    on: Text = "",
) -> Response:
    with ws.write() as ctx:
        row = favours.record(
            ctx, person_id, direction, kind, occurred_on=day(ctx, on, field="on"), note=note
        )
    flash(request, f"Noted the {row.kind} {row.direction}.")
    return _back(person_id)


@router.post("/favours/{favour_id}/thank")
def thank(request: Request, ws: WorkspaceDep, favour_id: int) -> Response:
    with ws.write() as ctx:
        row = favours.thank(ctx, favour_id)
    flash(request, f"Thanked {row.person} for the {row.kind}.")
    return _back(row.person_id)


@router.post("/people/{person_id}/milestones")
def add_milestone(
    request: Request,
    ws: WorkspaceDep,
    person_id: int,
    kind: Text = "birthday",
    date: Text = "",
    label: Text = "",
    year_known: Text = "",
    if_exists: Text = "refuse",
) -> Response:
    choice: milestones.IfExists = (
        "replace" if if_exists == "replace" else "another" if if_exists == "another" else "refuse"
    )
    try:
        with ws.write() as ctx:
            when = day(ctx, date, field="date")
            if when is None:
                raise Invalid("date", "give the date (2026-03-01)")
            row = milestones.add(
                ctx,
                person_id,
                kind,
                when.month,
                when.day,
                year=when.year if year_known != "no" else None,
                label=label or None,
                if_exists=choice,
            )
    except milestones.BirthdayTaken as exc:
        hint = "Under “Add a date”, choose to change theirs or to add a second one."
        flash(request, exc.hinted(hint).message, "error")
        return _back(person_id)
    what = (row.label or row.kind).replace("-", " ")
    flash(request, f"Added {row.person}'s {what}: {in_words(row.month, row.day, row.year)}.")
    return _back(person_id)


@router.post("/people/{person_id}/milestones/{milestone_id}/delete")
def delete_milestone(
    request: Request, ws: WorkspaceDep, person_id: int, milestone_id: int
) -> Response:
    with ws.write() as ctx:
        milestones.remove(ctx, milestone_id)
    flash(request, "Removed the date.")
    return _back(person_id)
