"""Drafting the message an agenda item suggests, from the user's templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from rapport.domain import drafts
from rapport.domain.records import AgendaEntry, AgendaReason, Draft
from rapport.services import agenda, interactions
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.storage.schema import (
    Commitment,
    EventAttendee,
    Exchange,
    Mentorship,
    Milestone,
    Organization,
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


def _values(ctx: Ctx, entry: AgendaEntry, reason: AgendaReason) -> dict[str, Any]:
    person = get_person(ctx, entry.person_id)
    me = ctx.session.scalar(
        select(User.display_name).where(
            User.workspace_id == ctx.workspace_id, User.is_owner.is_(True)
        )
    )
    recent = interactions.timeline(ctx, person.id, limit=1)
    values: dict[str, Any] = {
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
    s = ctx.session
    if reason.kind in ("promise", "nudge", "feedback") and reason.ref_id:
        row = s.get(Commitment, reason.ref_id)
        if row is not None:
            values["promise"] = row.description
            values["overdue"] = bool(row.due_on and row.due_on < ctx.today)
    elif reason.kind == "thanks" and reason.ref_id:
        favour = s.get(Exchange, reason.ref_id)
        if favour is not None:
            values["favour"] = favour.note or f"the {favour.kind}"
    elif reason.kind == "follow-up":
        values["event"] = (
            reason.text.split(" at ", 1)[1].split(" ", 1)[0] if " at " in reason.text else ""
        )
        if reason.ref_id:
            from rapport.storage.schema import Event

            event = s.get(Event, reason.ref_id)
            values["event"] = event.name if event else ""
            attendee = s.get(EventAttendee, (reason.ref_id, person.id))
            values["note"] = attendee.note if attendee and attendee.note else ""
    elif reason.kind == "milestone" and reason.ref_id:
        if reason.key.startswith("milestone:"):
            milestone = s.get(Milestone, reason.ref_id)
            if milestone is not None:
                values["kind"] = milestone.kind
                values["milestone"] = milestone.label or milestone.kind.replace("-", " ")
        else:
            values["kind"] = "work-anniversary"
            values["milestone"] = reason.text
    elif reason.kind == "role-change" and reason.ref_id:
        role = s.get(Role, reason.ref_id)
        if role is not None:
            org = s.get(Organization, role.organization_id) if role.organization_id else None
            values["role"] = " at ".join(x for x in (role.title, org.name if org else None) if x)
    elif reason.kind == "mentoring" and reason.ref_id:
        mentorship = s.get(Mentorship, reason.ref_id)
        values["goals"] = mentorship.goals if mentorship and mentorship.goals else ""
    return values


def draft(ctx: Ctx, ref: str, templates_dir: Path | None = None) -> Draft:
    """The suggested message for agenda item `ref` (position, person or reason key),
    written for its most important reason."""
    entry, reasons = agenda.find(ctx, ref)
    reason = reasons[0]
    subject, body = drafts.render(
        template(ctx, reason.kind, templates_dir), _values(ctx, entry, reason)
    )
    person = get_person(ctx, entry.person_id)
    return Draft(
        entry.person_id, entry.person, reason.kind, person.preferred_channel, subject, body
    )
