"""Mentoring, feedback with its action items, and introductions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select

from rapport.domain.records import FeedbackOut, IntroductionOut, MentorshipOut
from rapport.domain.text import clean_text
from rapport.domain.vocabulary import MentorRole, Owner, parse_choice
from rapport.errors import Contradicts, Invalid
from rapport.services import promises
from rapport.services.context import Ctx
from rapport.services.people import get as get_person
from rapport.services.people import names_of
from rapport.storage.schema import Commitment, Feedback, Introduction, Mentorship


def start_mentorship(
    ctx: Ctx,
    person_id: int,
    their_role: str,
    *,
    goals: str | None = None,
    session_cadence_days: int | None = None,
    started_on: dt.date | None = None,
) -> MentorshipOut:
    """Begin a mentorship: `their_role` 'mentor' (they mentor me) or 'mentee'."""
    get_person(ctx, person_id)
    if session_cadence_days is not None and not 1 <= session_cadence_days <= 365:
        raise Invalid("every", "sessions must be between 1 and 365 days apart")
    row = Mentorship(
        workspace_id=ctx.workspace_id,
        person_id=person_id,
        their_role=parse_choice(MentorRole, their_role, "role").value,
        goals=clean_text(goals, "goals"),
        session_cadence_days=session_cadence_days,
        started_on=started_on or ctx.today,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return mentorship_outs(ctx, [row])[0]


def mentorships(ctx: Ctx, *, person_id: int | None = None) -> list[MentorshipOut]:
    query = select(Mentorship).where(Mentorship.workspace_id == ctx.workspace_id)
    if person_id is not None:
        query = query.where(Mentorship.person_id == person_id)
    return mentorship_outs(ctx, list(ctx.session.scalars(query.order_by(Mentorship.id))))


def mentorship_outs(ctx: Ctx, rows: Sequence[Mentorship]) -> list[MentorshipOut]:
    names = names_of(ctx, {r.person_id for r in rows})
    return [
        MentorshipOut(
            r.id,
            names.get(r.person_id, "?"),
            r.person_id,
            r.their_role,
            r.goals,
            r.session_cadence_days,
            r.started_on,
            r.ended_on,
        )
        for r in rows
    ]


def record_feedback(
    ctx: Ctx,
    person_id: int | None,
    content: str,
    *,
    received_on: dt.date | None = None,
    actions: Sequence[str] = (),
    due_on: dt.date | None = None,
) -> FeedbackOut:
    """Log feedback; each action item becomes a promise of mine to the giver."""
    text = clean_text(content, "feedback")
    if not text:
        raise Invalid("feedback", "say what the feedback was")
    if person_id is not None:
        get_person(ctx, person_id)
    elif actions:
        raise Invalid("action", "action items need the person who gave the feedback")
    row = Feedback(
        workspace_id=ctx.workspace_id,
        person_id=person_id,
        received_on=received_on or ctx.today,
        content=text,
    )
    ctx.session.add(row)
    ctx.session.flush()
    for action in actions:
        if action.strip() and person_id is not None:
            promises.promise(
                ctx, person_id, action, owner=Owner.ME.value, due_on=due_on, feedback_id=row.id
            )
    return feedback_outs(ctx, [row])[0]


def feedback(ctx: Ctx, *, person_id: int | None = None) -> list[FeedbackOut]:
    query = select(Feedback).where(Feedback.workspace_id == ctx.workspace_id)
    if person_id is not None:
        query = query.where(Feedback.person_id == person_id)
    return feedback_outs(
        ctx, list(ctx.session.scalars(query.order_by(Feedback.received_on.desc())))
    )


def feedback_outs(ctx: Ctx, rows: Sequence[Feedback]) -> list[FeedbackOut]:
    names = names_of(ctx, {r.person_id for r in rows if r.person_id})
    ids = [r.id for r in rows]
    actions = (
        list(ctx.session.scalars(select(Commitment).where(Commitment.feedback_id.in_(ids))))
        if ids
        else []
    )
    action_outs = promises.outs(ctx, actions)
    by_feedback = {
        r.id: [a for a, raw in zip(action_outs, actions, strict=True) if raw.feedback_id == r.id]
        for r in rows
    }
    return [
        FeedbackOut(
            r.id,
            names.get(r.person_id) if r.person_id else None,
            r.received_on,
            r.content,
            by_feedback[r.id],
        )
        for r in rows
    ]


def introduce(
    ctx: Ctx,
    person_id: int,
    *,
    to_person_id: int | None = None,
    introducer_id: int | None = None,
    occurred_on: dt.date | None = None,
    note: str | None = None,
) -> IntroductionOut:
    """Record an introduction of `person_id` to `to_person_id` (None: to me) made by
    `introducer_id` (None: by me)."""
    for pid in (person_id, to_person_id, introducer_id):
        if pid is not None:
            get_person(ctx, pid)
    if to_person_id is None and introducer_id is None:
        raise Invalid("intro", "say who made the introduction (--by) or to whom (--to)")
    if person_id in (to_person_id, introducer_id) or (
        to_person_id is not None and to_person_id == introducer_id
    ):
        raise Contradicts("intro", "an introduction needs three different people")
    row = Introduction(
        workspace_id=ctx.workspace_id,
        introducer_id=introducer_id,
        person_id=person_id,
        to_person_id=to_person_id,
        occurred_on=occurred_on or ctx.today,
        note=clean_text(note, "note"),
    )
    ctx.session.add(row)
    if introducer_id is not None and to_person_id is None:
        person = get_person(ctx, person_id)
        if person.introduced_by_id is None:
            person.introduced_by_id = introducer_id
    ctx.session.flush()
    return introduction_outs(ctx, [row])[0]


def introductions(ctx: Ctx, *, person_id: int | None = None) -> list[IntroductionOut]:
    query = select(Introduction).where(Introduction.workspace_id == ctx.workspace_id)
    if person_id is not None:
        query = query.where(
            or_(
                Introduction.person_id == person_id,
                Introduction.to_person_id == person_id,
                Introduction.introducer_id == person_id,
            )
        )
    rows = list(ctx.session.scalars(query.order_by(Introduction.occurred_on.desc())))
    return introduction_outs(ctx, rows)


def introduction_outs(ctx: Ctx, rows: Sequence[Introduction]) -> list[IntroductionOut]:
    ids = {p for r in rows for p in (r.person_id, r.to_person_id, r.introducer_id) if p}
    names = names_of(ctx, ids)
    return [
        IntroductionOut(
            r.id,
            names.get(r.introducer_id, "?") if r.introducer_id else "me",
            names.get(r.person_id, "?"),
            names.get(r.to_person_id, "?") if r.to_person_id else "me",
            r.occurred_on,
            r.note,
        )
        for r in rows
    ]
