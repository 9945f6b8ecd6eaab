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

    merged = merge.merge(ctx, keep.id, dup.id)

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
