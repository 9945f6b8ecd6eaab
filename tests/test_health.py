from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.cadence import cadence_defaults, effective_cadence
from rapport.domain.health import (
    NO_CONTACT_CAP,
    NO_RHYTHM_DAYS,
    STILL_STRAINED_CAP,
    STRAINED_CAP,
    HealthFacts,
    distribution,
    score,
    value,
)
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
    strained_since=st.one_of(st.none(), st.dates(dt.date(2016, 1, 1), TODAY)),
    their_kept=st.integers(0, 20),
    their_broken=st.integers(0, 20),
)


def _rhythm(f: HealthFacts) -> int:
    return effective_cadence(f.cadence_days, f.types, DEFAULTS) or NO_RHYTHM_DAYS


@given(facts_strategy)
def test_scores_stay_within_0_and_100_with_an_explanation(facts: HealthFacts) -> None:
    h = score(facts, TODAY, DEFAULTS)
    assert 0 <= h.value <= 100
    assert h.explanation.startswith(f"{h.value}/100: ")
    assert all(0.0 <= c.score <= 1.0 for c in h.components)
    # what counts shares all the weight; what has nothing recorded says so
    assert abs(sum(c.weight for c in h.components) - 1.0) < 1e-3
    assert all(c.explanation.endswith(": not counted") for c in h.components if not c.weight)
    if facts.last_contact_on is None:
        assert "no contact yet" in h.explanation and h.value <= NO_CONTACT_CAP


@given(facts_strategy, st.data())
def test_no_contact_ever_scores_below_anyone_in_touch_within_their_rhythm(
    facts: HealthFacts, data: st.DataObject
) -> None:
    """Whatever else is known (promises kept, favours, warmth, a strain), a person
    never contacted scores below the same person contacted within their rhythm."""
    ago = data.draw(st.integers(0, _rhythm(facts)))
    never = replace(facts, last_contact_on=None)
    in_touch = replace(facts, last_contact_on=TODAY - D(days=ago))
    assert value(never, TODAY, DEFAULTS) < value(in_touch, TODAY, DEFAULTS)


@given(facts_strategy)
def test_a_strained_tie_is_capped_until_a_repair_step(facts: HealthFacts) -> None:
    strained = replace(facts, strained=True)
    h = score(strained, TODAY, DEFAULTS)
    repair_step = (
        strained.strained_since is not None
        and strained.last_contact_on is not None
        and strained.last_contact_on >= strained.strained_since
    )
    if repair_step:  # still marked strained: never healthy
        assert h.value <= STILL_STRAINED_CAP
    else:
        assert h.value <= STRAINED_CAP
        assert "strained, no repair step yet" in h.explanation


@given(facts_strategy)
def test_two_rhythms_without_contact_is_never_healthy(facts: HealthFacts) -> None:
    gone = _rhythm(facts) * 2 + 1
    left = replace(facts, last_contact_on=TODAY - D(days=gone))
    assert value(left, TODAY, DEFAULTS) < 60


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
    assert by_name["reliability"].explanation == "you kept 0 of 1 promise"
    assert "marked strained" in by_name["tone"].explanation
    assert "200 days ago" in b.explanation
    assert "strained, no repair step yet" in b.explanation


def test_never_contacted_scores_below_someone_in_touch_5_days_ago(ctx) -> None:
    """The issue's first finding: never contacted scored 71, above someone contacted
    five days ago (68)."""
    new = make_person(ctx, "Never Called", types=["client"])
    recent = make_person(ctx, "Called Lately", types=["client"])
    make_interaction(ctx, [recent.id], on=TODAY - D(days=5), direction="me", tone="neutral")
    n, r = health.person_health(ctx, new.id), health.person_health(ctx, recent.id)
    assert n.value < r.value and n.value <= NO_CONTACT_CAP
    assert n.explanation.startswith(f"{n.value}/100: no contact yet")
    # nothing known about promises or tone: no credit, and said so
    by_name = {c.name: c for c in r.components}
    assert by_name["reliability"].weight == 0.0
    assert by_name["reliability"].explanation == "no promises due either way: not counted"
    assert by_name["recency"].weight > 0.4


def test_a_strained_tie_after_a_tense_call_waits_for_a_repair_step(ctx) -> None:
    """The issue's third finding: a strained tie after a tense call scored 73."""
    ana = make_person(ctx, "Ana Tense", types=["client"])
    for month in range(1, 12):
        make_interaction(ctx, [ana.id], on=TODAY - D(days=30 * month), tone="warm")
    make_interaction(ctx, [ana.id], on=TODAY - D(days=1), tone="tense", direction="them")
    people.edit(ctx, ana.id, {"strained": True, "strained_context": "the pilot slipped"})
    h = health.person_health(ctx, ana.id)
    assert h.value == STRAINED_CAP
    assert h.explanation.startswith(
        f"{STRAINED_CAP}/100: strained, no repair step yet: at most {STRAINED_CAP} until one "
        "is taken; "
    )
    make_interaction(ctx, [ana.id], on=TODAY, summary="Apologised and listened")
    assert health.person_health(ctx, ana.id).value == STILL_STRAINED_CAP
    people.edit(ctx, ana.id, {"strained": False})
    assert health.person_health(ctx, ana.id).value > STILL_STRAINED_CAP


def test_people_never_contacted_are_their_own_band() -> None:
    assert distribution([0, 19, 20, 59, 60, 80, 100], no_contact=3) == {
        "no contact yet": 3,
        "0-19": 2,
        "20-39": 1,
        "40-59": 1,
        "60-79": 1,
        "80-100": 2,
    }


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
    assert net.distribution["no contact yet"] == 0
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
    assert value(facts, today, DEFAULTS) == score(facts, today, DEFAULTS).value


def test_imported_people_without_conversations_have_no_contact_yet(ctx) -> None:
    """The issue's second finding: after an import, 22 of 25 people sat in 60–79."""
    for n in range(25):
        make_person(ctx, f"Imported {n}", types=["peer"], met_on=TODAY - D(days=n))
    net = health.network(ctx)
    assert net.distribution["no contact yet"] == 25
    assert sum(net.distribution.values()) == 25 and net.distribution["60-79"] == 0


def test_a_person_added_after_the_day_asked_still_gets_a_health(ctx) -> None:
    pid = make_person(ctx, "New Contact").id
    earlier = TODAY - D(days=400)
    h = health.person_health(ctx, pid, earlier)
    assert 0 <= h.value <= 100
    assert health.scores(ctx, earlier, ids=[pid]).keys() == {pid}
    assert pid not in health.scores(ctx, earlier)  # everyone: not yet known then


def test_rapport_health_says_no_contact_yet_and_counts_it_apart(database_url, tmp_path) -> None:
    from tests.cli_runner import Cli

    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", "UTC")
    cli("person", "add", "Carla Dias", "--type", "client", "--met-on", "2026-08-01")
    cli("person", "add", "Bruno Souza", "--type", "peer", "--met-on", "2026-01-10")
    cli("log", "Bruno", "-s", "Coffee", "-w", "yesterday", "--tone", "warm")
    carla = cli("health", "carla").stdout
    assert "Carla Dias: 0/100: no contact yet: at most 10 until a conversation is logged" in carla
    assert "—" in carla  # reliability, reciprocity and tone: not counted
    net = cli("health").stdout
    assert "2 people, average" in net and "(1 with no contact yet, not averaged)" in net
    assert cli("health", "--json").json()["distribution"]["no contact yet"] == 1
