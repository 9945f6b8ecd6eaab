"""What answering a reason does, said before and after: what `done` does for each
kind, and until when a dismissal holds (the dismiss cycle).

    kind           done also…                       dismissed, it returns
    keep-in-touch  (the logged contact resets it)   after one more rhythm period
    mentoring      (the logged contact resets it)   after one more session rhythm
    promise        marks your promise kept          after `recheck_days` (7)
    feedback       marks the action item kept       after `recheck_days`
    nudge          (their promise stays open)       after `recheck_days`
    thanks         records the thanks               after `recheck_days`
    follow-up      (the logged contact ends it)     after `recheck_days`, unless it lapsed
    role-change    acknowledges the new role        after `recheck_days`, unless it lapsed
    strained       (the logged contact repairs it)  after `recheck_days`
    milestone      marks the day for this year      next year, its lead time before the
                                                    day (a one-off date: never)
    prepare        (no contact: the meeting is one) the day after the meeting

`done` logs the contact for every kind unless told not to, except preparing for a
meeting (the meeting itself is logged once it has happened)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

from rapport.domain.records import AgendaReason

DONE_DOES: Final = {
    "promise": "marks the promise kept",
    "feedback": "marks the action item kept",
    "thanks": "records the thanks",
    "role-change": "acknowledges the new role",
    "milestone": "marks the day for this year",
    "prepare": "marks you ready for the meeting",
}
# kinds whose `done` is no contact with the person, so none is logged
NOT_A_CONTACT: Final = frozenset({"prepare"})
# what a logged "done" says happened, in the timeline, when no note is given
DONE_SUMMARY: Final = {
    "keep-in-touch": "Checked in",
    "follow-up": "Followed up after meeting",
    "milestone": "Sent wishes",
    "role-change": "Congratulated them on the new role",
    "strained": "Took a first repair step",
    "mentoring": "Arranged the next mentoring session",
    "thanks": "Said thank you",
    "nudge": "Gently checked in on their promise",
    "promise": "Kept my promise",
    "feedback": "Acted on their feedback",
}


def on_day(day: dt.date, today: dt.date) -> str:
    """'14 January', with the year when it is not this one."""
    words = f"{day.day} {day:%B}"
    return words if day.year == today.year else f"{words} {day.year}"


def what_done_does(reason: AgendaReason, log_contact: bool = True) -> str:
    """What `done` on `reason` will do, in a few words."""
    does = [DONE_DOES[reason.kind]] if reason.kind in DONE_DOES else []
    if log_contact and reason.kind not in NOT_A_CONTACT:
        does.append("logs the contact")
    return " and ".join(does) or "marks it done"


def which_one(person: str, reasons: Sequence[AgendaReason], everything: str) -> str:
    """The refusal when a person (or an entry's number) names several reasons:
    each one's reference and what `done` on it does, and how to answer them all."""
    listed = "; ".join(f"{r.ref} {r.kind}: {r.text} → done {what_done_does(r)}" for r in reasons)
    refs = ", ".join(r.ref for r in reasons)
    return (
        f"{person} has {len(reasons)} reasons on the agenda ({listed}). Name one ({refs}), "
        f"or answer them all with {everything}"
    )


def dismissal(reason: AgendaReason, today: dt.date) -> str:
    """Until when a dismissal of `reason` on `today` holds, in words."""
    back = reason.dismiss_until
    if back is None:
        return "for good (it does not come round again)"
    if reason.shown_until is not None and back > reason.shown_until:
        last = on_day(reason.shown_until, today)
        return f"for good (it is shown until {last} only, before it would return)"
    return f"until {on_day(back, today)}"
