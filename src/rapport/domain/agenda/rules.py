"""The agenda's delays and windows, said out loud: each is a workspace setting
(Settings, `rapport settings agenda`, `PATCH /api/v1/settings`) with the default
below, and the agenda is built with the workspace's values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Final, NamedTuple

from rapport.errors import Invalid


@dataclass(frozen=True)
class AgendaRules:
    """The values one agenda is built with (the defaults, unless the workspace
    changed them)."""

    thanks_after_days: int = 2  # help received shows as thanks owed this many days later
    thanks_fresh_days: int = 14  # thanks owed longer than this ranks lower
    follow_up_days: int = 14  # a meeting is followed up for this many days, then lapses
    role_change_days: int = 60  # a new role is acknowledged for this many days, then lapses
    promise_lookahead_days: int = 2  # my promises show this many days before they are due
    recheck_days: int = 7  # a dismissed promise, thanks, nudge… returns after this many days

    def follow_up_until(self, starts: dt.date, ends: dt.date | None = None) -> dt.date:
        """The last day a meeting on `starts` (an event running to `ends`) is asked
        to be followed up: counted from the event's last day, since people met on
        its first day are usually followed up once it is over."""
        return max(starts, ends or starts) + dt.timedelta(days=self.follow_up_days)


class Rule(NamedTuple):
    label: str  # its name on the Settings page
    option: str  # the CLI option, `rapport settings agenda --thanks-after 2`
    low: int
    high: int
    says: str  # one line for Settings, `rapport settings agenda` and the API


RULES: Final[Mapping[str, Rule]] = {
    "thanks_after_days": Rule(
        "Thanks owed shows after",
        "--thanks-after",
        0,
        60,
        "days after help is received before thanks owed shows",
    ),
    "thanks_fresh_days": Rule(
        "Thanks owed ranks high for",
        "--thanks-fresh",
        1,
        365,
        "days thanks owed stays high on the list, then ranks lower",
    ),
    "follow_up_days": Rule(
        "Follow-ups after meeting last",
        "--follow-up-days",
        1,
        90,
        "days a meeting is followed up; after that it lapses",
    ),
    "role_change_days": Rule(
        "New roles are shown for",
        "--role-change-days",
        1,
        365,
        "days a new role is shown to acknowledge; then it lapses",
    ),
    "promise_lookahead_days": Rule(
        "Your promises show ahead by",
        "--promise-lookahead",
        0,
        60,
        "days before its due date a promise of yours shows",
    ),
    "recheck_days": Rule(
        "Dismissed items return after",
        "--recheck-days",
        1,
        365,
        "days a dismissed promise, nudge, thanks, follow-up, new role or strained tie stays away",
    ),
}
DEFAULTS: Final[Mapping[str, int]] = {f.name: f.default for f in fields(AgendaRules)}  # type: ignore[misc]


def checked(name: str, value: Any) -> int:
    """`value` as the setting `name`, or Invalid saying what is allowed."""
    rule = RULES.get(name)
    if rule is None:
        raise Invalid(f"agenda.{name}", f"{name!r} is not an agenda setting")
    if isinstance(value, bool) or not isinstance(value, int) or not rule.low <= value <= rule.high:
        raise Invalid(f"agenda.{name}", f"must be a number of days from {rule.low} to {rule.high}")
    return value


def rules_from(stored: Mapping[str, Any] | None) -> AgendaRules:
    """The rules a workspace's stored `agenda` settings give (a value the code no
    longer accepts, say from an old backup, falls back to its default)."""
    values: dict[str, int] = {}
    for name, value in (stored or {}).items():
        try:
            values[name] = checked(name, value)
        except Invalid:
            continue
    return AgendaRules(**values)
