from __future__ import annotations

import datetime as dt

import pytest

from rapport.errors import Invalid, NotFound
from rapport.services import (
    events,
    favours,
    interactions,
    merge,
    milestones,
    people,
    promises,
    search,
)
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person


def test_merge_keeps_everything_of_both_records(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", emails=["ana@acme.com"], types=["client"], tags=["ai"])
    dup = make_person(
        ctx,
        "Ana L.",
        emails=["ANA@acme.com", "ana@gmail.com"],
        types=["mentor"],
        tags=["ai", "vip"],
        phones=["+351 912 345 678"],
        interests="sailing",
        notes="from LinkedIn",
    )
    other = make_person(ctx, "Bruno")
    shared = make_interaction(ctx, [keep.id, dup.id, other.id], on=TODAY - dt.timedelta(days=9))
    latest = make_interaction(ctx, [dup.id], on=TODAY - dt.timedelta(days=2), summary="dup only")
    promises.promise(ctx, dup.id, "send notes")
    favours.record(ctx, dup.id, "received", "advice")
    milestones.add(ctx, keep.id, "birthday", 6, 12)
    milestones.add(ctx, dup.id, "birthday", 6, 12)  # the same date twice
    milestones.add(ctx, dup.id, "work-anniversary", 3, 1)
    conf = events.create(ctx, "PyCon", TODAY - dt.timedelta(days=20))
    events.met(ctx, conf.id, dup.id)
    people.edit(ctx, other.id, {"introduced_by_id": dup.id})

    merged = merge.merge(ctx, keep.id, dup.id).person

    assert merged.name == "Ana Lima"
    assert sorted(merged.emails, key=str.lower) == ["ana@acme.com", "ana@gmail.com"]
    assert merged.types == ["client", "mentor"] and merged.tags == ["ai", "vip"]
    assert merged.phones == ["+351 912 345 678"] and merged.interests == "sailing"
    assert merged.last_contact_at == latest.occurred_at
    timeline = interactions.timeline(ctx, keep.id)
    assert [i.id for i in timeline] == [latest.id, shared.id]
    assert sorted(timeline[1].participants) == ["Ana Lima", "Bruno"]
    assert [p.description for p in promises.listing(ctx, person_id=keep.id)] == ["send notes"]
    assert favours.balance(ctx, keep.id).received == 1
    assert sorted(m.kind for m in milestones.for_person(ctx, keep.id)) == [
        "birthday",
        "work-anniversary",
    ]
    assert [a.person for a in events.show(ctx, conf.id).attendees] == ["Ana Lima"]
    assert people.show(ctx, other.id).introduced_by == "Ana Lima"
    with pytest.raises(NotFound):
        people.show(ctx, dup.id)
    assert [h.id for h in search.find(ctx, "ana") if h.kind == "person"] == [keep.id]


def test_cannot_merge_a_person_with_themselves(ctx) -> None:
    ana = make_person(ctx)
    with pytest.raises(Invalid):
        merge.merge(ctx, ana.id, ana.id)


# --- roles: never one the person did not have ------------------------------------------


def _roles(ctx, person_id: int) -> list[tuple[str | None, str | None, bool]]:
    """(organization, title, current) of each role, in the order shown."""
    return [
        (r.organization, r.title, r.ended_on is None) for r in people.show(ctx, person_id).roles
    ]


def _role_ids(ctx, *ids: int) -> set[int]:
    return {r.id for pid in ids for r in people.show(ctx, pid).roles}


def test_a_duplicate_at_another_organization_becomes_a_past_role(ctx) -> None:
    real = make_person(ctx, "Ana Lima", emails=["ana@initech.com"], organization="Initech",
                       title="Engineer")  # fmt: skip
    linkedin = make_person(ctx, "Ana Lima", emails=["ana@acme.com"], organization="Acme",
                           title="Designer")  # fmt: skip
    before = _role_ids(ctx, real.id, linkedin.id)

    merged = merge.merge(ctx, real.id, linkedin.id).person

    assert (merged.organization, merged.title) == ("Initech", "Engineer")
    assert _roles(ctx, real.id) == [("Acme", "Designer", False), ("Initech", "Engineer", True)]
    assert {r.id for r in merged.roles} <= before  # no role row written by the merge
    assert [r.ended_on for r in merged.roles if r.organization == "Acme"] == [TODAY]


def test_the_reverse_merge_keeps_the_kept_record_s_role_current(ctx) -> None:
    real = make_person(ctx, "Ana Lima", organization="Initech", title="Engineer")
    linkedin = make_person(ctx, "Ana Lima", organization="Acme", title="Designer")

    merged = merge.merge(ctx, linkedin.id, real.id).person

    assert (merged.organization, merged.title) == ("Acme", "Designer")
    current = [r for r in merged.roles if r.ended_on is None]
    assert [(r.organization, r.title) for r in current] == [("Acme", "Designer")]


def test_a_kept_record_without_a_role_takes_the_other_s_whole(ctx) -> None:
    bare = make_person(ctx, "Ana Lima")
    other = make_person(ctx, "Ana Lima", organization="Acme", title="Designer")
    before = _role_ids(ctx, bare.id, other.id)

    merged = merge.merge(ctx, bare.id, other.id).person

    assert (merged.organization, merged.title) == ("Acme", "Designer")
    assert _roles(ctx, bare.id) == [("Acme", "Designer", True)]
    assert {r.id for r in merged.roles} == before


def test_a_title_alone_is_never_joined_to_the_other_s_organization(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", title="CEO")
    other = make_person(ctx, "Ana Lima", organization="Acme", title="Designer")

    merged = merge.merge(ctx, keep.id, other.id).person

    assert (merged.organization, merged.title) == (None, "CEO")
    assert ("Acme", "CEO", True) not in _roles(ctx, keep.id)
    assert [r for r in _roles(ctx, keep.id) if r[2]] == [(None, "CEO", True)]
    assert ("Acme", "Designer", False) in _roles(ctx, keep.id)


def test_the_same_role_in_both_records_is_kept_once(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", organization="Acme", title="Designer")
    other = make_person(ctx, "Ana Lima", organization="acme", title="designer")

    merged = merge.merge(ctx, keep.id, other.id).person

    assert _roles(ctx, merged.id) == [("Acme", "Designer", True)]


def test_a_title_the_kept_record_lacked_completes_its_role(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", organization="Acme")
    other = make_person(ctx, "Ana Lima", organization="Acme", title="Designer")

    merged = merge.merge(ctx, keep.id, other.id).person

    assert (merged.organization, merged.title) == ("Acme", "Designer")
    assert _roles(ctx, merged.id) == [("Acme", "Designer", True)]


# --- what conflicts, and nothing lost ---------------------------------------------------


def test_conflicting_values_stay_readable_in_the_notes(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", location="Lisbon", notes="met at PyCon",
                       how_met="conference")  # fmt: skip
    other = make_person(ctx, "Ana L.", location="Porto", notes="likes sailing",
                        how_met="LinkedIn")  # fmt: skip
    milestones.add(ctx, keep.id, "birthday", 6, 12)
    milestones.add(ctx, other.id, "birthday", 7, 1, year=1985)

    shown = merge.preview(ctx, keep.id, other.id)
    merged = merge.merge(ctx, keep.id, other.id).person

    assert {c.field for c in shown.conflicts} == {"name", "location", "notes", "how you met",
                                                    "birthday"}  # fmt: skip
    assert merged.location == "Lisbon" and merged.how_met == "conference\n\nLinkedIn"
    assert merged.notes == (
        "met at PyCon\n\nlikes sailing\n\nMerged from Ana L. on 2026-11-23: also called Ana L.; "
        "location Porto; birthday 1 July 1985."
    )
    birthdays = [m for m in milestones.for_person(ctx, keep.id) if m.kind == "birthday"]
    assert [(m.month, m.day) for m in birthdays] == [(6, 12)]


def test_the_preview_writes_nothing_and_the_merge_does_what_it_showed(ctx) -> None:
    keep = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    other = make_person(ctx, "Ana Lima", emails=["ana@acme.com", "ana@gmail.com"],
                        location="Porto", tags=["vip"])  # fmt: skip
    make_interaction(ctx, [other.id])

    shown = merge.preview(ctx, keep.id, other.id)

    assert people.show(ctx, other.id).location == "Porto"  # still there
    assert shown.evidence == ["same email ana@acme.com", "same name"]
    assert shown.score == 100 and shown.warning is None
    assert shown.other.brings == ["1 conversation", "email ana@gmail.com", "tag vip"]
    assert shown.filled == ["location: Porto"]
    assert merge.merge(ctx, keep.id, other.id).preview == shown


def test_two_people_who_share_nothing_are_warned_about(ctx) -> None:
    ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    bruno = make_person(ctx, "Bruno Costa", phones=["+351 912 000 111"])

    shown = merge.preview(ctx, ana.id, bruno.id)

    assert shown.evidence == [] and shown.score == 0
    assert shown.warning == (
        "Ana Lima and Bruno Costa share no email, phone, name or organization: "
        "are you sure they are one person?"
    )


# --- undo --------------------------------------------------------------------------------


def test_undo_right_after_a_merge_restores_both_people_exactly(open_ctx) -> None:
    from rapport.services import journal
    from tests.test_journal import snapshot

    with open_ctx() as ctx:
        keep = make_person(ctx, "Ana Lima", emails=["ana@acme.com"], types=["client"],
                           tags=["ai"], organization="Initech", title="Engineer",
                           notes="real one")  # fmt: skip
        dup = make_person(ctx, "Ana L.", emails=["ANA@acme.com", "ana@gmail.com"],
                          types=["mentor"], tags=["ai", "vip"], organization="Acme",
                          title="Designer", phones=["+351 912 345 678"], notes="LinkedIn",
                          location="Porto", urls=["https://linkedin.com/in/ana"])  # fmt: skip
        other = make_person(ctx, "Bruno", introduced_by_id=dup.id)
        make_interaction(ctx, [keep.id, dup.id, other.id], on=TODAY - dt.timedelta(days=9))
        make_interaction(ctx, [dup.id], on=TODAY - dt.timedelta(days=2), summary="dup only")
        promises.promise(ctx, dup.id, "send notes")
        favours.record(ctx, dup.id, "received", "advice")
        milestones.add(ctx, keep.id, "birthday", 6, 12)
        milestones.add(ctx, dup.id, "birthday", 6, 12, year=1990)
        milestones.add(ctx, dup.id, "work-anniversary", 3, 1)
        conf = events.create(ctx, "PyCon", TODAY - dt.timedelta(days=20))
        events.met(ctx, conf.id, dup.id)
        events.met(ctx, conf.id, keep.id)
    before = snapshot(open_ctx)
    with open_ctx() as ctx:
        done = merge.merge(ctx, keep.id, dup.id)
    assert snapshot(open_ctx) != before
    with open_ctx() as ctx:
        undone = journal.undo(ctx)
    assert undone.undoes == done.entry_id
    assert snapshot(open_ctx) == before
    with open_ctx(write=False) as ctx:
        assert [h.id for h in search.find(ctx, "Ana L.") if h.kind == "person"][:2] != []
        assert people.show(ctx, dup.id).location == "Porto"
