"""The database's keep-in-touch ranking (services/keep_in_touch.py) against the domain's rule
(domain.agenda.overdue), and the SQL local day against Python's time zones."""

from __future__ import annotations

import bisect
import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select

from rapport.domain.cadence import DEFAULT_CADENCE_DAYS
from rapport.services import interactions, keep_in_touch, people, workspace
from rapport.services.context import Rapport
from rapport.storage.dates import AHEAD, local_date, offset_changes
from rapport.storage.schema import UTCDateTime, Workspace
from rapport.storage.uow import unit_of_work
from tests.conftest import TODAY
from tests.factories import overdue_by_the_rule

ZONES = ["UTC", "Europe/Lisbon", "America/Sao_Paulo", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
TYPES = sorted(str(t) for t in DEFAULT_CADENCE_DAYS)
SLOW = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

# from 1970 to as far ahead as the zones' offset changes are known (`dates.AHEAD`)
moments = st.datetimes(
    dt.datetime(1970, 1, 2), dt.datetime.now() + AHEAD - dt.timedelta(days=2)
).map(lambda m: m.replace(microsecond=0, tzinfo=dt.UTC))


def _from_the_offset_changes(moment: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The day `local_date` writes into SQL, worked out in Python from the same table
    of offset changes (not by `astimezone`)."""
    changes = offset_changes(zone)
    naive = moment.astimezone(dt.UTC).replace(tzinfo=None)
    index = bisect.bisect_right([start for start, _ in changes], naive) - 1
    return (naive + dt.timedelta(seconds=changes[max(index, 0)][1])).date()


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW)
@given(moment=moments, zone=st.sampled_from(ZONES))
def test_the_sql_local_day_is_pythons(app: Rapport, moment: dt.datetime, zone: str) -> None:
    tz = ZoneInfo(zone)
    with app.open() as ctx:
        found = ctx.session.scalar(select(local_date(literal(moment, UTCDateTime), tz)))
    assert found == moment.astimezone(tz).date() == _from_the_offset_changes(moment, tz)


person_plans = st.lists(
    st.fixed_dictionaries(
        {
            "types": st.lists(st.sampled_from(TYPES), max_size=2, unique=True),
            # a few common values, so that ties in priority and days are frequent
            "cadence_days": st.none() | st.sampled_from([30, 60]) | st.integers(1, 400),
            "last": st.none() | st.sampled_from([100, 400]) | st.integers(0, 3000),  # days ago
            "minute": st.integers(0, 24 * 60 - 1),  # local time of that contact
            "met": st.none() | st.integers(0, 3000),
            "not_before": st.none() | st.integers(-5, 5),
            "archived": st.booleans(),
        }
    ),
    min_size=1,
    max_size=10,
)


def _workspace(app: Rapport, zone: str, peer_days: int | None) -> int:
    with unit_of_work(app.engine, write=True) as session:
        ws = Workspace(name="touch", timezone=zone, settings={})
        session.add(ws)
        session.flush()
        wid = ws.id
    if peer_days:
        with app.open(write=True, workspace_id=wid, today=TODAY) as ctx:
            workspace.set_cadence_default(ctx, "peer", peer_days)
    return wid


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(
    plan=person_plans,
    zone=st.sampled_from(ZONES),
    peer_days=st.none() | st.integers(5, 120),
    limit=st.none() | st.integers(1, 4),
)
def test_the_database_ranks_as_the_domain_rule(
    app: Rapport, plan: list[dict], zone: str, peer_days: int | None, limit: int | None
) -> None:
    wid = _workspace(app, zone, peer_days)
    with app.open(write=True, workspace_id=wid, today=TODAY) as ctx:
        for n, p in enumerate(plan):
            met = TODAY - dt.timedelta(days=p["met"]) if p["met"] is not None else None
            nb = p["not_before"]
            added = people.add(
                ctx,
                {
                    # names against the order of ids, and pairs of equal names, so
                    # that each of the order's later keys counts
                    "full_name": f"Person {(9 - n) // 2}",
                    "types": p["types"],
                    "cadence_days": p["cadence_days"],
                    "met_on": met,
                    "not_before": TODAY + dt.timedelta(days=nb) if nb is not None else None,
                },
            )
            if p["last"] is not None:
                day = TODAY - dt.timedelta(days=p["last"])
                at = dt.datetime.combine(day, dt.time(0), ctx.tz) + dt.timedelta(
                    minutes=p["minute"]
                )
                interactions.log(
                    ctx,
                    interactions.InteractionIn(
                        kind="call", occurred_at=at, participant_ids=[added.id], summary="x"
                    ),
                )
            if p["archived"]:
                people.archive(ctx, added.id)
    with app.open(workspace_id=wid, today=TODAY) as ctx:
        expected = overdue_by_the_rule(ctx, TODAY)
    with app.open(workspace_id=wid, today=TODAY) as ctx:
        found = [d.item for d in keep_in_touch.ranked(ctx, TODAY, limit=limit)]
    assert found == expected[:limit] if limit else found == expected
