"""A year in the life of a networker, walked day by day: on chosen days the agenda
must say what a careful person would expect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rapport.services import agenda, events, favours, mentoring, milestones, people, promises
from tests.conftest import OpenCtx
from tests.factories import make_interaction, make_person

D = dt.timedelta
START = dt.date(2026, 1, 5)


def test_a_year_in_the_life_of_a_networker(open_ctx: OpenCtx) -> None:
    ids: dict[str, int] = {}

    def expect(day: dt.date) -> dict[str, list[str]]:
        with open_ctx(write=False, today=day) as ctx:
            return {e.person: [r.kind for r in e.reasons] for e in agenda.build(ctx).entries}

    def on(day: dt.date, action: Callable[..., object]) -> None:
        with open_ctx(today=day) as ctx:
            action(ctx)

    # January: a client, a mentor and a peer
    def setup(ctx) -> None:
        ids["carla"] = make_person(ctx, "Carla Client", types=["client"], organization="Acme").id
        make_interaction(ctx, [ids["carla"]], on=dt.date(2026, 1, 2), summary="Kick-off")
        ids["mona"] = make_person(ctx, "Mona Mentor", types=["mentor"]).id
        make_interaction(ctx, [ids["mona"]], on=dt.date(2026, 1, 5), summary="First session")
        mentoring.start_mentorship(
            ctx,
            ids["mona"],
            "mentor",
            goals="become a CTO",
            session_cadence_days=30,
            started_on=START,
        )
        ids["pedro"] = make_person(
            ctx, "Pedro Peer", types=["peer"], organization="Globex", title="Engineer"
        ).id
        make_interaction(ctx, [ids["pedro"]], on=dt.date(2026, 1, 4))

    on(START, setup)
    assert expect(START) == {}
    assert expect(dt.date(2026, 2, 1)) == {}
    # Feb 2: 31 days since Carla, against a 30-day rhythm
    assert expect(dt.date(2026, 2, 2)) == {"Carla Client": ["keep-in-touch"]}
    on(dt.date(2026, 2, 3), lambda ctx: make_interaction(ctx, [ids["carla"]], kind="call"))
    # Feb 4: thirty days since the last mentoring session
    assert expect(dt.date(2026, 2, 4)) == {"Mona Mentor": ["mentoring"]}
    on(dt.date(2026, 2, 4), lambda ctx: make_interaction(ctx, [ids["mona"]], kind="video"))
    assert "Mona Mentor" not in expect(dt.date(2026, 2, 5))

    # March: a conference, three new people
    def conference(ctx) -> None:
        conf = events.create(ctx, "DevConf", dt.date(2026, 3, 10), place="Porto")
        for name, note in (
            ("Ana Lima", "AI agents"),
            ("Bruno Souza", None),
            ("Chen Wei", "hiring"),
        ):
            ids[name.split()[0].lower()] = make_person(ctx, name).id
            events.met(ctx, conf.id, ids[name.split()[0].lower()], note)

    on(dt.date(2026, 3, 10), conference)
    assert expect(dt.date(2026, 3, 10)).get("Ana Lima") is None  # the day itself: no nagging
    march_11 = expect(dt.date(2026, 3, 11))
    assert march_11["Ana Lima"] == march_11["Bruno Souza"] == march_11["Chen Wei"] == ["follow-up"]

    def follow_up_ana(ctx) -> None:
        make_interaction(ctx, [ids["ana"]], kind="email", summary="Nice to meet you")
        promises.promise(ctx, ids["ana"], "send the slides", due_on=dt.date(2026, 3, 16))

    on(dt.date(2026, 3, 12), follow_up_ana)
    march_13 = expect(dt.date(2026, 3, 13))
    assert "Ana Lima" not in march_13 and "Bruno Souza" in march_13
    assert expect(dt.date(2026, 3, 14))["Ana Lima"] == ["promise"]  # two days ahead
    on(dt.date(2026, 3, 15), lambda ctx: people.archive(ctx, ids["chen"]))
    assert "Chen Wei" not in expect(dt.date(2026, 3, 15))
    on(dt.date(2026, 3, 16), lambda ctx: agenda.done(ctx, "ana"))
    assert "Ana Lima" not in expect(dt.date(2026, 3, 16))
    assert "Bruno Souza" not in expect(dt.date(2026, 3, 26))  # past the follow-up window

    # April: a favour received, thanked two days later
    on(
        dt.date(2026, 4, 1),
        lambda ctx: favours.record(
            ctx, ids["bruno"], "received", "introduction", note="to a designer"
        ),
    )
    assert "Bruno Souza" not in expect(dt.date(2026, 4, 2))
    assert expect(dt.date(2026, 4, 3))["Bruno Souza"] == ["thanks"]
    on(dt.date(2026, 4, 3), lambda ctx: agenda.done(ctx, "bruno", note="Thanked him for the intro"))
    assert "Bruno Souza" not in expect(dt.date(2026, 4, 4))

    # May: a promise to Pedro, broken
    on(
        dt.date(2026, 5, 1),
        lambda ctx: promises.promise(
            ctx, ids["pedro"], "review his draft", due_on=dt.date(2026, 5, 10)
        ),
    )
    assert expect(dt.date(2026, 5, 11))["Pedro Peer"][0] == "promise"

    def broken(ctx) -> None:
        promises.resolve(ctx, promises.listing(ctx, person_id=ids["pedro"])[0].id, "broken")

    on(dt.date(2026, 5, 15), broken)

    # June 1: Pedro is promoted
    on(
        dt.date(2026, 6, 1),
        lambda ctx: people.edit(ctx, ids["pedro"], {"title": "Engineering Manager"}),
    )
    assert "role-change" in expect(dt.date(2026, 6, 1))["Pedro Peer"]
    on(
        dt.date(2026, 6, 2),
        lambda ctx: agenda.done(ctx, "pedro", note="Congratulated him", everything=True),
    )
    assert "Pedro Peer" not in expect(dt.date(2026, 6, 3))

    # July: a strained tie with Carla, then a repair conversation
    def strain(ctx) -> None:
        people.edit(
            ctx, ids["carla"], {"strained": True, "strained_context": "missed the delivery"}
        )
        make_interaction(ctx, [ids["carla"]], on=dt.date(2026, 6, 30), kind="call")

    on(dt.date(2026, 7, 1), strain)
    assert expect(dt.date(2026, 7, 1))["Carla Client"] == ["strained"]
    on(
        dt.date(2026, 7, 3),
        lambda ctx: make_interaction(
            ctx, [ids["carla"]], kind="meeting", tone="tense", summary="Talked it through"
        ),
    )
    assert "Carla Client" not in expect(dt.date(2026, 7, 4))

    # Pedro, a peer, last contacted June 2: due after 90 days, snoozed for ten
    assert "Pedro Peer" not in expect(dt.date(2026, 8, 31))
    assert expect(dt.date(2026, 9, 1))["Pedro Peer"] == ["keep-in-touch"]
    on(dt.date(2026, 9, 1), lambda ctx: agenda.snooze(ctx, "pedro", dt.date(2026, 9, 10)))
    assert "Pedro Peer" not in expect(dt.date(2026, 9, 9))
    assert expect(dt.date(2026, 9, 10))["Pedro Peer"] == ["keep-in-touch"]

    # Ana's birthday, September 20, three days' lead
    on(dt.date(2026, 9, 1), lambda ctx: milestones.add(ctx, ids["ana"], "birthday", 9, 20))
    assert "milestone" not in expect(dt.date(2026, 9, 16)).get("Ana Lima", [])
    assert expect(dt.date(2026, 9, 17))["Ana Lima"] == ["milestone"]
    with open_ctx(write=False, today=dt.date(2026, 9, 20)) as ctx:
        entry = next(e for e in agenda.build(ctx).entries if e.person == "Ana Lima")
    assert entry.reasons[0].text == "birthday today"

    # December: Mona was never seen again after February; she leads the list
    december = expect(dt.date(2026, 12, 1))
    assert next(iter(december)) == "Mona Mentor"
    assert set(december["Mona Mentor"]) == {"mentoring", "keep-in-touch"}
    assert "Chen Wei" not in december
