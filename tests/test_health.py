from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.cadence import cadence_defaults
from rapport.domain.health import HealthFacts, score
from rapport.services import favours, health, people, promises
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person

D = dt.timedelta
DEFAULTS = cadence_defaults()

facts_strategy = st.builds(
    HealthFacts,
    person_id=st.just(1),
    name=st.just("Ana"),
    types=st.lists(st.sampled_from(sorted(DEFAULTS)), max_size=2).map(tuple),
    cadence_days=st.one_of(st.none(), st.integers(1, 365)),
    last_contact_on=st.one_of(st.none(), st.dates(dt.date(2016, 1, 1), TODAY)),
    known_since=st.dates(dt.date(2016, 1, 1), TODAY),
    months_in_touch=st.integers(0, 12),
    initiated_by_me=st.integers(0, 50),
    initiated_by_them=st.integers(0, 50),
    given=st.integers(0, 20),
    received=st.integers(0, 20),
    kept=st.integers(0, 20),
    broken=st.integers(0, 20),
    overdue=st.integers(0, 5),
    warm=st.integers(0, 30),
    tense=st.integers(0, 30),
    strained=st.booleans(),
)


@given(facts_strategy)
def test_scores_stay_within_0_and_100_with_an_explanation(facts: HealthFacts) -> None:
    h = score(facts, TODAY, DEFAULTS)
    assert 0 <= h.value <= 100
    assert h.explanation.startswith(f"{h.value}/100")
    assert all(0.0 <= c.score <= 1.0 for c in h.components)
    assert abs(sum(c.weight for c in h.components) - 1.0) < 1e-9


@given(facts_strategy, st.integers(0, 4000), st.integers(0, 4000))
def test_score_never_rises_as_the_last_contact_recedes(facts: HealthFacts, a: int, b: int) -> None:
    near, far = sorted((a, b))
    recent = replace(facts, last_contact_on=TODAY - D(days=near), known_since=dt.date(2000, 1, 1))
    older = replace(facts, last_contact_on=TODAY - D(days=far), known_since=dt.date(2000, 1, 1))
    assert score(recent, TODAY, DEFAULTS).value >= score(older, TODAY, DEFAULTS).value


def test_a_healthy_tie_and_a_neglected_one(ctx) -> None:
    good = make_person(ctx, "Good Client", types=["client"])
    for month in range(12):
        make_interaction(
            ctx,
            [good.id],
            on=TODAY - D(days=30 * month + 1),
            direction="me" if month % 2 else "them",
            tone="warm",
        )
    favours.record(ctx, good.id, "given", "advice")
    favours.record(ctx, good.id, "received", "referral", thanked_on=TODAY)
    kept = promises.promise(ctx, good.id, "send the deck", due_on=TODAY - D(days=3))
    promises.resolve(ctx, kept.id, "kept")

    bad = make_person(ctx, "Lost Client", types=["client"])
    make_interaction(ctx, [bad.id], on=TODAY - D(days=200), direction="me", tone="tense")
    broken = promises.promise(ctx, bad.id, "call back", due_on=TODAY - D(days=150))
    promises.resolve(ctx, broken.id, "broken")
    people.edit(ctx, bad.id, {"strained": True})

    g, b = health.person_health(ctx, good.id), health.person_health(ctx, bad.id)
    assert g.value >= 90, g
    assert b.value <= 15, b
    by_name = {c.name: c for c in b.components}
    assert by_name["recency"].explanation == "last contact 200 days ago against a 30-day rhythm"
    assert by_name["reliability"].explanation == "kept 0 of 1 promise"
    assert "marked strained" in by_name["tone"].explanation
    assert "200 days ago" in b.explanation


def test_network_figures(ctx) -> None:
    a = make_person(ctx, "A", types=["peer"], organization="Acme")
    b = make_person(ctx, "B", types=["client"])
    make_interaction(ctx, [a.id], on=TODAY - D(days=1))
    # B was in close touch until four months ago, then nothing: drifting
    for days in range(120, 400, 20):
        make_interaction(ctx, [b.id], on=TODAY - D(days=days))
    favours.record(ctx, a.id, "given", "advice")
    net = health.network(ctx)
    assert net.people == 2 and sum(net.distribution.values()) == 2
    assert net.composition_by_type == {"client": 1, "peer": 1}
    assert net.given == 1 and net.received == 0
    assert [h.person for h in net.drifting] == ["B"]
    explained = {pid: health.person_health(ctx, pid).value for pid in (a.id, b.id)}
    assert health.scores(ctx) == explained
    assert health.scores(ctx, ids=[b.id]) == {b.id: explained[b.id]}
    assert health.scores(ctx, ids=[]) == {}
    people.archive(ctx, a.id)  # left out of everyone's scores, kept when asked for
    assert set(health.scores(ctx)) == {b.id}
    assert health.scores(ctx, ids=[a.id]) == {a.id: explained[a.id]}


@given(facts_strategy, st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))
def test_the_fast_value_equals_the_explained_score(facts: HealthFacts, today: dt.date) -> None:
    from rapport.domain.health import value

    assert value(facts, today, DEFAULTS) == score(facts, today, DEFAULTS).value


def test_a_person_added_after_the_day_asked_still_gets_a_health(ctx) -> None:
    pid = make_person(ctx, "New Contact").id
    earlier = TODAY - D(days=400)
    h = health.person_health(ctx, pid, earlier)
    assert 0 <= h.value <= 100
    assert health.scores(ctx, earlier, ids=[pid]).keys() == {pid}
    assert pid not in health.scores(ctx, earlier)  # everyone: not yet known then
