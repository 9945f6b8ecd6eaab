"""A context's clock: "now" falls on the context's today, pinned or real."""

from __future__ import annotations

import datetime as dt

from rapport.services import health, people, promises
from rapport.services.context import Rapport
from tests.conftest import TODAY
from tests.factories import make_person


def test_a_context_pinned_to_another_day_records_moments_on_that_day(app: Rapport) -> None:
    day = dt.date(2020, 2, 29)
    with app.open(write=True, today=day) as ctx:
        moment = ctx.now()
        real = dt.datetime.now(ctx.tz)
    assert moment.tzinfo is not None
    local = moment.astimezone(ctx.tz)
    assert local.date() == day
    # the time of day is the real one (to the minute, whatever the zone)
    assert abs(local.hour * 60 + local.minute - (real.hour * 60 + real.minute)) <= 1


def test_a_context_on_the_real_day_uses_the_real_clock(app: Rapport) -> None:
    with app.open() as ctx:
        before = dt.datetime.now(dt.UTC)
        moment = ctx.now()
        after = dt.datetime.now(dt.UTC)
    assert before <= moment <= after


def test_a_promise_broken_on_a_pinned_day_counts_in_that_days_health(app: Rapport) -> None:
    with app.open(write=True, today=TODAY) as ctx:
        pid = make_person(ctx, "Lost Client", types=["client"]).id
        broken = promises.promise(ctx, pid, "call back", due_on=TODAY - dt.timedelta(days=3))
        promises.resolve(ctx, broken.id, "broken")
        reliability = {c.name: c for c in health.person_health(ctx, pid).components}
    assert reliability["reliability"].explanation == "you kept 0 of 1 promise"


def test_a_context_of_the_real_day_keeps_the_real_clock_past_midnight(app: Rapport) -> None:
    """A request that began just before midnight: its `today` is the day before, but
    what it records happens now, not 24 hours earlier."""
    with app.open() as ctx:
        assert not ctx.pinned
        ctx.today -= dt.timedelta(days=1)  # as if midnight passed during the request
        before = dt.datetime.now(dt.UTC)
        moment = ctx.now()
    assert before <= moment <= dt.datetime.now(dt.UTC)


def test_rows_made_in_a_pinned_context_are_created_on_that_day(app: Rapport) -> None:
    day = dt.date(2020, 2, 29)
    with app.open(write=True, today=day) as ctx:
        pid = make_person(ctx, "Made Then").id
        promise_id = promises.promise(ctx, pid, "send the deck").id
    with app.open(today=day) as ctx:
        person = people.show(ctx, pid)
        made = {p.id: p.created_at for p in promises.listing(ctx)}
        zone = ctx.tz
    assert person.created_at.astimezone(zone).date() == day  # on `rapport person show`
    assert made[promise_id].astimezone(zone).date() == day
    with app.open(write=True) as ctx:  # the real clock again afterwards
        later = people.show(ctx, make_person(ctx, "Made Now").id).created_at
    assert later.astimezone(dt.UTC).date() >= dt.datetime.now(dt.UTC).date() - dt.timedelta(1)
