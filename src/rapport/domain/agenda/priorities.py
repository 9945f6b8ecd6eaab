"""What the agenda puts first: the priority (0..1) of every reason, in one table.

A concrete thing owed names something to do today (a promise running late, a
birthday, a meeting still fresh) and outranks a check-in, which names nothing but
interest in how they are; a check-in far overdue climbs towards them, never past."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, NamedTuple


class Priority(NamedTuple):
    start: float  # on the day the reason applies
    per_day: float = 0.0  # lost for each day further off

    def after(self, days: int) -> float:
        """The priority `days` days further off (met longer ago, a birthday further ahead)."""
        return round(self.start - self.per_day * days, 4)


PRIORITY: Final[Mapping[str, Priority]] = {
    "promise late": Priority(0.95),  # mine, past its day
    "prepare today": Priority(0.92),  # a meeting later today: now or never
    "follow-up": Priority(0.9, per_day=0.02),  # a meeting loses value every day
    "milestone today": Priority(0.9),
    "promise due today": Priority(0.85),
    "thanks": Priority(0.8),  # within rules.thanks_fresh_days of the help
    "milestone ahead": Priority(0.75, per_day=0.03),  # the nearer, the higher
    "feedback due": Priority(0.75),
    "mentoring": Priority(0.72),
    "promise due soon": Priority(0.7),
    "prepare tomorrow": Priority(0.7),  # a meeting tomorrow: time to read up today
    "role-change": Priority(0.7),
    "strained": Priority(0.65),
    "thanks late": Priority(0.6),
    "feedback": Priority(0.45),  # an action item with no day, or not yet due
    "nudge": Priority(0.4),  # their promise: a gentle reminder, never pressing
}

# a check-in: CHECK_IN when just due, plus its touch priority (lateness × importance)
# over CHECK_IN_SCALE, up to CHECK_IN_MOST: below the concrete things owed above
CHECK_IN: Final = 0.3
CHECK_IN_SCALE: Final = 12
CHECK_IN_MOST: Final = 0.78

# a person's entry ranks by their best reason, and each further reason adds this
EXTRA_REASON: Final = 0.03
