"""One rule per source of the agenda besides keep in touch: follow up after meeting,
keep promises (and nudge theirs), say thank you, celebrate milestones, acknowledge new
roles, repair strained ties, hold mentoring sessions, prepare for meetings. Each turns
its facts into (person id, reason) pairs; `assembly` merges them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace

from rapport.domain.agenda.facts import (
    FollowUpFacts,
    MentoringFacts,
    MilestoneFacts,
    PrepareFacts,
    PromiseFacts,
    RoleChangeFacts,
    StrainedFacts,
    ThanksFacts,
)
from rapport.domain.agenda.priorities import PRIORITY
from rapport.domain.agenda.rules import AgendaRules
from rapport.domain.milestones import next_occurrence
from rapport.domain.records import AgendaReason
from rapport.domain.relative_time import in_days, plural, when_ahead

Found = list[tuple[int, AgendaReason]]


def _later(today: dt.date, days: int) -> dt.date:
    return today + dt.timedelta(days=days)


def follow_up_reasons(facts: Iterable[FollowUpFacts], today: dt.date, rules: AgendaRules) -> Found:
    found = []
    for f in facts:
        age = (today - f.met_on).days
        if age < 1 or age > rules.follow_up_days:
            continue
        where = f"at {f.event}" if f.event else "recently"
        text = f"met {where} {plural(age, 'day')} ago and not yet followed up"
        if f.note:
            text += f" ({f.note})"
        reason = AgendaReason(
            kind="follow-up",
            key=f"followup:{f.person_id}:{f.event_id or 'met'}",
            text=text,
            action="Follow up while the meeting is fresh: recall what you talked about",
            priority=PRIORITY["follow-up"].after(age),
            ref_id=f.event_id,
            shown_until=_later(f.met_on, rules.follow_up_days),
            dismiss_until=_later(today, rules.recheck_days),
        )
        found.append((f.person_id, reason))
    return found


def promise_reasons(facts: Iterable[PromiseFacts], today: dt.date, rules: AgendaRules) -> Found:
    """My promises (and feedback action items) as they come due; theirs once late.
    None lapses; dismissed, one returns at the next check (`recheck_days`)."""
    found = []
    recheck = _later(today, rules.recheck_days)
    for f in facts:
        reason: AgendaReason | None
        if f.owner == "me" and f.from_feedback:
            reason = _feedback(f, today)
        elif f.owner == "me":
            reason = _my_promise(f, today, rules.promise_lookahead_days)
        else:
            reason = _their_promise(f, today)
        if reason is not None:
            found.append((f.person_id, replace(reason, dismiss_until=recheck)))
    return found


def _feedback(f: PromiseFacts, today: dt.date) -> AgendaReason:
    text = f"feedback action: {f.description}"
    if f.due_on:
        text += f" (due {in_days((f.due_on - today).days)})"
    due = f.due_on is not None and f.due_on <= today
    return AgendaReason(
        kind="feedback",
        key=f"feedback:{f.commitment_id}",
        text=text,
        action="Act on the feedback, then tell them what you changed",
        priority=PRIORITY["feedback due" if due else "feedback"].start,
        ref_id=f.commitment_id,
    )


def _my_promise(f: PromiseFacts, today: dt.date, lookahead: int) -> AgendaReason | None:
    if f.due_on is None or (f.due_on - today).days > lookahead:
        return None
    late = (today - f.due_on).days
    if late > 0:
        text = f"you promised to {f.description}: {plural(late, 'day')} overdue"
        action = "Deliver it today, or tell them honestly when it will come"
        priority = PRIORITY["promise late"].start
    else:
        text = f"you promised to {f.description}, due {in_days(-late)}"
        action = "Keep the promise on time"
        priority = PRIORITY["promise due today" if late == 0 else "promise due soon"].start
    return AgendaReason(
        kind="promise",
        key=f"promise:{f.commitment_id}",
        text=text,
        action=action,
        priority=priority,
        ref_id=f.commitment_id,
    )


def _their_promise(f: PromiseFacts, today: dt.date) -> AgendaReason | None:
    if f.due_on is None or f.due_on >= today:
        return None
    late = (today - f.due_on).days
    return AgendaReason(
        kind="nudge",
        key=f"nudge:{f.commitment_id}",
        text=f"they promised to {f.description}, due {plural(late, 'day')} ago",
        action="A gentle, friendly reminder: offer help rather than press",
        priority=PRIORITY["nudge"].start,
        ref_id=f.commitment_id,
    )


# what they did, per favour kind (domain.vocabulary.ExchangeKind), for the thanks line
HELP_GIVEN = {
    "introduction": "made an introduction",
    "referral": "referred you",
    "advice": "gave you advice",
    "resource": "shared a resource",
    "favour": "did you a favour",
    "endorsement": "endorsed you",
}


def thanks_reasons(facts: Iterable[ThanksFacts], today: dt.date, rules: AgendaRules) -> Found:
    found = []
    for f in facts:
        age = (today - f.occurred_on).days
        if age < rules.thanks_after_days:
            continue
        what = HELP_GIVEN.get(f.kind, f"helped you ({f.kind})") + (f" ({f.note})" if f.note else "")
        reason = AgendaReason(
            kind="thanks",
            key=f"thanks:{f.exchange_id}",
            text=f"{what} {plural(age, 'day')} ago, not yet thanked",
            action="Say thank you, and tell them how their help made a difference",
            priority=PRIORITY["thanks" if age <= rules.thanks_fresh_days else "thanks late"].start,
            ref_id=f.exchange_id,
            dismiss_until=_later(today, rules.recheck_days),
        )
        found.append((f.person_id, reason))
    return found


def their_today(day: dt.date, user_tz: dt.tzinfo, their_tz: dt.tzinfo | None) -> dt.date:
    """The person's local date at noon of the user's `day` (a birthday in Tokyo
    starts while it is still the day before in Lisbon)."""
    if their_tz is None:
        return day
    return dt.datetime.combine(day, dt.time(12, 0), user_tz).astimezone(their_tz).date()


_MILESTONE_WORDS = {
    "birthday": ("birthday", "Wish them a happy birthday"),
    "work-anniversary": ("work anniversary", "Congratulate them on the anniversary"),
    "promotion": ("promotion", "Congratulate them on the promotion"),
    "new-job": ("new job", "Congratulate them on the new job"),
    "custom": ("", "Mark the day with a note"),
}


def milestone_reasons(
    facts: Iterable[MilestoneFacts],
    today: dt.date,
    user_tz: dt.tzinfo,
    zones: Mapping[str, dt.tzinfo],
) -> Found:
    found = []
    for f in facts:
        local = their_today(today, user_tz, zones.get(f.person_timezone or ""))
        when = next_occurrence(f.month, f.day, local, once_year=f.year if f.once else None)
        if when is None:
            continue
        days = (when - local).days
        label = _milestone_label(f, when)
        if days > f.lead_days or label is None:
            continue
        their_time = " (their time)" if local != today and days == 0 else ""
        reason = AgendaReason(
            kind="milestone",
            key=f"{f.key}:{when.isoformat()}",
            text=f"{label} {in_days(days)}{their_time}",
            action=_MILESTONE_WORDS.get(f.kind, ("", "Mark the day"))[1],
            priority=(
                PRIORITY["milestone today"].start
                if days == 0
                else PRIORITY["milestone ahead"].after(days)
            ),
            ref_id=f.ref_id,
            dismiss_until=_next_year(f, when, today + dt.timedelta(days=days)),
        )
        found.append((f.person_id, reason))
    return found


def _next_year(f: MilestoneFacts, when: dt.date, today_then: dt.date) -> dt.date | None:
    """Dismissed, a milestone returns with next year's (its lead time before it, in
    the user's days); a one-off one never does."""
    if f.once:
        return None
    after = next_occurrence(f.month, f.day, when + dt.timedelta(days=1))
    if after is None:
        return None
    return today_then + dt.timedelta(days=(after - when).days - f.lead_days)


def _milestone_label(f: MilestoneFacts, when: dt.date) -> str | None:
    """What the day is ('birthday (40)', '3 years at Acme'); None for a work
    anniversary not yet a year old."""
    if f.kind == "work-anniversary" and f.year:
        years = when.year - f.year
        if years < 1:
            return None
        what = f"at {f.label}" if f.label else "work anniversary"
        return f"{plural(years, 'year')} {what}"
    if f.kind == "birthday" and f.year:
        return f"birthday ({when.year - f.year})"
    return f.label or _MILESTONE_WORDS.get(f.kind, ("", ""))[0]


def role_change_reasons(
    facts: Iterable[RoleChangeFacts], today: dt.date, rules: AgendaRules
) -> Found:
    found = []
    for f in facts:
        age = (today - f.detected_on).days
        if age < 0 or age > rules.role_change_days:
            continue
        role = " at ".join(x for x in (f.title, f.organization) if x) or "a new role"
        reason = AgendaReason(
            kind="role-change",
            key=f"role:{f.role_id}",
            text=f"new role: {role}",
            action="Congratulate them on the new role and ask how it is going",
            priority=PRIORITY["role-change"].start,
            ref_id=f.role_id,
            shown_until=_later(f.detected_on, rules.role_change_days),
            dismiss_until=_later(today, rules.recheck_days),
        )
        found.append((f.person_id, reason))
    return found


def repaired(f: StrainedFacts) -> bool:
    """Whether a contact was logged since the tie was marked strained: on that day
    too (marked in the morning, the repair call logged that afternoon)."""
    return f.since is not None and f.last_contact_on is not None and f.last_contact_on >= f.since


def strained_reasons(facts: Iterable[StrainedFacts], today: dt.date, rules: AgendaRules) -> Found:
    found = []
    for f in facts:
        if repaired(f):
            continue
        since = f" since {f.since.isoformat()}" if f.since else ""
        context = f": {f.context}" if f.context else ""
        reason = AgendaReason(
            kind="strained",
            key=f"strained:{f.person_id}:{f.since.isoformat() if f.since else 'x'}",
            text=f"relationship strained{since}{context}; no repair step yet",
            action="Take a first repair step: acknowledge it openly and listen",
            priority=PRIORITY["strained"].start,
            dismiss_until=_later(today, rules.recheck_days),
        )
        found.append((f.person_id, reason))
    return found


def mentoring_reasons(facts: Iterable[MentoringFacts], today: dt.date) -> Found:
    found = []
    for f in facts:
        anchor = f.last_session_on or f.started_on
        if anchor is None:
            continue
        due = anchor + dt.timedelta(days=f.cadence_days)
        if due > today:
            continue
        role = "your mentor" if f.their_role == "mentor" else "your mentee"
        last = (
            f"last session {plural((today - f.last_session_on).days, 'day')} ago"
            if f.last_session_on
            else "no session yet"
        )
        text = f"mentoring session with {role} due (every {f.cadence_days} days; {last})"
        if f.goals:
            text += f"; goals: {f.goals}"
        reason = AgendaReason(
            kind="mentoring",
            key=f"mentoring:{f.mentorship_id}:{due.isoformat()}",
            text=text,
            action="Book the next session and bring one question or piece of progress",
            priority=PRIORITY["mentoring"].start,
            ref_id=f.mentorship_id,
            dismiss_until=_later(today, f.cadence_days),  # one more session rhythm
        )
        found.append((f.person_id, reason))
    return found


def prepare_reasons(facts: Iterable[PrepareFacts], today: dt.date) -> Found:
    """Before a meeting later today or tomorrow, with each person in it: one reason
    per person, naming their meetings in order. Its key holds the day of the first,
    so a reason answered for today's meeting comes back for tomorrow's."""
    meetings: dict[int, list[PrepareFacts]] = {}
    for f in sorted(facts, key=lambda f: (f.starts_at, f.meeting_id)):
        meetings.setdefault(f.person_id, []).append(f)
    found = []
    for person_id, theirs in meetings.items():
        first = theirs[0].starts_at.date()
        said = [
            when_ahead(m.starts_at, today) + (f": {m.summary}" if m.summary else "") for m in theirs
        ]
        reason = AgendaReason(
            kind="prepare",
            key=f"prepare:{person_id}:{first.isoformat()}",
            text="you meet " + "; and ".join(said),
            action=(
                "Prepare: read the brief — what they care about, what you promised them, "
                "and where you left off"
            ),
            priority=PRIORITY["prepare today" if first <= today else "prepare tomorrow"].start,
            shown_until=first,
            dismiss_until=first + dt.timedelta(days=1),
        )
        found.append((person_id, reason))
    return found
