"""The user corrects health: a person's points with a reason, and the weight of each
part of the score (issue 23, "Health the user can correct")."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.health import (
    WEIGHTS,
    HealthFacts,
    checked_adjustment,
    checked_weights,
    score,
    value,
    weights_from,
)
from rapport.errors import Invalid
from rapport.services import health, journal, preferences
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_interaction, make_person
from tests.test_health import DEFAULTS, facts_strategy

D = dt.timedelta


@given(facts_strategy, st.integers(-100, 100).filter(bool))
def test_a_correction_is_added_after_the_caps_and_kept_within_0_and_100(
    facts: HealthFacts, points: int
) -> None:
    measured = score(facts, TODAY, DEFAULTS)
    corrected = replace(facts, adjustment=points, adjustment_reason="weekly on Signal")
    h = score(corrected, TODAY, DEFAULTS)
    assert h.value == max(0, min(100, measured.value + points))
    assert h.measured == measured.value and h.adjustment == points
    assert h.explanation.startswith(
        f"{h.value}/100: {points:+d} you added: weekly on Signal (measured {measured.value})"
    )
    assert value(corrected, TODAY, DEFAULTS) == h.value


@given(
    facts_strategy,
    st.fixed_dictionaries({name: st.floats(0, 1) for name in WEIGHTS}).filter(
        lambda w: w["recency"] > 0.01
    ),
)
def test_any_weights_the_user_gives_keep_the_score_within_0_and_100(
    facts: HealthFacts, given_weights: dict[str, float]
) -> None:
    weights = checked_weights(WEIGHTS, given_weights)
    assert abs(sum(weights.values()) - 1) < 1e-3
    h = score(facts, TODAY, DEFAULTS, weights)
    assert 0 <= h.value <= 100
    assert value(facts, TODAY, DEFAULTS, weights) == h.value
    assert abs(sum(c.weight for c in h.components) - 1.0) < 1e-3


def test_weights_are_checked_scaled_and_named_when_wrong() -> None:
    same = checked_weights(WEIGHTS, {"recency": "0.8", "tone": 0})
    assert checked_weights(WEIGHTS, {"recency": "80%", "tone": "0%"}) == same
    assert checked_weights(WEIGHTS, {"recency": "80", "tone": 0}) == pytest.approx(
        {"recency": 0.8 / 1.3, "consistency": 0.2 / 1.3, "reciprocity": 0.15 / 1.3,
         "reliability": 0.15 / 1.3, "tone": 0.0},
        abs=1e-4,
    )  # fmt: skip
    for given_weights, field in (
        ({"tone": "warmth"}, "weights.tone"),
        ({"tone": -1}, "weights.tone"),
        ({"tone": 1000}, "weights.tone"),
        ({"tone": float("nan")}, "weights.tone"),
        ({"mood": 1}, "weights.mood"),
        ({"recency": 0}, "weights.recency"),
    ):
        with pytest.raises(Invalid) as caught:
            checked_weights(WEIGHTS, given_weights)
        assert caught.value.field == field, given_weights
    assert weights_from({"recency": "x"}) == weights_from(None) == WEIGHTS  # bad stored: defaults


def test_a_correction_needs_whole_points_within_100_and_a_reason() -> None:
    assert checked_adjustment("+15", "  weekly  on Signal ") == (15, "weekly on Signal")
    assert checked_adjustment(-20, "never answers") == (-20, "never answers")
    assert checked_adjustment(0, "none after all") == (0, "none after all")
    for points, reason, field in (
        (500, "weekly", "adjust"),
        ("-101", "weekly", "adjust"),
        ("lots", "weekly", "adjust"),
        (15, "  ", "reason"),
        (15, None, "reason"),
    ):
        with pytest.raises(Invalid) as caught:
            checked_adjustment(points, reason)
        assert caught.value.field == field, (points, reason)


def _drifting_pair(open_ctx: OpenCtx) -> tuple[int, int]:
    """A in touch yesterday; B close until four months ago, then nothing (drifting)."""
    with open_ctx() as ctx:
        a = make_person(ctx, "A", types=["peer"])
        b = make_person(ctx, "B", types=["client"])
        make_interaction(ctx, [a.id], on=TODAY - D(days=1))
        for days in range(120, 400, 20):
            make_interaction(ctx, [b.id], on=TODAY - D(days=days))
    return a.id, b.id


def test_a_correction_shows_in_the_score_the_distribution_and_drift_and_is_undone(
    open_ctx: OpenCtx,
) -> None:
    _, b = _drifting_pair(open_ctx)
    with open_ctx(write=False) as ctx:
        before = health.person_health(ctx, b)
        net = health.network(ctx)
    assert [h.person for h in net.drifting] == ["B"]
    with open_ctx() as ctx:
        h = health.adjust(ctx, b, "+40", "we speak weekly on Signal")
    assert h.value == min(100, before.value + 40) and h.measured == before.value
    assert h.explanation.startswith(
        f"{h.value}/100: +40 you added: we speak weekly on Signal (measured {before.value})"
    )
    with open_ctx(write=False) as ctx:
        assert health.scores(ctx)[b] == h.value
        corrected = health.network(ctx)
    # the distribution counts the corrected number; drift compares corrected numbers
    assert corrected.distribution != net.distribution
    band = next(k for k in corrected.distribution if k[0].isdigit() and
                int(k.split("-")[0]) <= h.value <= int(k.split("-")[1]))  # fmt: skip
    assert corrected.distribution[band] >= 1
    assert [d.explanation for d in corrected.drifting if d.person_id == b] in ([], [h.explanation])
    with open_ctx() as ctx:
        undone = journal.undo(ctx)
    assert (
        undone.summary.startswith("Undid #") and "+40: we speak weekly on Signal" in undone.summary
    )
    with open_ctx(write=False) as ctx:
        assert health.person_health(ctx, b).value == before.value


def test_a_correction_of_someone_never_contacted_counts_them_in_the_bands(
    open_ctx: OpenCtx,
) -> None:
    with open_ctx() as ctx:
        c = make_person(ctx, "Carla", types=["friend"])
        health.adjust(ctx, c.id, 60, "we talk on WhatsApp every week")
        net = health.network(ctx)
    assert net.distribution["no contact yet"] == 0
    assert net.distribution["60-79"] == 1 and net.average == 60.0


def test_clearing_puts_back_the_measured_score(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        a = make_person(ctx, "Ana", types=["peer"])
        make_interaction(ctx, [a.id], on=TODAY - D(days=3))
        measured = health.person_health(ctx, a.id).value
        health.adjust(ctx, a.id, -20, "she has gone quiet in person")
    with open_ctx() as ctx:
        cleared = health.clear_adjustment(ctx, a.id)
    assert cleared.value == measured and cleared.adjustment == 0
    assert "you added" not in cleared.explanation


def test_weights_in_settings_change_the_score_and_go_back(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        a = make_person(ctx, "Ana", types=["peer"])
        make_interaction(ctx, [a.id], on=TODAY - D(days=1), tone="tense")
        make_interaction(ctx, [a.id], on=TODAY - D(days=2), tone="tense")
        plain = health.person_health(ctx, a.id).value
    with open_ctx() as ctx:
        prefs = preferences.update(ctx, health_weights={"tone": 60})
    assert prefs.health_weights["tone"] == pytest.approx(0.6 / 1.5, abs=1e-4)
    with open_ctx(write=False) as ctx:
        weighted = health.person_health(ctx, a.id)
    assert weighted.value < plain  # the tense talks weigh more
    tone = next(c for c in weighted.components if c.name == "tone")
    assert tone.weight > 0.1
    with open_ctx() as ctx:
        prefs = preferences.update(ctx, health_weights={"tone": 0})
        h = health.person_health(ctx, a.id)
    assert next(c for c in h.components if c.name == "tone").explanation.endswith(
        ": weighted 0 in Settings"
    )
    with open_ctx() as ctx:
        assert preferences.update(ctx, health_weights={}).health_weights == WEIGHTS
        assert health.person_health(ctx, a.id).value == plain
    with open_ctx() as ctx, pytest.raises(Invalid, match=r"weights\.tone"):
        preferences.update(ctx, health_weights={"tone": "warm"})


def test_rapport_health_adjust_clear_and_settings_health(database_url, tmp_path) -> None:
    from tests.cli_runner import Cli

    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", "UTC")
    cli("person", "add", "Ana Lima", "--type", "peer")
    cli("log", "Ana", "-s", "Coffee", "-w", "3 weeks ago")
    measured = cli("health", "ana", "--json").json()["value"]
    out = cli("health", "ana", "--adjust", "+15", "--reason", "weekly on Signal").stdout
    assert f"+15 you added: weekly on Signal (measured {measured})" in out
    assert cli("health", "ana", "--json").json()["value"] == min(100, measured + 15)
    refused = cli("health", "ana", "--adjust", "500", "--reason", "x", ok=False)
    assert refused.exit_code != 0 and "adjust:" in refused.stderr
    assert "reason:" in cli("health", "ana", "--adjust", "5", ok=False).stderr
    cli("undo")
    assert cli("health", "ana", "--json").json()["adjustment"] == 0
    cli("health", "ana", "--adjust", "-10", "--reason", "quiet lately")
    assert cli("health", "ana", "--clear", "--json").json()["value"] == measured
    shown = cli("settings", "health", "--weight", "recency=0.5", "--weight", "tone=0.3").stdout
    assert "recency" in shown and "%" in shown
    assert cli("settings", "health", "--json").json()["weights"]["tone"] == pytest.approx(
        0.3 / 1.3, abs=1e-4
    )
    bad = cli("settings", "health", "--weight", "tone=loud", ok=False)
    assert bad.exit_code != 0 and "weights.tone" in bad.stderr
    cli("settings", "health", "--reset")
    assert cli("settings", "health", "--json").json()["weights"] == WEIGHTS
