"""Mentoring, feedback (whose action items become promises) and introductions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from rapport.domain.records import FeedbackOut, IntroductionOut, MentorshipOut
from rapport.services import mentoring, people
from rapport.web.api.records import page
from rapport.web.api.schemas import (
    MAX_ID,
    FeedbackIn,
    IntroductionIn,
    Limit,
    MentorshipIn,
    Offset,
    Page,
)
from rapport.web.deps import WorkspaceDep

router = APIRouter()
PersonFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("/mentorships", response_model=Page[MentorshipOut], tags=["mentoring"])
def list_mentorships(
    ws: WorkspaceDep, person_id: PersonFilter = None, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """Mentoring relationships (you mentor them, or they mentor you)."""
    with ws.read() as ctx:
        if person_id is not None:
            people.require(ctx, person_id)
        return page(mentoring.mentorships(ctx, person_id=person_id), limit, offset)


@router.post("/mentorships", response_model=MentorshipOut, status_code=201, tags=["mentoring"])
def start_mentorship(ws: WorkspaceDep, body: MentorshipIn) -> Any:
    """Start a mentorship, with goals and a session rhythm."""
    with ws.write() as ctx:
        return mentoring.start_mentorship(
            ctx,
            body.person_id,
            body.their_role,
            goals=body.goals,
            session_cadence_days=body.session_cadence_days,
            started_on=body.started_on,
        )


@router.get("/feedback", response_model=Page[FeedbackOut], tags=["feedback"])
def list_feedback(
    ws: WorkspaceDep, person_id: PersonFilter = None, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """Feedback received, newest first, with its action items."""
    with ws.read() as ctx:
        if person_id is not None:
            people.require(ctx, person_id)
        return page(mentoring.feedback(ctx, person_id=person_id), limit, offset)


@router.post("/feedback", response_model=FeedbackOut, status_code=201, tags=["feedback"])
def record_feedback(ws: WorkspaceDep, body: FeedbackIn) -> Any:
    """Record feedback; each action item becomes a promise of yours."""
    with ws.write() as ctx:
        return mentoring.record_feedback(
            ctx,
            body.person_id,
            body.content,
            received_on=body.received_on,
            actions=body.actions,
            due_on=body.due_on,
        )


@router.get("/introductions", response_model=Page[IntroductionOut], tags=["introductions"])
def list_introductions(
    ws: WorkspaceDep, person_id: PersonFilter = None, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """Who introduced whom to whom."""
    with ws.read() as ctx:
        if person_id is not None:
            people.require(ctx, person_id)
        return page(mentoring.introductions(ctx, person_id=person_id), limit, offset)


@router.post(
    "/introductions", response_model=IntroductionOut, status_code=201, tags=["introductions"]
)
def introduce(ws: WorkspaceDep, body: IntroductionIn) -> Any:
    """Record an introduction (made by you, or to you)."""
    with ws.write() as ctx:
        return mentoring.introduce(
            ctx,
            body.person_id,
            to_person_id=body.to_person_id,
            introducer_id=body.introducer_id,
            occurred_on=body.occurred_on,
            note=body.note,
        )
