"""Meetings still to come, from the synced calendars (`services.calendar_sync` keeps
them): a person's next ones for the brief, and today's and tomorrow's for the
agenda. A meeting whose start has passed is never read here, even before the next
sync turns it into an interaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from rapport.domain.agenda.facts import PrepareFacts
from rapport.domain.records import MeetingAhead
from rapport.services.context import Ctx
from rapport.storage.sync_tables import UpcomingAttendee, UpcomingMeeting


def for_person(ctx: Ctx, person_id: int, limit: int = 3) -> list[MeetingAhead]:
    """The person's next meetings, soonest first, in the workspace's zone."""
    rows = ctx.rows(
        select(
            UpcomingMeeting.starts_at,
            UpcomingMeeting.summary,
            UpcomingMeeting.kind,
            UpcomingMeeting.location,
        )
        .join(UpcomingAttendee, UpcomingAttendee.meeting_id == UpcomingMeeting.id)
        .where(
            UpcomingMeeting.workspace_id == ctx.workspace_id,
            UpcomingAttendee.person_id == person_id,
            UpcomingMeeting.starts_at > ctx.now(),
        )
        .order_by(UpcomingMeeting.starts_at, UpcomingMeeting.id)
        .limit(limit)
    )
    return [
        MeetingAhead(starts.astimezone(ctx.tz), summary, kind, location)
        for starts, summary, kind, location in rows
    ]


def to_prepare(ctx: Ctx, today: dt.date) -> list[PrepareFacts]:
    """Each person's meetings from now to the end of tomorrow (`today` in the
    workspace's zone): what the agenda asks to prepare for."""
    start = max(ctx.now(), dt.datetime.combine(today, dt.time(0), ctx.tz))
    end = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(0), ctx.tz)
    rows = ctx.rows(
        select(
            UpcomingMeeting.id,
            UpcomingAttendee.person_id,
            UpcomingMeeting.starts_at,
            UpcomingMeeting.summary,
        )
        .join(UpcomingAttendee, UpcomingAttendee.meeting_id == UpcomingMeeting.id)
        .where(
            UpcomingMeeting.workspace_id == ctx.workspace_id,
            UpcomingMeeting.starts_at > start,
            UpcomingMeeting.starts_at < end,
        )
        .order_by(UpcomingMeeting.starts_at, UpcomingMeeting.id)
    )
    return [
        PrepareFacts(
            meeting_id=mid, person_id=pid, starts_at=starts.astimezone(ctx.tz), summary=summary
        )
        for mid, pid, starts, summary in rows
    ]
