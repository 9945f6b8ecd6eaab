"""What each person carries for ranking check-ins (services/touch_state.py) stays what
it is worked out to be from the rest, after every kind of write and its undo; and the
agenda read with a limit (only the check-ins it can show, the rest counted) is the
first entries of the whole agenda, whatever the marks, boundaries and other reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rapport.services import (
    agenda,
    interaction_edits,
    interactions,
    journal,
    merge,
    people,
    promises,
    touch_state,
    workspace,
)
from rapport.services.context import Ctx, Rapport
from rapport.storage.schema import Person
from tests.conftest import TODAY
from tests.factories import make_interaction

D = dt.timedelta
SLOW = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _stale(ctx: Ctx) -> list[Any]:
    """The people whose stored values differ from those worked out now."""
    worked_out = touch_state.values(ctx.tz, ctx.settings)
    rows = ctx.rows(
        select(
            Person.id,
            Person.full_name,
            Person.touch_cadence,
            Person.touch_weight,
            Person.touch_due_on,
            worked_out["touch_cadence"],
            worked_out["touch_weight"],
            worked_out["touch_due_on"],
        ).where(Person.workspace_id == ctx.workspace_id)
    )
    return [tuple(r) for r in rows if tuple(r[2:5]) != tuple(r[5:8])]


def _check(app: Rapport) -> None:
    with app.open(today=TODAY) as ctx:
        assert _stale(ctx) == []


def _due(app: Rapport) -> list[tuple[str, int]]:
    """Who is due a check-in, and since how many days, in the agenda's order."""
    with app.open(today=TODAY) as ctx:
        return [(i.person, i.days_since) for i in agenda.keep_in_touch(ctx)]


def _names(app: Rapport) -> list[str]:
    return sorted(name for name, _ in _due(app))


def _undo(app: Rapport) -> None:
    with app.open(write=True, today=TODAY) as ctx:
        journal.undo(ctx)


def test_writes_and_their_undo_keep_the_stored_values_true(app: Rapport) -> None:
    with app.open(write=True, today=TODAY) as ctx:
        ana = people.add(ctx, {"full_name": "Ana Client", "types": ["client"]}).id
        bruno = people.add(ctx, {"full_name": "Bruno Own", "cadence_days": 10}).id
        carla = people.add(ctx, {"full_name": "Carla None"}).id
        dora = people.add(ctx, {"full_name": "Dora Peer", "types": ["peer"]}).id
    _check(app)
    with app.open(write=True, today=TODAY) as ctx:
        logged = make_interaction(ctx, [ana, bruno], on=TODAY - D(days=40))
        make_interaction(ctx, [dora], on=TODAY - D(days=200))
    _check(app)
    assert _names(app) == ["Ana Client", "Bruno Own", "Dora Peer"]
    with app.open(write=True, today=TODAY) as ctx:  # moved to yesterday: nobody due
        interaction_edits.reschedule(
            ctx, logged.id, dt.datetime.combine(TODAY - D(days=1), dt.time(9), ctx.tz)
        )
    _check(app)
    assert _names(app) == ["Dora Peer"]
    _undo(app)
    _check(app)
    assert _names(app) == ["Ana Client", "Bruno Own", "Dora Peer"]
    with app.open(write=True, today=TODAY) as ctx:
        interactions.delete_interaction(ctx, logged.id)
    _check(app)
    _undo(app)
    with app.open(write=True, today=TODAY) as ctx:  # a rhythm and types of their own
        people.edit(ctx, carla, {"cadence_days": 5, "met_on": TODAY - D(days=30)})
        people.edit(ctx, ana, {"types": ["industry"]})
    _check(app)
    assert "Carla None" in _names(app)
    _undo(app)
    _check(app)
    assert "Carla None" not in _names(app)
    with app.open(write=True, today=TODAY) as ctx:
        people.archive(ctx, dora)
    _check(app)
    assert "Dora Peer" not in _names(app)
    _undo(app)
    with app.open(write=True, today=TODAY) as ctx:  # the workspace's rhythms and zone
        workspace.set_cadence_default(ctx, "peer", 400)
    _check(app)
    assert "Dora Peer" not in _names(app)
    with app.open(write=True, today=TODAY) as ctx:
        workspace.configure(ctx, timezone="Pacific/Kiritimati")
    _check(app)
    _undo(app)
    _undo(app)
    _check(app)
    assert "Dora Peer" in _names(app)
    before = _due(app)
    with app.open(write=True, today=TODAY) as ctx:  # Dora's record moves to Bruno
        merge.merge(ctx, bruno, dora)
    _check(app)
    assert _names(app) == ["Ana Client", "Bruno Own"]
    _undo(app)
    _check(app)
    assert _due(app) == before


def test_a_write_reads_its_own_changes(app: Rapport) -> None:
    """Inside one write the agenda sees what the write did so far."""
    with app.open(write=True, today=TODAY) as ctx:
        ana = people.add(ctx, {"full_name": "Ana", "types": ["client"]}).id
        make_interaction(ctx, [ana], on=TODAY - D(days=40))
        assert [i.person for i in agenda.keep_in_touch(ctx)] == ["Ana"]
        make_interaction(ctx, [ana], on=TODAY)
        assert agenda.keep_in_touch(ctx) == []


people_plans = st.lists(
    st.fixed_dictionaries(
        {
            "cadence": st.sampled_from([10, 30, 60]),
            "types": st.lists(st.sampled_from(["client", "peer", "industry"]), max_size=2),
            "last": st.none() | st.sampled_from([40, 100, 400, 1000]),
            "name": st.sampled_from(["Ana", "Bruno", "Carla"]),  # ties by name
            "promise": st.booleans(),  # another reason to reach out
            "answer": st.none() | st.sampled_from(["snooze", "dismiss", "done"]),
            "max_days": st.none() | st.sampled_from([50, 500]),
        }
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(plan=people_plans, limit=st.integers(1, 6))
def test_the_limited_agenda_is_the_whole_agendas_first_entries(
    app: Rapport, plan: list[dict[str, Any]], limit: int
) -> None:
    with app.open(write=True, today=TODAY) as ctx:
        ids = []
        for n, p in enumerate(plan):
            pid = people.add(
                ctx,
                {
                    "full_name": p["name"],
                    "types": sorted(set(p["types"])),
                    "cadence_days": p["cadence"] if n % 2 else None,
                    "max_contact_days": p["max_days"],
                },
            ).id
            ids.append(pid)
            if p["last"] is not None:
                make_interaction(ctx, [pid], on=TODAY - D(days=p["last"]))
            if p["promise"]:
                promises.promise(ctx, pid, "send the deck", due_on=TODAY - D(days=1))
    for pid, p in zip(ids, plan, strict=True):
        if p["answer"] is None:
            continue
        with app.open(write=True, today=TODAY) as ctx:
            found = [
                r
                for e in agenda.build(ctx).entries
                if e.person_id == pid
                for r in e.reasons
                if r.kind == "keep-in-touch"
            ]
            if not found:
                continue
            if p["answer"] == "snooze":
                agenda.snooze(ctx, found[0].key, TODAY + D(days=3))
            elif p["answer"] == "dismiss":
                agenda.dismiss(ctx, found[0].key)
            else:
                agenda.done(ctx, found[0].key, log_contact=False)
    with app.open(today=TODAY) as ctx:
        whole = agenda.build(ctx)
        limited = agenda.build(ctx, limit=limit)
    assert limited.entries == whole.entries[:limit]
    assert limited.total == whole.total


def _first(app: Rapport, limit: int) -> tuple[list[str], int, list[str], int]:
    with app.open(today=TODAY) as ctx:
        whole, limited = agenda.build(ctx), agenda.build(ctx, limit=limit)
    return (
        [e.person for e in limited.entries],
        limited.total,
        [e.person for e in whole.entries[:limit]],
        whole.total,
    )


def test_a_check_in_held_back_at_the_top_lets_the_next_one_in(app: Rapport) -> None:
    with app.open(write=True, today=TODAY) as ctx:
        for name, days in (("Ana", 300), ("Bruno", 200), ("Carla", 100)):
            people.add(ctx, {"full_name": name, "cadence_days": 30, "met_on": TODAY - D(days=days)})
    with app.open(write=True, today=TODAY) as ctx:
        top = agenda.build(ctx).entries[0]
        assert top.person == "Ana"
        agenda.snooze(ctx, top.reasons[0].key, TODAY + D(days=3))
    assert _first(app, 1) == (["Bruno"], 2, ["Bruno"], 2)


def test_check_ins_sharing_a_priority_rank_by_name(app: Rapport) -> None:
    """401 and 402 days against a 400-day rhythm differ in lateness, not in the
    check-in's (rounded) priority: the agenda puts Abe, the name first, first."""
    with app.open(write=True, today=TODAY) as ctx:
        for name, days in (("Zed", 402), ("Abe", 401)):
            people.add(
                ctx,
                {
                    "full_name": name,
                    "types": ["competitor"],
                    "cadence_days": 400,
                    "met_on": TODAY - D(days=days),
                },
            )
    assert _first(app, 1) == (["Abe"], 2, ["Abe"], 2)
