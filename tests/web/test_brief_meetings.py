"""A meeting still to come (from a synced calendar) is said by the person page's
brief, the API's brief and the agenda page, the same words everywhere."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from rapport.storage.sync_tables import UpcomingAttendee, UpcomingMeeting
from tests.factories import make_person
from tests.web.conftest import User, Web


def test_the_next_meeting_reads_the_same_on_the_page_the_api_and_the_agenda(
    web: Web, ana: User
) -> None:
    with web.open(ana) as ctx:
        bruno = make_person(ctx, "Bruno Costa", emails=["bruno@example.com"])
        starts = dt.datetime.combine(ctx.today + dt.timedelta(days=1), dt.time(10), ctx.tz)
        meeting = ctx.session.execute(
            insert(UpcomingMeeting).returning(UpcomingMeeting.id),
            {"workspace_id": ctx.workspace_id, "external_id": "kick", "starts_at": starts,
             "summary": "Project kickoff", "kind": "meeting"},
        ).scalar_one()  # fmt: skip
        ctx.session.execute(
            insert(UpcomingAttendee), {"meeting_id": meeting, "person_id": bruno.id}
        )
    line = "You meet Bruno tomorrow at 10:00 (Project kickoff)"
    brief = ana.client.get(f"/api/v1/people/{bruno.id}/brief").json()
    assert brief["meetings"] == [line]
    browser = web.browser(ana)
    assert line in browser.get(f"/people/{bruno.id}").text
    agenda = browser.get("/").text  # the Today page holds the agenda
    assert "you meet tomorrow at 10:00: Project kickoff" in agenda
    assert "Marks you ready for the meeting" in agenda
