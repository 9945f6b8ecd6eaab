"""The agenda's rules: from plain facts about people to ranked, explained reasons.

Every source the guides teach feeds it: keep in touch, follow up after meeting, keep
promises, say thank you, celebrate milestones, acknowledge new roles, repair strained
ties, hold mentoring sessions, act on feedback. Each rule is a pure function from
facts (gathered by one aggregated query per source) to reasons; `assemble` applies
the user's marks and boundaries and merges a person's reasons into one entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from rapport.domain.cadence import effective_cadence, importance_tenths
from rapport.domain.milestones import next_occurrence
from rapport.domain.records import AgendaEntry, AgendaReason, OverdueItem

FOLLOW_UP_WINDOW_DAYS = 14  # people met longer ago than this are keep-in-touch business
THANKS_GRACE_DAYS = 2  # help received shows as thanks owed after this many days
ROLE_CHANGE_WINDOW_DAYS = 60
PROMISE_LOOKAHEAD_DAYS = 2  # my promises show this many days before they are due
# kinds that need no contact with the person, so boundaries never hide them
NO_CONTACT_KINDS = frozenset({"promise", "feedback"})


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def in_days(n: int) -> str:
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if n == -1:
        return "yesterday"
    return f"in {n} days" if n > 0 else f"{-n} days ago"


# --- facts --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactFacts:
    """What the keep-in-touch rule needs to know of one person."""

    person_id: int
    name: str
    organization: str | None
    types: tuple[str, ...]
    cadence_days: int | None  # the person's own override
    last_contact_on: dt.date | None
    known_since: dt.date  # met or added: the clock starts here without any contact
    not_before: dt.date | None


@dataclass(frozen=True)
class PersonFacts:
    """Who a person is, and their boundaries (for every person with a reason)."""

    person_id: int
    name: str
    organization: str | None
    last_contact_on: dt.date | None
    not_before: dt.date | None
    max_contact_days: int | None
    preferred_channel: str | None


@dataclass(frozen=True)
class FollowUpFacts:
    person_id: int
    met_on: dt.date
    event_id: int | None
    event: str | None
    note: str | None


@dataclass(frozen=True)
class PromiseFacts:
    commitment_id: int
    person_id: int
    owner: str  # me / them
    description: str
    due_on: dt.date | None
    from_feedback: bool


@dataclass(frozen=True)
class ThanksFacts:
    exchange_id: int
    person_id: int
    kind: str
    note: str | None
    occurred_on: dt.date


@dataclass(frozen=True)
class MilestoneFacts:
    key: str  # "milestone:7" or "anniversary:role:3"
    ref_id: int
    person_id: int
    kind: str
    label: str | None
    month: int
    day: int
    year: int | None  # birth year, or the year the role started
    once: bool
    lead_days: int
    person_timezone: str | None


@dataclass(frozen=True)
class RoleChangeFacts:
    role_id: int
    person_id: int
    title: str | None
    organization: str | None
    detected_on: dt.date


@dataclass(frozen=True)
class StrainedFacts:
    person_id: int
    since: dt.date | None
    context: str | None
    repaired: bool  # an interaction was logged since it was marked strained


@dataclass(frozen=True)
class MentoringFacts:
    mentorship_id: int
    person_id: int
    their_role: str
    cadence_days: int
    last_session_on: dt.date | None
    started_on: dt.date | None
    goals: str | None


class TouchDue(NamedTuple):
    """A person past their rhythm, as numbers (`services.touch` reads them ranked):
    what the agenda ranks on before it writes anything out, since thousands can be
    due on a large network and a handful are shown."""

    person_id: int
    name: str
    organization: str | None
    cadence_days: int
    days_since: int
    last_contact_on: dt.date | None  # None: never contacted (days since they met)
    priority: float  # touch_priority
    not_before: dt.date | None
    max_contact_days: int | None
    preferred_channel: str | None

    def item(self) -> OverdueItem:
        contacted = self.last_contact_on is not None
        return OverdueItem(
            self.person_id,
            self.name,
            self.organization,
            self.cadence_days,
            self.days_since,
            self.last_contact_on,
            overdue_reason(self.days_since, self.cadence_days, contacted),
            self.priority,
        )


@dataclass(frozen=True)
class Mark:
    action: str  # done, dismissed, snoozed
    until: dt.date | None


# --- rules --------------------------------------------------------------------------


def touch_priority(days_since: int, cadence: int, weight_tenths: int) -> float:
    """How overdue a check-in is: min(lateness, 10) × importance + importance, where
    lateness is (days since − rhythm) / rhythm, to four decimals. Computed in integers
    (rounding half up) so that the database, which ranks the whole network with the
    same formula (services/keep_in_touch.py), agrees to the last digit."""
    scaled = 2000 * weight_tenths * min(days_since, 11 * cadence)
    return ((scaled + cadence) // (2 * cadence)) / 10000


def overdue_reason(days_since: int, cadence: int, contacted: bool) -> str:
    if contacted:
        return f"last contact {plural(days_since, 'day')} ago, against a {cadence}-day rhythm"
    return (
        f"no contact recorded in the {plural(days_since, 'day')} since you met, "
        f"against a {cadence}-day rhythm"
    )


def overdue(
    facts: Iterable[ContactFacts], today: dt.date, defaults: Mapping[str, int]
) -> list[OverdueItem]:
    """People whose last contact is older than their cadence, most overdue first
    (lateness relative to the cadence, weighted by the relationship's importance)."""
    items = []
    for f in facts:
        cadence = effective_cadence(f.cadence_days, f.types, defaults)
        if cadence is None or (f.not_before and f.not_before > today):
            continue
        anchor = f.last_contact_on or f.known_since
        days_since = (today - anchor).days
        if days_since <= cadence:
            continue
        items.append(
            OverdueItem(
                person_id=f.person_id,
                person=f.name,
                organization=f.organization,
                cadence_days=cadence,
                days_since=days_since,
                last_contact_on=f.last_contact_on,
                reason=overdue_reason(days_since, cadence, f.last_contact_on is not None),
                priority=touch_priority(days_since, cadence, importance_tenths(f.types)),
            )
        )
    items.sort(key=lambda i: (-i.priority, -i.days_since, i.person, i.person_id))
    return items


def keep_in_touch_reasons(
    items: Iterable[OverdueItem], today: dt.date
) -> list[tuple[int, AgendaReason]]:
    return [
        (
            item.person_id,
            _touch_reason(
                item.person_id, item.days_since, item.cadence_days, item.reason, item.priority,
                today,
            ),
        )
        for item in items
    ]  # fmt: skip


def touch_key(person_id: int, days_since: int, cadence_days: int, today: dt.date) -> str:
    """The check-in's key: the person and the day it fell due (a new cycle, a new key)."""
    due_on = today - dt.timedelta(days=days_since - cadence_days)
    return f"touch:{person_id}:{due_on.isoformat()}"


def touch_reason_priority(priority: float) -> float:
    """0.3 when just due, up to 0.78 far overdue (weighted by importance): below a
    specific promise, thanks or milestone, which name a concrete thing to do."""
    return round(min(0.3 + priority / 12, 0.78), 4)


def _touch_reason(
    person_id: int, days_since: int, cadence: int, text: str, priority: float, today: dt.date
) -> AgendaReason:
    return AgendaReason(
        kind="keep-in-touch",
        key=touch_key(person_id, days_since, cadence, today),
        text=text,
        action="Send a short check-in: no ask, just interest in how they are",
        priority=touch_reason_priority(priority),
    )


def touch_due_reason(due: TouchDue, today: dt.date) -> AgendaReason:
    """The keep-in-touch reason of `due`, as `keep_in_touch_reasons` writes it."""
    text = overdue_reason(due.days_since, due.cadence_days, due.last_contact_on is not None)
    return _touch_reason(due.person_id, due.days_since, due.cadence_days, text, due.priority, today)


def follow_up_reasons(
    facts: Iterable[FollowUpFacts], today: dt.date
) -> list[tuple[int, AgendaReason]]:
    found = []
    for f in facts:
        age = (today - f.met_on).days
        if age < 1 or age > FOLLOW_UP_WINDOW_DAYS:
            continue
        where = f"at {f.event}" if f.event else "recently"
        text = f"met {where} {plural(age, 'day')} ago and not yet followed up"
        if f.note:
            text += f" ({f.note})"
        found.append(
            (
                f.person_id,
                AgendaReason(
                    kind="follow-up",
                    key=f"followup:{f.person_id}:{f.event_id or 'met'}",
                    text=text,
                    action="Follow up while the meeting is fresh: recall what you talked about",
                    # freshest first: a follow-up loses value every day
                    priority=round(0.9 - 0.02 * age, 4),
                    ref_id=f.event_id,
                ),
            )
        )
    return found


def promise_reasons(
    facts: Iterable[PromiseFacts], today: dt.date
) -> list[tuple[int, AgendaReason]]:
    found = []
    for f in facts:
        if f.owner == "me":
            if f.from_feedback:
                text = f"feedback action: {f.description}"
                if f.due_on:
                    text += f" (due {in_days((f.due_on - today).days)})"
                found.append(
                    (
                        f.person_id,
                        AgendaReason(
                            "feedback",
                            f"feedback:{f.commitment_id}",
                            text,
                            "Act on the feedback, then tell them what you changed",
                            0.75 if f.due_on and f.due_on <= today else 0.45,
                            f.commitment_id,
                        ),
                    )
                )
                continue
            if f.due_on is None or (f.due_on - today).days > PROMISE_LOOKAHEAD_DAYS:
                continue
            late = (today - f.due_on).days
            if late > 0:
                text = f"you promised to {f.description}: {plural(late, 'day')} overdue"
                action = "Deliver it today, or tell them honestly when it will come"
                priority = 0.95
            else:
                text = f"you promised to {f.description}, due {in_days(-late)}"
                action = "Keep the promise on time"
                priority = 0.85 if late == 0 else 0.7
            found.append(
                (
                    f.person_id,
                    AgendaReason(
                        "promise",
                        f"promise:{f.commitment_id}",
                        text,
                        action,
                        priority,
                        f.commitment_id,
                    ),
                )
            )
        elif f.due_on is not None and f.due_on < today:
            late = (today - f.due_on).days
            found.append(
                (
                    f.person_id,
                    AgendaReason(
                        "nudge",
                        f"nudge:{f.commitment_id}",
                        f"they promised to {f.description}, due {plural(late, 'day')} ago",
                        "A gentle, friendly reminder: offer help rather than press",
                        0.4,
                        f.commitment_id,
                    ),
                )
            )
    return found


def thanks_reasons(facts: Iterable[ThanksFacts], today: dt.date) -> list[tuple[int, AgendaReason]]:
    found = []
    for f in facts:
        age = (today - f.occurred_on).days
        if age < THANKS_GRACE_DAYS:
            continue
        what = f"{f.kind}" + (f" ({f.note})" if f.note else "")
        found.append(
            (
                f.person_id,
                AgendaReason(
                    "thanks",
                    f"thanks:{f.exchange_id}",
                    f"helped you with {what} {plural(age, 'day')} ago, not yet thanked",
                    "Say thank you, and tell them how their help made a difference",
                    0.8 if age <= 14 else 0.6,
                    f.exchange_id,
                ),
            )
        )
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
) -> list[tuple[int, AgendaReason]]:
    found = []
    for f in facts:
        local = their_today(today, user_tz, zones.get(f.person_timezone or ""))
        when = next_occurrence(f.month, f.day, local, once_year=f.year if f.once else None)
        if when is None:
            continue
        days = (when - local).days
        if days > f.lead_days:
            continue
        word, action = _MILESTONE_WORDS.get(f.kind, ("", "Mark the day"))
        label = f.label or word
        if f.kind == "work-anniversary" and f.year:
            years = when.year - f.year
            if years < 1:
                continue
            label = (
                f"{plural(years, 'year')} at {f.label}"
                if f.label
                else f"{plural(years, 'year')} work anniversary"
            )
        elif f.kind == "birthday" and f.year:
            label = f"birthday ({when.year - f.year})"
        text = f"{label} {in_days(days)}" + (
            " (their time)" if local != today and days == 0 else ""
        )
        found.append(
            (
                f.person_id,
                AgendaReason(
                    "milestone",
                    f"{f.key}:{when.isoformat()}",
                    text,
                    action,
                    0.9 if days == 0 else round(0.75 - 0.03 * days, 4),
                    f.ref_id,
                ),
            )
        )
    return found


def role_change_reasons(
    facts: Iterable[RoleChangeFacts], today: dt.date
) -> list[tuple[int, AgendaReason]]:
    found = []
    for f in facts:
        age = (today - f.detected_on).days
        if age < 0 or age > ROLE_CHANGE_WINDOW_DAYS:
            continue
        role = " at ".join(x for x in (f.title, f.organization) if x) or "a new role"
        found.append(
            (
                f.person_id,
                AgendaReason(
                    "role-change",
                    f"role:{f.role_id}",
                    f"new role: {role}",
                    "Congratulate them on the new role and ask how it is going",
                    0.7,
                    f.role_id,
                ),
            )
        )
    return found


def strained_reasons(
    facts: Iterable[StrainedFacts], today: dt.date
) -> list[tuple[int, AgendaReason]]:
    found = []
    for f in facts:
        if f.repaired:
            continue
        since = f" since {f.since.isoformat()}" if f.since else ""
        context = f": {f.context}" if f.context else ""
        found.append(
            (
                f.person_id,
                AgendaReason(
                    "strained",
                    f"strained:{f.person_id}:{f.since.isoformat() if f.since else 'x'}",
                    f"relationship strained{since}{context}; no repair step yet",
                    "Take a first repair step: acknowledge it openly and listen",
                    0.65,
                ),
            )
        )
    return found


def mentoring_reasons(
    facts: Iterable[MentoringFacts], today: dt.date
) -> list[tuple[int, AgendaReason]]:
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
        found.append(
            (
                f.person_id,
                AgendaReason(
                    "mentoring",
                    f"mentoring:{f.mentorship_id}:{due.isoformat()}",
                    text,
                    "Book the next session and bring one question or piece of progress",
                    0.72,
                    f.mentorship_id,
                ),
            )
        )
    return found


# --- assembling ---------------------------------------------------------------------


def _combined_action(reasons: list[AgendaReason]) -> str:
    first = reasons[0].action
    extra = [r for r in reasons[1:] if r.kind not in ("keep-in-touch",)]
    if not extra:
        return first
    return first + "; also: " + "; ".join(r.text for r in extra[:2])


def _held(mark: Mark | None, today: dt.date) -> bool:
    return mark is not None and (
        mark.action in ("done", "dismissed") or (mark.until is not None and mark.until > today)
    )


def _bounded(
    not_before: dt.date | None,
    max_contact_days: int | None,
    last_contact_on: dt.date | None,
    today: dt.date,
) -> bool:
    """Whether a person's boundaries hold back contact today."""
    if not_before and not_before > today:
        return True
    return bool(
        max_contact_days and last_contact_on and (today - last_contact_on).days < max_contact_days
    )


def assemble(
    reasons: Iterable[tuple[int, AgendaReason]],
    people: Mapping[int, PersonFacts],
    marks: Mapping[str, Mark],
    today: dt.date,
    limit: int | None = None,
    touch: Iterable[TouchDue] = (),
) -> tuple[list[AgendaEntry], int]:
    """One entry per person, reasons best first, entries ranked by their best reason
    (more reasons add a little); the first `limit` entries (all without one) and how
    many there are in all. Marked reasons (done, dismissed, snoozed until a later
    day) are left out; a person's boundaries (not before, at most one contact every N
    days) hold back every reason that needs contact; archived people never appear
    (they are not in `people`, nor in `touch`).

    `touch` are the people due a check-in, as numbers: they are ranked on those, and
    their reason (`keep_in_touch_reasons`' own) is written out only for the entries
    returned. `people` need not hold them unless they have other reasons."""
    by_person: dict[int, dict[str, AgendaReason]] = defaultdict(dict)
    for person_id, reason in reasons:
        person = people.get(person_id)
        if person is None or _held(marks.get(reason.key), today):
            continue
        if reason.kind not in NO_CONTACT_KINDS and _bounded(
            person.not_before, person.max_contact_days, person.last_contact_on, today
        ):
            continue
        by_person[person_id].setdefault(reason.key, reason)
    # check-ins: a key is worked out only for people with a check-in mark (compared
    # as text: a stored key is never parsed, whatever a restored backup holds)
    marked = {k.split(":", 2)[1] for k in marks if k.startswith("touch:")}
    due: dict[int, TouchDue] = {}
    for t in touch:
        if str(t.person_id) in marked and _held(
            marks.get(touch_key(t.person_id, t.days_since, t.cadence_days, today)), today
        ):
            continue
        if _bounded(t.not_before, t.max_contact_days, t.last_contact_on, today):
            continue
        due[t.person_id] = t
    # rank everyone on numbers alone; write out entries only for those shown
    ranking = []
    for person_id, keyed in by_person.items():
        best = max(r.priority for r in keyed.values())
        count = len(keyed)
        checkin = due.get(person_id)
        if checkin is not None:
            best = max(best, touch_reason_priority(checkin.priority))
            count += 1
        priority = round(min(best + 0.03 * (count - 1), 1.0), 4)
        ranking.append((-priority, people[person_id].name, person_id))
    for person_id, checkin in due.items():
        if person_id not in by_person:
            ranking.append((-touch_reason_priority(checkin.priority), checkin.name, person_id))
    ranking.sort()
    entries = []
    for n, (negative, name, person_id) in enumerate(ranking[:limit], start=1):
        found = list(by_person.get(person_id, {}).values())
        checkin = due.get(person_id)
        if checkin is not None:
            found.append(touch_due_reason(checkin, today))
        ordered = sorted(found, key=lambda r: (-r.priority, r.kind, r.key))
        facts = people.get(person_id)
        organization = facts.organization if facts is not None else due[person_id].organization
        entries.append(
            AgendaEntry(
                position=n,
                person_id=person_id,
                person=name,
                organization=organization,
                kind=ordered[0].kind,
                reasons=ordered,
                action=_combined_action(ordered),
                priority=-negative,
            )
        )
    return entries, len(ranking)
