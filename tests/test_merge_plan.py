"""The merge plan, pure: what conflicts, how it resolves, and that nothing the user
wrote is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.merge_facts import DateFacts, RecordFacts, RoleFacts
from rapport.domain.merge_plan import JOINED, plan

TODAY = dt.date(2026, 11, 23)
INITECH, ACME = 1, 2


def record(pid: int, name: str, **kwargs: Any) -> RecordFacts:
    fields = kwargs.pop("fields", {})
    return RecordFacts(id=pid, name=name, fields=fields, **kwargs)


def at(org_id: int | None, org: str | None, title: str | None, **fields: Any) -> dict[str, Any]:
    return {"organization_id": org_id, "title": title, **fields}


def test_a_current_role_never_in_the_other_s_history_goes_into_the_notes() -> None:
    keep = record(1, "Ana Lima", fields=at(INITECH, "Initech", "Engineer"), organization="Initech",
                  roles=[RoleFacts(10, INITECH, "Initech", "Engineer")])  # fmt: skip
    other = record(2, "Ana Lima", fields=at(ACME, "Acme", "Designer"), organization="Acme")

    planned = plan(keep, other, TODAY)

    [conflict] = planned.preview.conflicts
    assert conflict.field == "role" and "never in Ana Lima's role history" in conflict.resolution
    assert planned.writes.roles == [] and planned.writes.roles_dropped == []
    assert planned.writes.person == {
        "notes": "Merged from Ana Lima on 2026-11-23: role Designer at Acme."
    }


def test_the_other_s_current_role_ends_when_the_kept_one_began() -> None:
    since = dt.date(2025, 3, 1)
    keep = record(1, "Ana Lima", fields=at(INITECH, "Initech", "Engineer"), organization="Initech",
                  roles=[RoleFacts(10, INITECH, "Initech", "Engineer", since)])  # fmt: skip
    other = record(2, "Ana Lima", fields=at(ACME, "Acme", "Designer"), organization="Acme",
                   roles=[RoleFacts(20, ACME, "Acme", "Designer", dt.date(2022, 1, 1)),
                          RoleFacts(21, ACME, "Acme", "Intern", dt.date(2021, 1, 1),
                                    dt.date(2021, 12, 31))])  # fmt: skip
    keep_past = RoleFacts(11, ACME, "Acme", "intern", dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    keep = record(1, "Ana Lima", fields=keep.fields, organization="Initech",
                  roles=[*keep.roles, keep_past])  # fmt: skip

    writes = plan(keep, other, TODAY).writes

    assert [(w.id, w.values) for w in writes.roles] == [(20, {"ended_on": dt.date(2025, 3, 1)})]
    assert writes.roles_dropped == [21]  # the same past role, kept once
    assert "notes" not in writes.person


def test_free_text_is_joined_and_single_values_are_kept_readable() -> None:
    keep = record(1, "Ana Lima", fields={"notes": "likes tea\n\nand sailing", "location": "Lisbon",
                                          "interests": None})  # fmt: skip
    other = record(2, "Ana L.", fields={"notes": "and sailing", "location": "Porto",
                                        "interests": "jazz",
                                        "timezone": "Europe/Lisbon"})  # fmt: skip

    planned = plan(keep, other, TODAY)

    assert planned.writes.person == {
        "interests": "jazz",
        "timezone": "Europe/Lisbon",
        "notes": "likes tea\n\nand sailing\n\n"
        "Merged from Ana L. on 2026-11-23: also called Ana L.; location Porto.",
    }  # the other's notes were already there: not repeated
    assert planned.preview.filled == ["time zone: Europe/Lisbon", "interests"]
    assert [c.field for c in planned.preview.conflicts] == ["name", "location"]


def test_an_introducer_who_is_the_other_record_is_dropped_not_a_conflict() -> None:
    keep = record(1, "Ana Lima", fields={"introduced_by_id": 2})
    other = record(2, "Ana Lima", fields={"introduced_by_id": 1})

    planned = plan(keep, other, TODAY)

    assert planned.writes.person == {"introduced_by_id": None}
    assert planned.preview.conflicts == []


def test_the_same_date_is_kept_once_with_the_year_either_knew() -> None:
    keep = record(1, "Ana Lima", fields={}, dates=[DateFacts(5, "birthday", None, 6, 12)])
    other = record(2, "Ana Lima", fields={},
                   dates=[DateFacts(6, "birthday", None, 6, 12, 1990),
                          DateFacts(7, "custom", "nameday", 7, 26)])  # fmt: skip

    writes = plan(keep, other, TODAY).writes

    assert [(w.id, w.values) for w in writes.dates] == [(5, {"year": 1990})]
    assert writes.dates_dropped == [6]


def test_evidence_is_scored_as_the_duplicate_finder_scores_it() -> None:
    a = record(
        1, "Ana Lima", fields=at(ACME, "Acme", None), emails={"ana@acme.com": "Ana@acme.com"}
    )
    b = record(
        2, "Ana Lima", fields=at(ACME, "Acme", None), emails={"ana@acme.com": "ana@acme.com"}
    )
    shown = plan(a, b, TODAY).preview
    assert shown.evidence == [
        "same email ana@acme.com",
        "same name",
        "at the same organization (one organization)",
    ]
    assert shown.score == 100 and shown.warning is None

    c = record(3, "Katarina Silva", fields=at(ACME, "Acme", None), organization="Acme")
    d = record(4, "Katarina Silvas", fields=at(INITECH, "Initech", None))
    assert plan(c, d, TODAY).preview.evidence[0].startswith("very similar names (")

    e = record(5, "Bruno Costa", fields=at(ACME, "Acme", None), organization="Acme")
    assert plan(c, e, TODAY).preview.evidence == ["both at Acme"]

    f = record(6, "Bruno Costa", fields={})
    shown = plan(a, f, TODAY).preview
    assert shown.evidence == [] and shown.score == 0
    assert shown.warning == (
        "Ana Lima and Bruno Costa share no email, phone, name or organization: "
        "are you sure they are one person?"
    )


words = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12)
maybe = st.none() | words
FIELDS = ("nickname", "location", "timezone", *JOINED)


@given(
    mine=st.fixed_dictionaries(dict.fromkeys(FIELDS, maybe)),
    theirs=st.fixed_dictionaries(dict.fromkeys(FIELDS, maybe)),
    name=words,
)
def test_nothing_the_other_record_says_is_lost(
    mine: dict[str, Any], theirs: dict[str, Any], name: str
) -> None:
    keep, other = record(1, "Ana Lima", fields=mine), record(2, name, fields=theirs)

    after = {**mine, **plan(keep, other, TODAY).writes.person}

    for field, value in theirs.items():
        if value is not None:
            assert value in (after[field] or "") or value in (after["notes"] or ""), field
    for field, value in mine.items():
        if value is not None:
            assert value in after[field], field  # the kept record's values stay
    if name.casefold() != "ana lima":
        assert name in after["notes"]


def test_an_archived_record_merged_with_an_active_one_is_active_and_says_so() -> None:
    keep = record(1, "Ana Lima", fields={"archived_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)})
    other = record(2, "Ana Lima", fields={"archived_at": None})

    planned = plan(keep, other, TODAY)

    assert planned.writes.person == {"archived_at": None}
    assert planned.preview.filled == ["active again (Ana Lima's record was not archived)"]
