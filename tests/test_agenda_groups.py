"""Near-identical agenda entries told once (`domain.agenda.groups`): eight people met
at the Summit are one entry with the eight inside, standing where the first ranks;
every entry is listed exactly once, in its order; each person inside is still
answered on their own, by their own references."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.agenda.groups import AgendaGroup, grouped, page, source_of
from rapport.domain.records import AgendaEntry, AgendaReason
from rapport.services import agenda, events
from rapport.services.context import Ctx
from tests.conftest import TODAY
from tests.factories import make_person

SUMMIT, MEETUP = 3, 4
EVENTS = {SUMMIT: "Lisbon Product Summit", MEETUP: "Paris Tech Meetup"}


def follow_up(event_id: int | None, person_id: int) -> AgendaReason:
    where = f"at {EVENTS[event_id]}" if event_id else "recently"
    return AgendaReason(
        kind="follow-up",
        key=f"followup:{person_id}:{event_id or 'met'}",
        text=f"met {where} 6 days ago and not yet followed up",
        action="Follow up while the meeting is fresh: recall what you talked about",
        priority=0.7,
        ref_id=event_id,
        ref=f"f{person_id}-{event_id}" if event_id else f"f{person_id}",
    )


def reason(kind: str, person_id: int, text: str = "") -> AgendaReason:
    return AgendaReason(
        kind=kind,
        key=f"{kind}:{person_id}",
        text=text or f"{kind} of {person_id}",
        action="do it",
        priority=0.8,
        ref=f"x{person_id}",
    )


def entry(person_id: int, *reasons: AgendaReason) -> AgendaEntry:
    return AgendaEntry(
        position=person_id,
        person_id=person_id,
        person=f"Person {person_id}",
        organization=None,
        kind=reasons[0].kind,
        reasons=list(reasons),
        action=reasons[0].action,
        priority=0.5,
    )


def test_eight_met_at_the_summit_are_one_entry_with_the_eight_inside() -> None:
    entries = [
        entry(1, reason("promise", 1)),
        *[entry(n, follow_up(SUMMIT, n)) for n in range(2, 10)],
        entry(10, reason("milestone", 10)),
    ]
    listed = grouped(entries, EVENTS)
    assert [type(x).__name__ for x in listed] == ["AgendaEntry", "AgendaGroup", "AgendaEntry"]
    group = listed[1]
    assert isinstance(group, AgendaGroup)
    assert group.title == "Follow up with 8 people you met at Lisbon Product Summit"
    assert [e.person_id for e in group.entries] == list(range(2, 10))
    assert group.people[0] == "Person 2"
    assert group.action.startswith("Follow up while the meeting is fresh")
    # each person inside keeps their own references
    assert [e.reasons[0].ref for e in group.entries] == [f"f{n}-{SUMMIT}" for n in range(2, 10)]


def test_a_group_stands_where_its_first_entry_ranks() -> None:
    entries = [
        entry(1, follow_up(SUMMIT, 1)),
        entry(2, reason("promise", 2)),
        entry(3, follow_up(SUMMIT, 3)),
        entry(4, reason("thanks", 4)),
        entry(5, follow_up(SUMMIT, 5)),
    ]
    listed = grouped(entries, EVENTS)
    assert isinstance(listed[0], AgendaGroup)
    assert [e.person_id for e in listed[0].entries] == [1, 3, 5]
    assert [x.person_id for x in listed[1:] if isinstance(x, AgendaEntry)] == [2, 4]


def test_two_alike_stay_apart_and_each_event_has_its_own_group() -> None:
    entries = [
        entry(1, follow_up(SUMMIT, 1)),
        entry(2, follow_up(MEETUP, 2)),
        entry(3, follow_up(SUMMIT, 3)),
        entry(4, follow_up(MEETUP, 4)),
        entry(5, follow_up(SUMMIT, 5)),
        entry(6, follow_up(MEETUP, 6)),
    ]
    assert all(isinstance(x, AgendaEntry) for x in grouped(entries[:4], EVENTS))
    listed = grouped(entries, EVENTS)
    assert [x.title for x in listed if isinstance(x, AgendaGroup)] == [
        "Follow up with 3 people you met at Lisbon Product Summit",
        "Follow up with 3 people you met at Paris Tech Meetup",
    ]
    assert len(grouped(entries[:4], EVENTS, at_least=2)) == 2


def test_only_the_first_reason_groups_and_met_recently_never_does() -> None:
    entries = [
        # a promise ranks them: the Summit is their second reason
        entry(1, reason("promise", 1), follow_up(SUMMIT, 1)),
        entry(2, follow_up(SUMMIT, 2)),
        entry(3, follow_up(SUMMIT, 3)),
        # met, at no event: nothing shared
        *[entry(n, follow_up(None, n)) for n in range(4, 8)],
        # each their own promise
        *[entry(n, reason("promise", n, "you promised to send the deck")) for n in range(8, 12)],
    ]
    assert source_of(entries[0]) is None
    assert source_of(entries[1]) == f"event:{SUMMIT}"
    assert all(isinstance(x, AgendaEntry) for x in grouped(entries, EVENTS))


def test_people_meeting_together_are_prepared_for_once() -> None:
    line = "you meet tomorrow at 10:00: Project kickoff"
    entries = [entry(n, reason("prepare", n, line)) for n in range(1, 5)]
    entries.append(entry(5, reason("prepare", 5, "you meet today at 15:00: Pricing call")))
    listed = grouped(entries, EVENTS)
    assert len(listed) == 2
    assert isinstance(listed[0], AgendaGroup)
    assert listed[0].title == "Prepare to meet 4 people tomorrow at 10:00: Project kickoff"


def test_an_unknown_event_is_still_named() -> None:
    entries = [entry(n, follow_up(SUMMIT, n)) for n in range(1, 4)]
    (group,) = grouped(entries, {})
    assert isinstance(group, AgendaGroup)
    assert group.title == "Follow up with 3 people you met at the same event"


def test_a_page_counts_a_group_once_and_says_how_many_people_it_holds() -> None:
    entries = [entry(n, follow_up(SUMMIT, n)) for n in range(1, 9)] + [
        entry(n, reason("promise", n)) for n in range(9, 20)
    ]
    shown, held = page(grouped(entries, EVENTS), 3)
    assert len(shown) == 3 and held == 8 + 2


KINDS = st.sampled_from(["follow-up", "promise", "prepare", "milestone"])


@given(st.lists(st.tuples(KINDS, st.sampled_from([None, SUMMIT, MEETUP])), max_size=30))
def test_every_entry_is_listed_exactly_once_in_its_order(
    shape: list[tuple[str, int | None]],
) -> None:
    entries = []
    for n, (kind, event_id) in enumerate(shape, start=1):
        if kind == "follow-up":
            entries.append(entry(n, follow_up(event_id, n)))
        else:
            entries.append(entry(n, reason(kind, n, "you meet tomorrow at 10:00: Kickoff")))
    listed = grouped(entries, EVENTS)
    flat = [e for x in listed for e in (x.entries if isinstance(x, AgendaGroup) else (x,))]
    assert sorted(e.person_id for e in flat) == [e.person_id for e in entries]
    for x in listed:
        if isinstance(x, AgendaGroup):
            assert len(x.entries) >= 3
            assert len({source_of(e) for e in x.entries}) == 1
            ids = [e.person_id for e in x.entries]
            assert ids == sorted(ids)
    firsts = [x.entries[0] if isinstance(x, AgendaGroup) else x for x in listed]
    assert [e.person_id for e in firsts] == sorted(e.person_id for e in firsts)


# --- on a real agenda ---------------------------------------------------------------------


def _met_at_the_summit(ctx: Ctx, names: list[str]) -> dict[str, int]:
    summit = events.create(ctx, "Lisbon Product Summit", TODAY - dt.timedelta(days=6))
    return {
        name: events.capture(ctx, name, event_id=summit.id, organization="Acme").person_id
        for name in names
    }


def _the_group(ctx: Ctx) -> AgendaGroup:
    built = agenda.build(ctx)
    names = events.names(ctx, [e.reasons[0].ref_id or 0 for e in built.entries])
    (group,) = [x for x in grouped(built.entries, names) if isinstance(x, AgendaGroup)]
    return group


def test_done_on_one_person_in_a_group_answers_only_them(ctx: Ctx) -> None:
    ids = _met_at_the_summit(ctx, ["Ana Lima", "Bruno Souza", "Carla Dias", "Diego Ramos"])
    group = _the_group(ctx)
    assert group.title == "Follow up with 4 people you met at Lisbon Product Summit"
    refs = {e.person: e.reasons[0].ref for e in group.entries}
    assert refs["Bruno Souza"] == f"f{ids['Bruno Souza']}-{group.entries[0].reasons[0].ref_id}"
    said = agenda.done(ctx, refs["Bruno Souza"], interface="web")
    assert said.startswith(f"Bruno Souza: done {refs['Bruno Souza']}")
    after = _the_group(ctx)
    assert {e.person: e.reasons[0].ref for e in after.entries} == {
        name: ref for name, ref in refs.items() if name != "Bruno Souza"
    }
    # snoozing one person (their entry, every reason) leaves the other two: no longer a group
    agenda.snooze(
        ctx, f"#{ids['Carla Dias']}", TODAY + dt.timedelta(days=7), everything=True, interface="web"
    )
    left = [e.person for e in agenda.build(ctx).entries if e.kind == "follow-up"]
    assert sorted(left) == ["Ana Lima", "Diego Ramos"]


def test_met_someone_without_an_event_asks_for_a_follow_up_from_tomorrow(ctx: Ctx) -> None:
    make_person(ctx, "Nadia Rahman", organization="Solaris")
    known = events.capture(ctx, "Nadia Rahman", note="climate startup")
    new = events.capture(ctx, "Imani Okafor", organization="Harbour Lab", note="solar pilots")
    assert (known.created, known.where, new.created, new.where) == (False, "today", True, "today")
    tomorrow = agenda.build(ctx, TODAY + dt.timedelta(days=1))
    met = {e.person: e.reasons[0].text for e in tomorrow.entries if e.kind == "follow-up"}
    assert set(met) == {"Nadia Rahman", "Imani Okafor"}
    assert all(text.startswith("met recently 1 day ago") for text in met.values())
