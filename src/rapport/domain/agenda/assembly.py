"""From a day's facts to the agenda: every source's reasons, the user's marks and
boundaries applied, a person's reasons merged into one entry, entries ranked."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

from rapport.domain.agenda.facts import (
    NO_CONTACT_KINDS,
    AgendaFacts,
    Mark,
    PersonFacts,
    TouchDue,
)
from rapport.domain.agenda.keep_in_touch import touch_due_reason, touch_key, touch_reason_priority
from rapport.domain.agenda.priorities import EXTRA_REASON
from rapport.domain.agenda.references import short_ref
from rapport.domain.agenda.sources import (
    follow_up_reasons,
    mentoring_reasons,
    milestone_reasons,
    prepare_reasons,
    promise_reasons,
    role_change_reasons,
    strained_reasons,
    thanks_reasons,
)
from rapport.domain.records import Agenda, AgendaEntry, AgendaReason


def build(facts: AgendaFacts, today: dt.date, limit: int | None = None) -> Agenda:
    """The agenda for `today`: one entry per person with every reason to reach out,
    best first, the suggested action and a priority (the first `limit` entries,
    all without one; `total` counts them all)."""
    reasons = [
        *follow_up_reasons(facts.follow_ups, today, facts.rules),
        *promise_reasons(facts.promises, today, facts.rules),
        *thanks_reasons(facts.thanks, today, facts.rules),
        *milestone_reasons(facts.milestones, today, facts.user_tz, facts.zones),
        *role_change_reasons(facts.role_changes, today, facts.rules),
        *strained_reasons(facts.strained, today, facts.rules),
        *mentoring_reasons(facts.mentoring, today),
        *prepare_reasons(facts.prepare, today),
    ]
    entries, total = assemble(
        reasons, facts.people, facts.marks, today, limit, touch=facts.due, touch_rest=facts.more_due
    )
    return Agenda(day=today, entries=entries, total=total)


def _combined_action(reasons: list[AgendaReason]) -> str:
    first = reasons[0].action
    extra = [r for r in reasons[1:] if r.kind not in ("keep-in-touch",)]
    if not extra:
        return first
    return first + "; also: " + "; ".join(r.text for r in extra[:2])


def _held(mark: Mark | None, today: dt.date) -> bool:
    """Whether a mark keeps its reason off `today`'s agenda: done for good; snoozed
    or dismissed until a later day (a dismissal from before dismissals had a day
    holds for good, as it did then)."""
    if mark is None:
        return False
    if mark.until is not None:
        return mark.until > today
    return mark.action in ("done", "dismissed")


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


def _open_reasons(
    reasons: Iterable[tuple[int, AgendaReason]],
    people: Mapping[int, PersonFacts],
    marks: Mapping[str, Mark],
    today: dt.date,
) -> dict[int, dict[str, AgendaReason]]:
    """Each person's reasons by key, without the marked and those their boundaries
    hold back; archived people (not in `people`) have none."""
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
    return by_person


def _open_checkins(
    touch: Iterable[TouchDue], marks: Mapping[str, Mark], today: dt.date
) -> dict[int, TouchDue]:
    """The check-ins neither marked nor held back by the person's boundaries. A key
    is worked out only for people with a check-in mark (compared as text: a stored
    key is never parsed, whatever a restored backup holds)."""
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
    return due


def assemble(
    reasons: Iterable[tuple[int, AgendaReason]],
    people: Mapping[int, PersonFacts],
    marks: Mapping[str, Mark],
    today: dt.date,
    limit: int | None = None,
    touch: Iterable[TouchDue] = (),
    touch_rest: int = 0,
) -> tuple[list[AgendaEntry], int]:
    """One entry per person, reasons best first, entries ranked by their best reason
    (more reasons add a little); the first `limit` entries (all without one) and how
    many there are in all. Marked reasons (done, dismissed, snoozed until a later
    day) are left out; a person's boundaries (not before, at most one contact every N
    days) hold back every reason that needs contact; archived people never appear
    (they are not in `people`, nor in `touch`).

    `touch` are the people due a check-in, as numbers: they are ranked on those, and
    their reason (`keep_in_touch_reasons`' own) is written out only for the entries
    returned. `people` need not hold them unless they have other reasons. `touch_rest`
    counts further open check-ins, each of a person with no other reason, that rank
    after every entry returned: they count in the total and are not read."""
    by_person = _open_reasons(reasons, people, marks, today)
    due = _open_checkins(touch, marks, today)
    # rank everyone on numbers alone; write out entries only for those shown
    ranking = []
    for person_id, keyed in by_person.items():
        best = max(r.priority for r in keyed.values())
        count = len(keyed)
        checkin = due.get(person_id)
        if checkin is not None:
            best = max(best, touch_reason_priority(checkin.priority))
            count += 1
        priority = round(min(best + EXTRA_REASON * (count - 1), 1.0), 4)
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
        ordered = [
            replace(r, ref=short_ref(r.key))
            for r in sorted(found, key=lambda r: (-r.priority, r.kind, r.key))
        ]
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
    return entries, len(ranking) + touch_rest
