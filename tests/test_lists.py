"""Lists in the service: the stored filter is the People page's filter and nothing
else, a health band chooses as the People page does, and a list's people are
workspace-scoped."""

from __future__ import annotations

import pytest

from rapport.domain import people_filter
from rapport.errors import Contradicts, Invalid, NotFound
from rapport.services import health, lists
from rapport.services.context import Ctx
from tests.factories import make_person


def test_a_filter_is_its_fields_and_refuses_what_is_not_a_filter() -> None:
    f = people_filter.of({"tag": " #investor ", "type": "", "organization": None})
    assert f.as_json() == {"tag": "#investor"} and f.words() == "tag #investor"
    with pytest.raises(Invalid, match="'colour' is not a filter"):
        people_filter.of({"colour": "red"})
    with pytest.raises(Invalid, match="health"):
        people_filter.of({"health": "great"})
    # a field since removed from filters is left out, so an old list still opens
    assert people_filter.stored({"tag": "a", "gone": "x"}).as_json() == {"tag": "a"}


def test_a_health_band_chooses_as_the_people_page_does(ctx: Ctx) -> None:
    make_person(ctx, "Ana Lima", types=["client"])
    make_person(ctx, "Bruno Souza")
    scores = health.scores(ctx)
    band = next(b for b, (lo, hi) in people_filter.HEALTH_BANDS.items()
                if lo <= next(iter(scores.values()), -1) <= hi)  # fmt: skip
    made = lists.create(ctx, "Band", filter=people_filter.of({"health": band}))
    expected = sorted(pid for pid, score in scores.items()
                      if people_filter.HEALTH_BANDS[band][0] <= score
                      <= people_filter.HEALTH_BANDS[band][1])  # fmt: skip
    assert sorted(lists.people_of(ctx, made.id)) == expected


def test_a_filter_list_takes_no_hand_picked_people_and_names_are_checked(ctx: Ctx) -> None:
    ana = make_person(ctx, "Ana Lima", tags=["x"]).id
    with pytest.raises(Contradicts, match="hand-picked"):
        lists.create(ctx, "X", filter=people_filter.of({"tag": "x"}), person_ids=[ana])
    with pytest.raises(Invalid, match="give the list a name"):
        lists.create(ctx, "   ")
    with pytest.raises(Invalid, match="too long"):
        lists.create(ctx, "n" * 101)
    with pytest.raises(Invalid, match="named twice"):
        lists.create(ctx, "Pipeline", stages=["A", "a"])
    picked = lists.create(ctx, "Picked", person_ids=[ana])
    with pytest.raises(NotFound, match="no person with id 999999"):
        lists.add_people(ctx, picked.id, [999999])
    assert lists.get(ctx, "picked").people == 1
    assert lists.get(ctx, f"#{picked.id}").name == "Picked"
