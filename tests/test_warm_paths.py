"""Warm introduction paths, on SQLite and PostgreSQL: who can introduce the user to
someone, through what they already recorded (introductions, conversations shared,
events, overlapping roles), ranked by the user's own tie to the first person; who
knows a person; the introduction request; an organisation as the target."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.domain import warm_paths
from rapport.domain.warm_paths import A, B, Link
from rapport.errors import Conflict
from rapport.services import events, mentoring, people, roles
from rapport.services import warm_paths as paths
from rapport.services.context import Ctx
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_interaction, make_person


def test_the_strongest_chain_wins_and_each_first_person_once() -> None:
    links = [
        Link(1, 9, "conversations", 0.6, "Ana and Jane were both in 2 conversations of yours"),
        Link(2, 9, "event", 0.25, "Bruno and Jane were both at Web Summit"),
        Link(3, 1, "colleagues", 0.45, f"{A} and {B} are both at Acme", "", "Chen", "Ana"),
    ]
    ties = {1: 35, 2: 95, 3: 90}
    names = {1: "Ana Lima", 2: "Bruno Souza", 3: "Chen Wei", 9: "Jane Doe"}
    found = warm_paths.best_paths({9: "Jane Doe"}, links, ties, names)
    # Chen through Ana: 0.9 × 0.45 × 0.6 = 0.243; Bruno: 0.95 × 0.25; Ana: 0.35 × 0.6
    assert [p.first.name for p in found] == ["Chen Wei", "Bruno Souza", "Ana Lima"]
    assert [h.name for h in found[0].hops] == ["Chen Wei", "Ana Lima", "Jane Doe"]
    assert found[0].hops[1].reason == "Chen and Ana are both at Acme"
    assert found[2].first.reason == "you: weak (35)"
    assert found[0].strength == pytest.approx(0.243)
    # once the user knows Ana well, they ask her: no one goes through her
    found = warm_paths.best_paths({9: "Jane Doe"}, links, {**ties, 1: 50}, names)
    assert [p.first.name for p in found] == ["Ana Lima", "Bruno Souza"]
    assert found[0].first.reason == "you: good (50)"


def test_someone_known_well_is_asked_directly() -> None:
    links = [Link(1, 9, "event", 0.25, "both at Web Summit")]
    found = warm_paths.best_paths({9: "Jane"}, links, {1: 90, 9: 75}, {1: "Ana", 9: "Jane"})
    assert [(p.direct, p.first.name) for p in found] == [(True, "Jane")]


def test_a_direct_tie_is_a_path_of_one() -> None:
    found = warm_paths.best_paths({9: "Jane"}, [], {9: 80}, {9: "Jane"})
    assert len(found) == 1 and found[0].direct
    assert found[0].first.reason == "you know them yourself: strong (80)"


def test_overlap_and_years_together() -> None:
    d = dt.date
    assert warm_paths.overlap((d(2019, 1, 1), d(2021, 6, 1)), (d(2020, 1, 1), None))
    assert not warm_paths.overlap((d(2015, 1, 1), d(2016, 1, 1)), (d(2017, 1, 1), None))
    assert warm_paths.overlap((None, None), (d(2017, 1, 1), None))
    years = warm_paths.together_years(
        (d(2019, 1, 1), d(2021, 6, 1)), (d(2020, 3, 1), d(2022, 1, 1))
    )
    assert years == " (2020–2021)"
    assert warm_paths.together_years((None, d(2021, 6, 1)), (d(2020, 3, 1), None)) == " (2020–2021)"
    assert warm_paths.together_years((None, None), (d(2020, 3, 1), None)) == ""


def _network(ctx: Ctx) -> dict[str, int]:
    """The user knows Ana well and Bruno a little; Jane, whom they want to reach, is
    tied to Ana by three conversations (the user's, over a year ago) and to Bruno by
    an event; Chen worked with Jane at Acme, and the user speaks to Chen often."""
    ids = {
        name: make_person(ctx, full).id
        for name, full in [
            ("ana", "Ana Lima"),
            ("bruno", "Bruno Souza"),
            ("jane", "Jane Doe"),
            ("chen", "Chen Wei"),
            ("dora", "Dora Quist"),
        ]
    }
    for weeks in range(0, 40, 2):  # the user and Ana: every fortnight
        make_interaction(ctx, [ids["ana"]], on=TODAY - dt.timedelta(weeks=weeks))
    make_interaction(ctx, [ids["bruno"]], on=TODAY - dt.timedelta(days=200))
    for days in (400, 430, 460):  # over a year ago: the user and Jane are out of touch
        make_interaction(ctx, [ids["ana"], ids["jane"]], on=TODAY - dt.timedelta(days=days))
    summit = events.create(ctx, "Web Summit", TODAY - dt.timedelta(days=100))
    events.met(ctx, summit.id, ids["bruno"])
    events.met(ctx, summit.id, ids["jane"])
    roles.add(ctx, ids["chen"], roles.RoleSpec("Engineer", "Acme", "2018-01", "2021-06"))
    roles.add(ctx, ids["jane"], roles.RoleSpec("CTO", "Acme", "2019-03", None))
    for weeks in range(0, 30, 3):
        make_interaction(ctx, [ids["chen"]], on=TODAY - dt.timedelta(weeks=weeks))
    return ids


def test_paths_through_what_is_recorded(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ids = _network(ctx)
    with open_ctx(write=False) as ctx:
        found = paths.to_person(ctx, ids["jane"])
    first = [p.first.name for p in found.paths if not p.direct]
    assert first[0] == "Ana Lima"
    assert set(first) >= {"Ana Lima", "Bruno Souza", "Chen Wei"}
    ana = found.paths[[p.first.name for p in found.paths].index("Ana Lima")]
    assert ana.hops[1].reason.startswith("Ana and Jane were both in 3 conversations of yours")
    chen = next(p for p in found.paths if p.first.name == "Chen Wei")
    assert chen.hops[1].reason == "Chen and Jane were both at Acme (2019–2021)"
    bruno = next(p for p in found.paths if p.first.name == "Bruno Souza")
    assert "were both at Web Summit" in bruno.hops[1].reason
    # who knows Jane: everyone tied to her, strongest first
    assert [h.name for h in found.known_by][:1] == ["Ana Lima"]
    assert {h.name for h in found.known_by} == {"Ana Lima", "Bruno Souza", "Chen Wei"}
    # Dora has no tie to anyone: no path
    with open_ctx(write=False) as ctx:
        assert paths.to_person(ctx, ids["dora"]).paths == []


def test_introductions_are_ties_and_archived_people_are_no_path(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima").id
        zoe = make_person(ctx, "Zoe Park").id
        omar = make_person(ctx, "Omar Haddad").id
        make_interaction(ctx, [ana], on=TODAY - dt.timedelta(days=3))
        make_interaction(ctx, [omar], on=TODAY - dt.timedelta(days=5))
        mentoring.introduce(ctx, zoe, to_person_id=None, introducer_id=ana, occurred_on=TODAY)
        mentoring.introduce(ctx, omar, to_person_id=zoe, introducer_id=None, occurred_on=TODAY)
    with open_ctx(write=False) as ctx:
        found = paths.to_person(ctx, zoe)
    reasons = {p.first.name: p.hops[1].reason for p in found.paths if not p.direct}
    assert reasons["Ana Lima"].startswith("Ana introduced Zoe to you")
    assert reasons["Omar Haddad"].startswith("Omar and Zoe were introduced by you")
    with open_ctx() as ctx:
        people.archive(ctx, ana)
    with open_ctx(write=False) as ctx:
        found = paths.to_person(ctx, zoe)
    assert "Ana Lima" not in {p.first.name for p in found.paths}


def test_the_introduction_request_reads_as_a_person_would_write_it(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ids = _network(ctx)
    with open_ctx(write=False) as ctx:
        draft = paths.introduction(ctx, ids["jane"], about="talk about their pilot programme")
    assert draft.to == "Ana Lima"
    assert draft.subject == "An introduction to Jane Doe?"
    assert draft.body.startswith("Hi Ana,\n\nI hope you're well. Would you be open to ")
    assert "introducing me to Jane Doe (CTO at Acme)? I believe you know each other." in draft.body
    assert "I'd like to talk about their pilot programme." in draft.body
    assert "no problem at all" in draft.body
    with open_ctx(write=False) as ctx, pytest.raises(Conflict, match="no one Rapport knows of"):
        paths.introduction(ctx, ids["dora"])


def test_an_organisation_as_the_target(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ids = _network(ctx)
    with open_ctx(write=False) as ctx:
        found = paths.to_organization(ctx, "acme")
    assert found.target == "Acme"
    assert {p.target for p in found.paths} == {"Jane Doe"}
    assert found.paths[0].first.name == "Ana Lima"
    # the user's own conversations with Jane are long past: no tie of their own to use
    assert not any(p.direct for p in found.paths)
    with open_ctx() as ctx:
        people.archive(ctx, ids["jane"])
    with open_ctx(write=False) as ctx:
        assert paths.to_organization(ctx, "acme").paths == []
