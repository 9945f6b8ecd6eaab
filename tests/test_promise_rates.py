"""Promise rates both ways (issue 23): my kept-rate and theirs, per person and across
the network, month by month; their broken promises count in the tie's reliability."""

from __future__ import annotations

import datetime as dt

from rapport.domain.promise_rates import month_labels, tally
from rapport.services import health, promise_rates, promises
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person

D = dt.timedelta


def _promises(open_ctx: OpenCtx) -> tuple[int, int]:
    """With Ana: I kept 3 of 4 (one broken last month), she kept 1 of 2. With Bruno: I
    kept 1, he broke 1. Released and open promises count for nobody."""
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima").id
        bruno = make_person(ctx, "Bruno Souza").id
        made = {
            (who, owner, status, n): promises.promise(ctx, who, f"p{n}", owner=owner).id
            for who, owner, status, n in (
                (ana, "me", "kept", 1), (ana, "me", "kept", 2), (ana, "me", "kept", 3),
                (ana, "me", "broken", 4), (ana, "them", "kept", 5), (ana, "them", "broken", 6),
                (bruno, "me", "kept", 7), (bruno, "them", "broken", 8),
                (ana, "me", "released", 9), (ana, "them", "open", 10),
            )
        }  # fmt: skip
    for (_, _, status, n), pid in made.items():
        if status == "open":
            continue
        day = TODAY - D(days=35) if n == 4 else TODAY  # the broken one: last month
        with open_ctx(today=day) as ctx:
            promises.resolve(ctx, pid, status)
    return ana, bruno


def test_rates_both_ways_per_person_and_across_the_network(open_ctx: OpenCtx) -> None:
    ana, _ = _promises(open_ctx)
    with open_ctx(write=False) as ctx:
        with_ana = promise_rates.rates(ctx, ana)
        everyone = promise_rates.rates(ctx)
    assert with_ana.summary == "you kept 3 of 4 (75%); they kept 1 of 2 (50%)"
    assert (with_ana.mine.kept, with_ana.mine.broken, with_ana.theirs.rate) == (3, 1, 0.5)
    assert everyone.summary == "you kept 4 of 5 (80%); others kept 1 of 3 (33%)"
    assert [m.month for m in everyone.months] == month_labels(TODAY)
    this_month, last_month = everyone.months[-1], everyone.months[-2]
    assert (this_month.mine.kept, this_month.mine.broken, this_month.mine.rate) == (4, 0, 1.0)
    assert (last_month.mine.rate, last_month.theirs.rate) == (0.0, None)
    assert all(m.mine.rate is None for m in everyone.months[:-2])


def test_their_broken_promises_count_in_the_ties_reliability(open_ctx: OpenCtx) -> None:
    ana, bruno = _promises(open_ctx)
    with open_ctx(write=False) as ctx:
        a = {c.name: c for c in health.person_health(ctx, ana).components}
        b = {c.name: c for c in health.person_health(ctx, bruno).components}
    assert a["reliability"].explanation == "you kept 3 of 4 promises; they kept 1 of 2"
    assert a["reliability"].score == (0.75 + 0.5) / 2
    assert b["reliability"].explanation == "you kept 1 of 1 promise; they kept 0 of 1"
    assert b["reliability"].score == 0.5


def test_the_tally_counts_only_kept_and_broken() -> None:
    months = ["2026-10", "2026-11"]
    rates = tally(
        [("me", "kept", "2026-11", 2), ("me", "released", "2026-11", 5),
         ("them", "broken", "2026-10", 1), ("them", "kept", "2025-01", 1)],
        months,
    )  # fmt: skip
    assert rates.mine.rate == 1.0 and rates.theirs.rate == 0.5  # all time
    assert [m.theirs.rate for m in rates.months] == [0.0, None]


def test_rapport_promises_rates(database_url, tmp_path) -> None:
    from tests.cli_runner import Cli

    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("init", "--name", "Sam", "--email", "sam@example.com", "--timezone", "UTC")
    cli("person", "add", "Ana Lima")
    cli("promise", "Ana", "send the deck")
    cli("promise", "Ana", "intro to Carla", "--they")
    listed = cli("promises", "list", "--json").json()
    for row in listed:
        cli("promises", "kept" if row["owner"] == "me" else "broken", str(row["id"]))
    out = cli("promises", "rates", "--person", "ana").stdout
    assert "Ana Lima: you kept 1 of 1 (100%); they kept 0 of 1 (0%)" in out
    assert TODAY.strftime("%Y-%m") in out
    data = cli("promises", "rates", "--json").json()
    assert data["mine"]["rate"] == 1.0 and data["theirs"]["rate"] == 0.0
    assert len(data["months"]) == 12
    assert "they kept 0 of 1" in cli("health", "ana").stdout
