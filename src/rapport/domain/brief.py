"""The prep brief's rules: from a person's profile (already read) and their health,
what to know before meeting them and what to talk about. Pure: no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from rapport.domain.records import Brief, Health, MeetingAhead, PersonOut, Profile
from rapport.domain.relative_time import when_ahead

RECENT_CONVERSATIONS = 3  # the brief recalls this many of the latest conversations
MILESTONE_DAYS = 60  # dates this close are worth a word
NEW_ROLE_DAYS = 120  # a role detected this recently is still news
MEETINGS_AHEAD = 3  # the brief names this many of the next meetings


def build(
    profile: Profile, health: Health, today: dt.date, meetings: Sequence[MeetingAhead] = ()
) -> Brief:
    """Who they are, how you met, the next meetings (`meetings`, soonest first, in the
    user's zone), the last conversations, promises both ways, the favours balance,
    upcoming dates, what to talk about, and the tie's health."""
    person = profile.person
    recent = profile.interactions[:RECENT_CONVERSATIONS]
    open_promises = [c for c in profile.commitments if c.status == "open"]
    mine = [c for c in open_promises if c.owner == "me"]
    theirs = [c for c in open_promises if c.owner == "them"]
    unthanked = [e for e in profile.exchanges if e.direction == "received" and not e.thanked_on]
    upcoming = [
        m for m in profile.milestones if m.next_on and (m.next_on - today).days <= MILESTONE_DAYS
    ]
    facts = Brief(
        person=person,
        how_we_met=how_we_met(person) or "not recorded",
        recent=recent,
        my_promises=mine,
        their_promises=theirs,
        balance=profile.balance,
        unthanked=unthanked,
        upcoming_milestones=upcoming,
        health=health,
        talking_points=[],
        meetings=[meeting_line(person, m, today) for m in meetings[:MEETINGS_AHEAD]],
    )
    return replace(facts, talking_points=talking_points(facts, today))


def meeting_line(person: PersonOut, meeting: MeetingAhead, today: dt.date) -> str:
    """'You meet Ana tomorrow at 10:00 (Project kickoff)'."""
    first = person.given_name or person.name.split(" ")[0]
    what = f" ({meeting.summary})" if meeting.summary else ""
    how = "have a video call with" if meeting.kind == "video" else "meet"
    return f"You {how} {first} {when_ahead(meeting.starts_at, today)}{what}"


def how_we_met(person: PersonOut) -> str:
    """'WebSummit, 2025-03-01: PyCon hallway (introduced by Bruno)', or '' if unknown."""
    how = ", ".join(
        x for x in (person.met_at_event, str(person.met_on) if person.met_on else None) if x
    )
    if person.how_met:
        how = f"{how}: {person.how_met}" if how else person.how_met
    if person.introduced_by:
        by = f"introduced by {person.introduced_by}"
        how = f"{how} ({by})" if how else by
    return how


def talking_points(brief: Brief, today: dt.date) -> list[str]:
    """What to bring up, from the brief's facts, in the order worth bringing it up."""
    person = brief.person
    points: list[str] = []
    last = brief.recent[0] if brief.recent else None
    if last:
        # notes the user wrote say where they left off; an imported or synced one's
        # are the machine's ("3 messages", a meeting's room): its subject says it better
        said = last.notes if last.source == "manual" and last.notes else last.summary
        if said:
            points.append(f"Pick up from last time: {said}")
    points += [
        f"Your promise: {c.description}" + (f" (due {c.due_on})" if c.due_on else "")
        for c in brief.my_promises
    ]
    points += [f"They offered: {c.description}" for c in brief.their_promises]
    points += [
        f"Thank them for the {e.kind}" + (f": {e.note}" if e.note else "") for e in brief.unthanked
    ]
    points += [
        f"{(m.label or m.kind).capitalize()} on {m.next_on}" for m in brief.upcoming_milestones
    ]
    if person.interests:
        points.append(f"Ask about {person.interests}")
    if person.remember:
        points.append(f"Remember: {person.remember}")
    role = new_role(person, today)
    if role:
        points.append(role)
    if person.strained:
        context = f" ({person.strained_context})" if person.strained_context else ""
        points.append(f"Tread carefully: the relationship is marked strained{context}")
    return points


def new_role(person: PersonOut, today: dt.date) -> str | None:
    """'New role since 2026-10-01: CTO at Acme' for a role detected lately."""
    for r in person.roles:
        if r.detected_on and (today - r.detected_on) < dt.timedelta(days=NEW_ROLE_DAYS):
            role = " at ".join(x for x in (r.title, r.organization) if x)
            return f"New role since {r.detected_on}: {role}"
    return None
