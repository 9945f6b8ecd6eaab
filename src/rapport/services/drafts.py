"""Drafting the message an agenda item suggests, from the user's templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rapport.domain import drafts
from rapport.domain.records import AgendaReason, Draft
from rapport.domain.relative_time import when_ahead
from rapport.services import agenda, interactions, upcoming
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


def _situation(ctx: Ctx, person: Person, reason: AgendaReason) -> drafts.Situation:
    """What the draft knows: the person and the reason, then what the reason's kind
    adds (the promise, the favour, the event…)."""
    about = _about(ctx, person, reason)
    add = _BY_KIND.get(reason.kind)
    if add is not None:
        about.update(add(ctx, person, reason))
    return drafts.Situation(**about)


def _about(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    me = ctx.session.scalar(
        select(User.display_name).where(
            User.workspace_id == ctx.workspace_id, User.is_owner.is_(True)
        )
    )
    recent = interactions.timeline(ctx, person.id, limit=1)
    return {
        "kind": reason.kind,
        "seed": f"{person.id}:{reason.key}",
        "first": person.nickname or person.given_name or person.full_name,
        "name": person.full_name,
        "me": me or "",
        "reason": reason.text,
        "last": recent[0].summary if recent and recent[0].source != "agenda" else "",
        "last_notes": (recent[0].notes or "") if recent else "",
        "interests": person.interests or "",
        "context": person.strained_context or "",
    }


def _promise(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    row = ctx.session.get(Commitment, reason.ref_id) if reason.ref_id else None
    if row is None:
        return {}
    return {"promise": row.description, "overdue": bool(row.due_on and row.due_on < ctx.today)}


def _favour(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    favour = ctx.session.get(Exchange, reason.ref_id) if reason.ref_id else None
    if favour is None:
        return {}
    return {"favour_kind": favour.kind, "favour_note": favour.note or ""}


def _event(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    if not reason.ref_id:  # met outside an event: what they were met for, if anything
        return {}
    event = ctx.session.get(Event, reason.ref_id)
    attendee = ctx.session.get(EventAttendee, (reason.ref_id, person.id))
    return {
        "event": event.name if event else "",
        "met_note": attendee.note if attendee and attendee.note else "",
    }


def _milestone(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    if not reason.ref_id:
        return {}
    when = dt.date.fromisoformat(reason.key.rsplit(":", 1)[1])
    if reason.key.startswith("anniversary:"):  # from the role history
        role = ctx.session.get(Role, reason.ref_id)
        if role is None or role.started_on is None:
            return {"milestone_kind": "work-anniversary"}
        org = ctx.session.get(Organization, role.organization_id) if role.organization_id else None
        return {
            "milestone_kind": "work-anniversary",
            "milestone": _years_at(when.year - role.started_on.year, org.name if org else None),
        }
    milestone = ctx.session.get(Milestone, reason.ref_id)
    if milestone is None:
        return {}
    label = milestone.label or ""
    if milestone.kind == "work-anniversary" and milestone.year:
        label = _years_at(when.year - milestone.year, milestone.label)
    return {"milestone_kind": milestone.kind, "milestone": label}


def _years_at(years: int, organization: str | None) -> str:
    """'3 years at Initech', '1 year'."""
    span = f"{years} year{'s' if years != 1 else ''}"
    return f"{span} at {organization}" if organization else span


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


def _meeting(ctx: Ctx, person: Person, reason: AgendaReason) -> dict[str, Any]:
    ahead = upcoming.for_person(ctx, person.id, limit=1)
    if not ahead:
        return {}
    return {
        "meeting": ahead[0].summary,
        "meeting_when": when_ahead(ahead[0].starts_at, ctx.today),
        "video": ahead[0].kind == "video",
    }


# what each kind of reason adds to the situation
_BY_KIND: dict[str, Callable[[Ctx, Person, AgendaReason], dict[str, Any]]] = {
    "promise": _promise,
    "nudge": _promise,
    "feedback": _promise,
    "thanks": _favour,
    "follow-up": _event,
    "milestone": _milestone,
    "role-change": _role,
    "mentoring": _goals,
    "prepare": _meeting,
}


def draft(
    ctx: Ctx, ref: str, templates_dir: Path | None = None, *, interface: str = "cli"
) -> Draft:
    """The suggested message for agenda item `ref` (a reason's reference, a number in
    the listing `interface` showed last, a person), written for its most important
    reason."""
    entry, reasons = agenda.find(ctx, ref, everything=True, interface=interface)
    # another reason of the entry (a promise, a birthday) says more than the meeting
    # the user is about to have: write for it; else a note before the meeting
    reason = next((r for r in reasons if r.kind != "prepare"), reasons[0])
    person = get_person(ctx, entry.person_id)
    subject, body = drafts.compose(
        template(ctx, reason.kind, templates_dir), _situation(ctx, person, reason)
    )
    return Draft(
        entry.person_id, entry.person, reason.kind, person.preferred_channel, subject, body
    )
