from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.agenda import ContactFacts, overdue
from rapport.domain.cadence import DEFAULT_CADENCE_DAYS, cadence_defaults
from rapport.services import agenda, people, workspace
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person, overdue_by_the_rule


def test_overdue_people_most_overdue_first_with_reasons(ctx) -> None:
    client = make_person(ctx, "Carla Client", types=["client"])  # 30 days
    peer = make_person(ctx, "Pedro Peer", types=["peer"])  # 90 days
    fresh = make_person(ctx, "Fresh Client", types=["client"])
    make_person(ctx, "No Type")  # no rhythm: never on the agenda
    make_interaction(ctx, [client.id], on=TODAY - dt.timedelta(days=75))
    make_interaction(ctx, [peer.id], on=TODAY - dt.timedelta(days=100))
    make_interaction(ctx, [fresh.id], on=TODAY - dt.timedelta(days=10))
    items = agenda.keep_in_touch(ctx)
    assert [i.person for i in items] == ["Carla Client", "Pedro Peer"]
    assert items[0].reason == "last contact 75 days ago, against a 30-day rhythm"


def test_any_interaction_resets_the_clock(ctx) -> None:
    pid = make_person(ctx, "Carla", types=["client"]).id
    make_interaction(ctx, [pid], on=TODAY - dt.timedelta(days=60))
    assert [i.person_id for i in agenda.keep_in_touch(ctx)] == [pid]
    make_interaction(
        ctx, [pid], kind="email", on=TODAY - dt.timedelta(days=1), source="mbox", external_id="x"
    )
    assert agenda.keep_in_touch(ctx) == []


def test_archived_and_not_before_are_honoured(ctx) -> None:
    a = make_person(ctx, "A", types=["client"], met_on=TODAY - dt.timedelta(days=90))
    b = make_person(ctx, "B", types=["client"], met_on=TODAY - dt.timedelta(days=90))
    assert {i.person_id for i in agenda.keep_in_touch(ctx)} == {a.id, b.id}
    people.archive(ctx, a.id)
    people.edit(ctx, b.id, {"not_before": TODAY + dt.timedelta(days=3)})
    assert agenda.keep_in_touch(ctx) == []
    assert [i.person_id for i in agenda.keep_in_touch(ctx, TODAY + dt.timedelta(days=3))] == [b.id]


def test_never_contacted_counts_from_when_we_met(ctx) -> None:
    make_person(ctx, "Met Long Ago", types=["peer"], met_on=TODAY - dt.timedelta(days=120))
    make_person(ctx, "Met Recently", types=["peer"], met_on=TODAY - dt.timedelta(days=20))
    items = agenda.keep_in_touch(ctx)
    assert [i.person for i in items] == ["Met Long Ago"]
    assert "no contact recorded in the 120 days since you met" in items[0].reason


def test_own_cadence_and_workspace_defaults(ctx) -> None:
    own = make_person(ctx, "Own", cadence_days=7, met_on=TODAY - dt.timedelta(days=8))
    peer = make_person(ctx, "Peer", types=["peer"], met_on=TODAY - dt.timedelta(days=40))
    assert [i.person_id for i in agenda.keep_in_touch(ctx)] == [own.id]
    workspace.set_cadence_default(ctx, "peer", 30)
    assert {i.person_id for i in agenda.keep_in_touch(ctx)} == {own.id, peer.id}


facts_strategy = st.builds(
    ContactFacts,
    person_id=st.integers(1, 10_000),
    name=st.text(min_size=1, max_size=10),
    organization=st.none(),
    types=st.lists(st.sampled_from(sorted(DEFAULT_CADENCE_DAYS)), max_size=3).map(tuple),
    cadence_days=st.one_of(st.none(), st.integers(1, 400)),
    last_contact_on=st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), TODAY)),
    known_since=st.dates(dt.date(2015, 1, 1), TODAY),
    not_before=st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))),
)


@given(st.lists(facts_strategy, max_size=30, unique_by=lambda f: f.person_id))
def test_agenda_rule_invariants(facts: list[ContactFacts]) -> None:
    items = overdue(facts, TODAY, cadence_defaults())
    by_id = {f.person_id: f for f in facts}
    for item in items:
        f = by_id[item.person_id]
        assert item.days_since > item.cadence_days  # only the overdue
        assert not (f.not_before and f.not_before > TODAY)  # boundaries kept
    keys = [(-i.priority, -i.days_since, i.person, i.person_id) for i in items]
    assert keys == sorted(keys)  # a total, stable order
    # contact today removes anyone from the list
    touched = [ContactFacts(**{**f.__dict__, "last_contact_on": TODAY}) for f in facts]
    assert overdue(touched, TODAY, cadence_defaults()) == []


# --- assembling: boundaries and marks, as properties ----------------------------------

from rapport.domain.agenda import Mark, PersonFacts, assemble  # noqa: E402
from rapport.domain.records import AgendaReason  # noqa: E402

KINDS = [
    "keep-in-touch",
    "follow-up",
    "promise",
    "nudge",
    "thanks",
    "milestone",
    "role-change",
    "strained",
    "mentoring",
    "feedback",
]

reason_strategy = st.builds(
    lambda pid, kind, n, p: (pid, AgendaReason(kind, f"{kind}:{pid}:{n}", "why", "do", p)),
    st.integers(1, 8),
    st.sampled_from(KINDS),
    st.integers(0, 3),
    st.floats(0, 1),
)
person_strategy = st.builds(
    lambda pid, last, nb, mx: PersonFacts(pid, f"P{pid}", None, last, nb, mx, None),
    st.integers(1, 8),
    st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), TODAY)),
    st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 6, 1))),
    st.one_of(st.none(), st.integers(1, 60)),
)
mark_strategy = st.builds(
    Mark,
    st.sampled_from(["done", "dismissed", "snoozed"]),
    st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 6, 1))),
)


@given(
    st.lists(reason_strategy, max_size=25),
    st.lists(person_strategy, max_size=8, unique_by=lambda p: p.person_id),
    st.dictionaries(
        st.sampled_from([f"{k}:{p}:{n}" for k in KINDS for p in range(1, 9) for n in range(4)]),
        mark_strategy,
        max_size=10,
    ),
    st.integers(1, 8),
)
def test_assembled_agenda_honours_archive_marks_and_boundaries(
    reasons, people, marks, limit
) -> None:
    known = {p.person_id: p for p in people}  # people missing here are archived
    entries, total = assemble(reasons, known, marks, TODAY)
    assert total == len(entries)
    # a limit writes out the first entries only, and counts them all the same
    assert assemble(reasons, known, marks, TODAY, limit) == (entries[:limit], total)
    seen = [e.person_id for e in entries]
    assert len(seen) == len(set(seen))  # a person appears once
    assert [e.position for e in entries] == list(range(1, len(entries) + 1))
    for entry in entries:
        person = known[entry.person_id]  # never an archived person
        for reason in entry.reasons:
            mark = marks.get(reason.key)
            assert mark is None or (
                mark.action == "snoozed" and (mark.until is None or mark.until <= TODAY)
            )
            if reason.kind not in ("promise", "feedback"):
                assert not (person.not_before and person.not_before > TODAY)
                assert not (
                    person.max_contact_days
                    and person.last_contact_on
                    and (TODAY - person.last_contact_on).days < person.max_contact_days
                )
    priorities = [e.priority for e in entries]
    assert priorities == sorted(priorities, reverse=True)


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_database_prunes_nobody_the_rule_would_list(open_ctx, zone: str) -> None:
    """keep_in_touch lets the database skip people who cannot be due; around the
    boundary, at both ends of the local day, in zones 14 hours ahead and 11 behind
    UTC, it lists exactly whom the rule lists when given everyone."""
    with open_ctx() as ctx:
        workspace.configure(ctx, timezone=zone)
    with open_ctx() as ctx:
        for days in (28, 29, 30, 31, 32):
            for hour, minute in ((0, 5), (23, 55)):
                pid = make_person(ctx, f"C{days}-{hour}", types=["client"]).id  # 30 days
                moment = dt.datetime.combine(
                    TODAY - dt.timedelta(days=days), dt.time(hour, minute), ctx.tz
                )
                make_interaction(ctx, [pid], at=moment)
            own = make_person(ctx, f"Own{days}", cadence_days=days - 1)
            make_interaction(ctx, [own.id], on=TODAY - dt.timedelta(days=days))
        make_person(ctx, "Met", types=["report"], met_on=TODAY - dt.timedelta(days=15))
    with open_ctx(write=False) as ctx:
        expected = overdue_by_the_rule(ctx, TODAY)
        assert agenda.keep_in_touch(ctx) == expected
        assert {i.person for i in expected} >= {"C31-0", "C31-23", "Own29", "Met"}
        assert not {i.person for i in expected} & {"C30-0", "C30-23", "C29-0"}


def test_marks_are_read_per_person_and_the_latest_wins(ctx) -> None:
    from rapport.domain.agenda import Mark
    from rapport.services import agenda_facts
    from rapport.storage.schema import AgendaMark

    pid, other = make_person(ctx, "Marked").id, make_person(ctx, "Other").id
    later = TODAY + dt.timedelta(days=3)
    for n in range(6):  # a key marked twice: the latest mark wins
        ctx.session.add(AgendaMark(workspace_id=ctx.workspace_id, item_key=f"k:{n % 4}",
                                   person_id=pid, action="dismissed" if n < 4 else "snoozed",
                                   until=None if n < 4 else later))  # fmt: skip
    ctx.session.add(AgendaMark(workspace_id=ctx.workspace_id, item_key="touch:1:2026-01-01",
                               person_id=other, action="done"))  # fmt: skip
    ctx.session.flush()
    mine = {
        "k:0": Mark("snoozed", later),
        "k:1": Mark("snoozed", later),
        "k:2": Mark("dismissed", None),
        "k:3": Mark("dismissed", None),
    }
    assert agenda_facts.marks(ctx, [pid]) == mine
    assert agenda_facts.marks(ctx, []) == {}
    # every check-in mark, whoever it is on: the agenda names their keys only when shown
    assert agenda_facts.marks(ctx, [pid], checkins=True) == {
        **mine,
        "touch:1:2026-01-01": Mark("done", None),
    }
