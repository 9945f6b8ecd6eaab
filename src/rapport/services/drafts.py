"""Drafting the message an agenda item suggests, from the user's templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rapport.domain import drafts
from rapport.domain.records import AgendaReason, Draft
from rapport.services import agenda, interactions
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.storage.schema import (
    Commitment,
    Event,
    EventAttendee,
    Exchange,
    Mentorship,
    Milestone,
    Organization,
    Person,
    Role,
    User,
)


def template(ctx: Ctx, kind: str, templates_dir: Path | None = None) -> str:
    """The template for `kind`: the workspace's edited one, else a file
    `<kind>.txt` in the templates directory, else the built-in one."""
    edited = (ctx.settings.get("templates") or {}).get(kind)
    if edited:
        return str(edited)
    if templates_dir is not None:
        path = templates_dir / f"{kind}.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return drafts.DEFAULT_TEMPLATES.get(kind, drafts.DEFAULT_TEMPLATES["keep-in-touch"])


def _values(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    """What a template is filled with: the person and the reason, then what the
    reason's kind adds (the promise, the favour, the event…)."""
    values = _about(ctx, person, reason)
    add = _BY_KIND.get(reason.kind)
    if add is not None:
        values.update(add(ctx, person, reason))
    return values


def _about(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    me = ctx.session.scalar(
        select(User.display_name).where(
            User.workspace_id == ctx.workspace_id, User.is_owner.is_(True)
        )
    )
    recent = interactions.timeline(ctx, person.id, limit=1)
    return {
        "first": person.nickname or person.given_name or person.full_name,
        "name": person.full_name,
        "me": me or "",
        "reason": reason.text,
        "last": recent[0].summary if recent and recent[0].source != "agenda" else "",
        "last_notes": recent[0].notes if recent else "",
        "interests": person.interests or "",
        "context": person.strained_context or "",
        "kind": "",
    }


def _promise(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    row = ctx.session.get(Commitment, reason.ref_id) if reason.ref_id else None
    if row is None:
        return {}
    return {"promise": row.description, "overdue": bool(row.due_on and row.due_on < ctx.today)}


def _favour(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    favour = ctx.session.get(Exchange, reason.ref_id) if reason.ref_id else None
    return {"favour": favour.note or f"the {favour.kind}"} if favour is not None else {}


def _event(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    if not reason.ref_id:  # the event's first word, from the reason's "met at …"
        text = reason.text
        return {"event": text.split(" at ", 1)[1].split(" ", 1)[0] if " at " in text else ""}
    event = ctx.session.get(Event, reason.ref_id)
    attendee = ctx.session.get(EventAttendee, (reason.ref_id, person.id))
    return {
        "event": event.name if event else "",
        "note": attendee.note if attendee and attendee.note else "",
    }


def _milestone(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    if not reason.ref_id:
        return {}
    if not reason.key.startswith("milestone:"):
        return {"kind": "work-anniversary", "milestone": reason.text}
    milestone = ctx.session.get(Milestone, reason.ref_id)
    if milestone is None:
        return {}
    return {
        "kind": milestone.kind,
        "milestone": milestone.label or milestone.kind.replace("-", " "),
    }


def _role(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    role = ctx.session.get(Role, reason.ref_id) if reason.ref_id else None
    if role is None:
        return {}
    org = ctx.session.get(Organization, role.organization_id) if role.organization_id else None
    return {"role": " at ".join(x for x in (role.title, org.name if org else None) if x)}


def _goals(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    if not reason.ref_id:
        return {}
    mentorship = ctx.session.get(Mentorship, reason.ref_id)
    return {"goals": mentorship.goals if mentorship and mentorship.goals else ""}


# what each kind of reason adds to a template's values
_BY_KIND: dict[str, Callable[[Ctx, Person, AgendaReason], dict[str, Any]]] = {
    "promise": _promise,
    "nudge": _promise,
    "feedback": _promise,
    "thanks": _favour,
    "follow-up": _event,
    "milestone": _milestone,
    "role-change": _role,
    "mentoring": _goals,
}


def draft(
    ctx: Ctx, ref: str, templates_dir: Path | None = None, *, interface: str = "cli"
) -> Draft:
    """The suggested message for agenda item `ref` (a reason's reference, a number in
    the listing `interface` showed last, a person), written for its most important
    reason."""
    entry, reasons = agenda.find(ctx, ref, everything=True, interface=interface)
    reason = reasons[0]
    person = get_person(ctx, entry.person_id)
    subject, body = drafts.render(
        template(ctx, reason.kind, templates_dir), _values(ctx, person, reason)
    )
    return Draft(
        entry.person_id, entry.person, reason.kind, person.preferred_channel, subject, body
    )
