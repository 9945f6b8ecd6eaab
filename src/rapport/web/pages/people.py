"""People: the filtered, sorted, paginated list with bulk actions (and undo), and
the form to add or change a person."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from rapport.domain.custom_fields import Target
from rapport.domain.person_patch import PersonPatch
from rapport.errors import AlreadyKnown, Contradicts, Invalid, RapportError
from rapport.services import bulk_edit, custom_fields, duplicates, lists, people
from rapport.services.context import Ctx
from rapport.services.custom_fields import FieldOut
from rapport.web import views
from rapport.web.deps import WorkspaceDep
from rapport.web.forms import Text, day, number, words
from rapport.web.templating import flash, render

router = APIRouter()
Many = Annotated[list[str] | None, Form()]


def _filters(request: Request) -> views.PeopleFilters:
    q = request.query_params

    def text(name: str) -> str | None:
        value = q.get(name, "").strip()
        return value or None

    page = number(q.get("page"), field="page") or 1
    return views.PeopleFilters(
        type=text("type"),
        tag=text("tag"),
        organization=text("organization"),
        field=text("field"),
        health=text("health"),
        archived=q.get("archived") in ("1", "on", "true"),
        sort=text("sort") or "name",
        offset=(max(page, 1) - 1) * views.PER_PAGE,
    )


@router.get("/people")
def people_page(request: Request, ws: WorkspaceDep) -> Response:
    filters = _filters(request)
    with ws.read() as ctx:
        try:
            view = views.people_page(ctx, filters)
        except RapportError as exc:
            if not filters.field:
                raise
            # a field filter that names no field or a value its type refuses: said,
            # and the list shown without it
            flash(request, f"Not filtered by {filters.field!r}: {exc.message}", "error")
            view = views.people_page(ctx, dataclasses.replace(filters, field=None))
        everyone = people.count(ctx)
        list_names = lists.names(ctx)
        today, tz = ctx.today, ctx.tz
    template = (
        "partials/people_list.html"
        if request.headers.get("hx-request") == "true"
        and request.headers.get("hx-target") == "people-list"
        else "people.html"
    )
    return render(
        request,
        template,
        {"view": view, "everyone": everyone, "today": today, "tz": tz, "list_names": list_names},
    )


def person_patch(ctx: Ctx, form: dict[str, Any]) -> PersonPatch:
    """The patch the person form says: every field of the form is sent, so every
    field is set and each list replaced."""
    return PersonPatch.of({
        "full_name": form.get("full_name", ""),
        "organization": form.get("organization") or None,
        "title": form.get("title") or None,
        "location": form.get("location") or None,
        "how_met": form.get("how_met") or None,
        "interests": form.get("interests") or None,
        "remember": form.get("remember") or None,
        "notes": form.get("notes") or None,
        "preferred_channel": form.get("preferred_channel") or None,
        "timezone": form.get("timezone") or None,
        "emails": words(form.get("emails")),
        "phones": words(form.get("phones")),
        "urls": words(form.get("urls")),
        "types": list(form.get("types") or []),
        "tags": words(form.get("tags")),
        "cadence_days": number(form.get("cadence_days"), field="cadence_days"),
        "max_contact_days": number(form.get("max_contact_days"), field="max_contact_days"),
        "met_on": day(ctx, form.get("met_on"), field="met_on"),
        "not_before": day(ctx, form.get("not_before"), field="not_before", future=True),
        "strained": form.get("strained") in ("on", "1", "true"),
        "strained_context": form.get("strained_context") or None,
    })  # fmt: skip


def _own_fields(ctx: Ctx) -> list[FieldOut]:
    return custom_fields.listing(ctx, Target.PEOPLE)


def own_values(form: dict[str, Any], own: list[FieldOut]) -> dict[str, str | None]:
    """The user's own fields as the form sends them (`field.ID`): every one shown is
    sent, so each is set or, left empty, cleared."""
    return {f.name: form.get(f"field.{f.id}", "") for f in own}


async def _form(request: Request) -> dict[str, Any]:
    raw = await request.form()
    values: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, str)}
    values["types"] = [t for t in raw.getlist("types") if isinstance(t, str)]
    return values


@router.get("/people/new")
def new_person(request: Request, ws: WorkspaceDep, name: str = "") -> Response:
    form = {"full_name": name[:300]}
    with ws.read() as ctx:
        own = _own_fields(ctx)
    context = {"form": form, "person": None, "errors": {}, "own_fields": own}
    return render(request, "person_form.html", context)


@router.post("/people")
async def add_person(request: Request, ws: WorkspaceDep) -> Response:
    """Add a person. A first submit whose name is close to someone's asks "is this
    them?" (everything typed kept); "add a new person" sends it again confirmed. An
    email or phone already someone's is refused, with "add anyway" (`force`)."""
    form = await _form(request)
    force = form.get("force") == "1"
    with ws.read() as ctx:
        own = _own_fields(ctx)
    try:
        if not force and form.get("confirmed") != "1":
            with ws.read() as ctx:
                patch = person_patch(ctx, form)
                people.check_new(ctx, patch)
                custom_fields.check(ctx, Target.PEOPLE, own_values(form, own))
                similar = duplicates.similar_to(ctx, patch)
            if similar:
                context = {"form": form, "person": None, "errors": {}, "similar": similar,
                           "own_fields": own}  # fmt: skip
                return render(request, "person_form.html", context | _when(ctx))
        with ws.write() as ctx:
            added = people.add(
                ctx, person_patch(ctx, form), force=force, fields=own_values(form, own)
            )
    except RapportError as exc:
        return _form_error(request, form, None, exc, own)
    flash(request, f"Added {added.name}. Log your first conversation below.")
    return RedirectResponse(f"/people/{added.id}", status_code=303)


def _form_error(
    request: Request,
    form: dict[str, Any],
    person_id: int | None,
    exc: RapportError,
    own: list[FieldOut],
) -> Response:
    if exc.http_status >= 500:
        raise exc
    field = exc.field if isinstance(exc, Invalid) else "form"
    field = {"name": "full_name", "email": "emails", "url": "urls", "type": "types"}.get(
        field, field
    )
    # a value one of the user's own fields refused names that field
    field = next((f"field.{f.id}" for f in own if f.name == field), field)
    reason = exc.reason if isinstance(exc, Invalid) else exc.message
    return render(
        request,
        "person_form.html",
        {
            "form": form,
            "person": {"id": person_id} if person_id else None,
            "errors": {field: reason},
            "known": exc.person_id if isinstance(exc, AlreadyKnown) else None,
            "own_fields": own,
        },
        status_code=exc.http_status if isinstance(exc, AlreadyKnown) else 422,
    )


def _when(ctx: Ctx) -> dict[str, Any]:
    return {"today": ctx.today, "tz": ctx.tz}


@router.get("/people/{person_id}/edit")
def edit_person_page(request: Request, ws: WorkspaceDep, person_id: int) -> Response:
    with ws.read() as ctx:
        person = people.show(ctx, person_id)
        own = _own_fields(ctx)
    form = {
        "full_name": person.name,
        "organization": person.organization or "",
        "title": person.title or "",
        "location": person.location or "",
        "how_met": person.how_met or "",
        "interests": person.interests or "",
        "remember": person.remember or "",
        "notes": person.notes or "",
        "preferred_channel": person.preferred_channel or "",
        "timezone": person.timezone or "",
        "emails": ", ".join(person.emails),
        "phones": ", ".join(person.phones),
        "urls": ", ".join(person.urls),
        "types": person.types,
        "tags": ", ".join(person.tags),
        "cadence_days": person.cadence_days or "",
        "max_contact_days": person.max_contact_days or "",
        "met_on": person.met_on.isoformat() if person.met_on else "",
        "not_before": person.not_before.isoformat() if person.not_before else "",
        "strained": "on" if person.strained else "",
        "strained_context": person.strained_context or "",
    } | {f"field.{f.id}": person.fields.get(f.name, "") for f in own}
    context = {"form": form, "person": {"id": person.id}, "errors": {}, "own_fields": own}
    return render(request, "person_form.html", context)


@router.post("/people/{person_id}/edit")
async def edit_person(request: Request, ws: WorkspaceDep, person_id: int) -> Response:
    form = await _form(request)
    with ws.read() as ctx:
        own = _own_fields(ctx)
    try:
        with ws.write() as ctx:
            values = own_values(form, own)
            changed = people.edit(ctx, person_id, person_patch(ctx, form), fields=values)
    except RapportError as exc:
        if exc.http_status == 404:
            raise
        return _form_error(request, form, person_id, exc, own)
    flash(request, f"Saved {changed.name}.")
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/archive")
def archive_person(
    request: Request, ws: WorkspaceDep, person_id: int, restore: Text = ""
) -> Response:
    with ws.write() as ctx:
        person = people.archive(ctx, person_id, archived=not restore)
    if restore:
        flash(request, f"{person.name} is back in your network.")
    else:
        flash(request, f"Archived {person.name}.")
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/bulk")
def bulk(
    request: Request,
    ws: WorkspaceDep,
    ids: Many = None,
    action: Text = "",
    value: Text = "",
    back: Text = "/people",
) -> Response:
    """Tag, set a type or rhythm, put on or take off a list, archive or delete (to
    the archive) the selected people at once (on the People page or a list's)."""
    target = back if back.startswith(("/people", "/lists/")) else "/people"
    try:
        person_ids = [int(i) for i in ids or []]
    except ValueError:
        raise Invalid("ids", "people are chosen by their number") from None
    try:
        with ws.write() as ctx:
            result = bulk_edit.apply(ctx, person_ids, action, value or None)
    except Contradicts as exc:  # well-formed, refused by what is stored (a saved filter)
        flash(request, f"Nothing was changed: {exc.message}", "error")
        return RedirectResponse(target, status_code=303)
    message = result.message[:1].upper() + result.message[1:] + "."
    if result.changed and action == "delete":
        message += " Find them under archived."
    flash(request, message)
    return RedirectResponse(target, status_code=303)
