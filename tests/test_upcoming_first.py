"""The Today page's dates coming up: the soonest few of `milestones.upcoming`, in its
order (by day, then name), and how many there are in all."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.services import milestones, people
from rapport.services.context import Rapport
from tests.conftest import TODAY

D = dt.timedelta
SLOW = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

plans = st.lists(
    st.tuples(
        st.sampled_from(["Ana", "Bruno", "Carla", "Dora"]),  # ties on a day by name
        st.integers(-3, 20),  # days from today
        st.sampled_from(["birthday", "custom", "promotion"]),  # yearly or once
        st.booleans(),  # archived
    ),
    max_size=10,
)


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(plan=plans, limit=st.integers(1, 5))
def test_the_first_dates_coming_up_are_the_listings_first(
    app: Rapport, plan: list[tuple[str, int, str, bool]], limit: int
) -> None:
    with app.open(write=True, today=TODAY) as ctx:
        for name, ahead, kind, archived in plan:
            pid = people.add(ctx, {"full_name": name}).id
            day = TODAY + D(days=ahead)
            year = day.year if kind == "promotion" else None
            label = "Anniversary" if kind == "custom" else None
            milestones.add(ctx, pid, kind, day.month, day.day, year=year, label=label)
            if archived:
                people.archive(ctx, pid)
    with app.open(today=TODAY) as ctx:
        everything = milestones.upcoming(ctx, within_days=14)
        first, total = milestones.upcoming_first(ctx, 14, limit)
    assert first == everything[:limit]
    assert total == len(everything)
