"""The one rule for changing a person (`domain.person_patch.plan`), without a
database: what it writes, what it leaves alone, and what it refuses."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.adapters.records import PartialDate
from rapport.domain.person_patch import (
    FIELDS,
    UNSET,
    Items,
    PersonPatch,
    PersonPlan,
    PersonState,
    RolePlan,
    plan,
)
from rapport.errors import Invalid

TODAY = dt.date(2026, 11, 23)


def _ana(**overrides: Any) -> PersonState:
    fields: dict[str, Any] = {
        "id": 7, "full_name": "Ana Lima", "given_name": "Ana", "family_name": "Lima",
        "name_key": "ana lima", "organization_id": 3, "organization": "Acme", "title": "CTO",
        "open_role_id": 11, "emails": [("ana@acme.com", "ana@acme.com")], "primaries": 1,
        "tags": [(5, "VIP")], "types": ["client"],
    }  # fmt: skip
    return PersonState(**{**fields, **overrides})


def _plan(state: PersonState, **changes: Any) -> PersonPlan:
    return plan(state, PersonPatch(**changes), today=TODAY, phone_region=None)


def test_a_new_person_gets_every_value_given_and_a_first_role() -> None:
    found = plan(
        PersonState(),
        PersonPatch.of({"full_name": "Ana Lima", "organization": "Acme", "emails": ["a@b.co"]}),
        today=TODAY,
        phone_region=None,
    )
    assert found.values == {
        "full_name": "Ana Lima", "given_name": "Ana", "family_name": "Lima", "name_key": "ana lima"
    }  # fmt: skip
    assert found.organization == "Acme"
    assert found.role == RolePlan("replace", "Acme", None, None, started=False)
    assert found.lists.emails.add == [("a@b.co", "a@b.co", True)]


def test_a_new_person_needs_a_name() -> None:
    with pytest.raises(Invalid, match="a person needs a name"):
        plan(PersonState(), PersonPatch(notes="hi"), today=TODAY, phone_region=None)


def test_values_already_stored_plan_nothing() -> None:
    found = _plan(_ana(), full_name="Ana Lima", organization="ACME", title="CTO",
                  emails=Items(["ana@acme.com"]), tags=Items(["vip"]))  # fmt: skip
    assert found.empty


def test_a_new_organization_ends_the_role_and_starts_one_today() -> None:
    found = _plan(_ana(), organization="Globex")
    assert found.organization == "Globex"
    assert found.role == RolePlan("replace", "Globex", "CTO", 11, started=True)


def test_filling_in_a_missing_title_completes_the_current_role() -> None:
    found = _plan(_ana(title=None), title="CEO")
    assert found.role == RolePlan("complete", "Acme", "CEO", 11)
    assert found.values == {"title": "CEO"}


def test_clearing_organization_and_title_empties_a_role_that_replaced_nothing() -> None:
    found = _plan(_ana(organization=None, organization_id=None, title=None), title=None)
    assert found.role is None  # nothing known, nothing to do
    emptied = _plan(_ana(), organization=None, title=None)
    assert emptied.role == RolePlan("replace", None, None, 11, started=True)


def test_replace_rewrites_a_list_and_add_only_adds() -> None:
    state = _ana(phones=[("+442079460000", "+44 20 7946 0000")])
    replaced = _plan(state, phones=Items(["+44 20 7946 0001"]))
    assert replaced.lists.phones.clear
    assert replaced.lists.phones.add == [("+442079460001", "+44 20 7946 0001")]
    added = _plan(state, phones=Items.add(["+44 20 7946 0000", "+44 20 7946 0001"]))
    assert not added.lists.phones.clear
    assert added.lists.phones.add == [("+442079460001", "+44 20 7946 0001")]


def test_add_mode_removes_by_the_matching_key() -> None:
    found = _plan(_ana(), tags=Items.add(["new"], remove=["#vip"]), types=Items.add([], ["CLIENT"]))
    assert (found.lists.tags.add, found.lists.tags.remove) == (["new"], [5])
    assert found.lists.types.remove == ["client"]


def test_an_email_list_without_one_primary_gets_its_first_as_primary() -> None:
    state = _ana(emails=[("a@x.io", "a@x.io"), ("b@x.io", "b@x.io")], primaries=0)
    assert _plan(state, emails=Items.add(["c@x.io"])).lists.primary == "a@x.io"


def test_strained_since_is_today_when_it_becomes_strained() -> None:
    assert _plan(_ana(), strained=True).values == {"strained": True, "strained_since": TODAY}
    since = dt.date(2026, 1, 1)
    assert _plan(_ana(strained=True, strained_since=since), strained=True).values == {}
    cleared = _plan(_ana(strained=True, strained_since=since), strained=False)
    assert cleared.values == {"strained": False, "strained_since": None}


def test_a_birthday_moves_the_stored_one_and_is_never_doubled() -> None:
    state = _ana(dates=[(9, "birthday", None, 6, 12, 1985)])
    moved = _plan(state, birthday=PartialDate(7, 2, 1985))
    assert [(d.milestone_id, d.month, d.day, d.year) for d in moved.dates] == [(9, 7, 2, 1985)]
    assert _plan(state, birthday=PartialDate(6, 12)).empty  # the year is not unlearnt
    first = _plan(_ana(), birthday=PartialDate(6, 12))
    assert [(d.milestone_id, d.kind) for d in first.dates] == [(None, "birthday")]


@pytest.mark.parametrize("field", ["emails", "phones", "urls", "types", "tags"])
@pytest.mark.parametrize("value", [None, "a@b.co", 3, [3], [["a@b.co"]]])
def test_a_list_field_that_is_not_a_list_of_text_is_invalid(field: str, value: Any) -> None:
    with pytest.raises(Invalid):
        plan(_ana(), PersonPatch.of({field: value}), today=TODAY, phone_region=None)


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"favourite_colour": "blue"}, "favourite_colour", "is not a field of a person"),
        ({"emails": None}, "emails", "must be a list (an empty one clears it), not null"),
        ({"emails": ["not-an-email"]}, "email", "'not-an-email' is not an email address"),
        ({"cadence_days": "often"}, "cadence_days", "'often' is not a number of days"),
        ({"cadence_days": 0}, "cadence_days", "must be between 1 and 3650 days"),
        ({"tags": ["fine", "#"]}, "tag", "a tag cannot be empty"),
        ({"introduced_by_id": 7}, "introduced_by", "a person cannot introduce themselves"),
        ({"met_on": "2020-01-01"}, "met_on", "'2020-01-01' is not a date"),
        ({"title": "t" * 301}, "title", "is 301 characters long; at most 300"),
    ],
)
def test_refusals_name_the_field(changes: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(Invalid) as refused:
        plan(_ana(), PersonPatch.of(changes), today=TODAY, phone_region=None)
    assert (refused.value.field, refused.value.reason) == (field, reason)


ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.dates(),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(field=st.sampled_from(sorted(FIELDS - {"birthday", "anniversary"})), value=ANYTHING)
def test_any_value_for_any_field_is_planned_or_invalid(field: str, value: Any) -> None:
    with contextlib.suppress(Invalid):  # any other exception fails the test
        plan(_ana(), PersonPatch.of({field: value}), today=TODAY, phone_region=None)


def test_given_lists_only_what_was_set() -> None:
    patch = PersonPatch(title="CEO", notes=None)
    assert patch.given() == {"title": "CEO", "notes": None}
    assert patch.emails is UNSET
