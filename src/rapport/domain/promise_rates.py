"""Promise rates both ways, tallied from counts of resolved promises: mine and theirs,
in all and month by month. Pure: the network's figures come from one grouped query,
a person's page from the promises it already shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from rapport.domain.records import KeptRate, PromiseMonth, PromiseRates

RESOLVED = ("kept", "broken")  # a released promise is neither kept nor broken
MONTHS = 12

# (owner "me"/"them", status, month "2026-03" it was resolved in, how many)
Counted = tuple[str, str, str, int]


def month_labels(today: dt.date, count: int = MONTHS) -> list[str]:
    """The last `count` calendar months to `today`'s, oldest first: "2026-03"."""
    year, month = today.year, today.month
    labels = []
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return labels[::-1]


def tally(
    counted: Iterable[Counted],
    months: list[str],
    *,
    person_id: int | None = None,
    person: str | None = None,
) -> PromiseRates:
    """My kept-rate and theirs, in all and for each of `months`; a status other than
    kept or broken is not counted."""
    by_month: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    totals: dict[str, list[int]] = {"me": [0, 0], "them": [0, 0]}
    for owner, status, month, count in counted:
        if status not in RESOLVED or owner not in totals:
            continue
        at = RESOLVED.index(status)
        by_month[owner, month][at] += count
        totals[owner][at] += count
    mine, theirs = KeptRate.of(*totals["me"]), KeptRate.of(*totals["them"])
    they = "they" if person_id is not None else "others"
    return PromiseRates(
        person_id=person_id,
        person=person,
        mine=mine,
        theirs=theirs,
        months=[
            PromiseMonth(m, KeptRate.of(*by_month["me", m]), KeptRate.of(*by_month["them", m]))
            for m in months
        ],
        summary=f"{mine.says('you')}; {theirs.says(they)}",
    )
