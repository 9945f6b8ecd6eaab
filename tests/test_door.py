"""Duplicates at the door: adding (or editing) a person with an email or phone that is
already someone else's is refused, naming them; a close name is a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport.errors import AlreadyKnown
from rapport.services import duplicates, people
from rapport.storage.schema import Workspace
from tests.cli_runner import Cli
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person


def test_an_email_already_known_is_refused_naming_the_person(ctx) -> None:
    ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"], organization="Acme")
    with pytest.raises(AlreadyKnown) as refused:
        people.add(ctx, {"full_name": "Ana Lima", "emails": ["ANA@acme.com"]})
    assert refused.value.person_id == ana.id
    assert refused.value.field == "emails"
    assert str(refused.value) == f"ana@acme.com is already Ana Lima's (#{ana.id}, Acme)"
    assert people.count(ctx) == 1
    forced = people.add(ctx, {"full_name": "Ana Lima", "emails": ["ana@acme.com"]}, force=True)
    assert forced.id != ana.id and people.count(ctx) == 2


def test_a_phone_in_another_format_is_the_same_phone(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ws = ctx.session.get(Workspace, ctx.workspace_id)
        assert ws is not None
        ws.settings = {"phone_region": "PT"}
    with open_ctx() as ctx:
        rui = make_person(ctx, "Rui Costa", phones=["+351 912 345 678"])
        with pytest.raises(AlreadyKnown) as refused:
            people.add(ctx, {"full_name": "Rui", "phones": ["912345678"]})
        assert refused.value.person_id == rui.id and refused.value.field == "phones"
        assert "912345678 is already Rui Costa's" not in str(refused.value)  # shows theirs
        assert str(refused.value).startswith(f"+351 912 345 678 is already Rui Costa's (#{rui.id}")


def test_an_edit_that_gives_someone_else_s_email_is_refused(ctx) -> None:
    ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    other = make_person(ctx, "A. Lima")
    with pytest.raises(AlreadyKnown) as refused:
        people.edit(ctx, other.id, {"emails": ["ana@acme.com"]})
    assert refused.value.person_id == ana.id
    assert f"rapport merge {ana.id} {other.id}" in str(refused.value)
    # their own address again is not a conflict
    assert people.edit(ctx, ana.id, {"emails": ["ana@acme.com"], "title": "CTO"}).title == "CTO"


@pytest.mark.parametrize(
    ("stored", "added", "reason"),
    [
        ("Katherine Smith", "Kate Smith", "Kate is short for Katherine"),
        ("李小龙", "李 小龙", "same name written with and without spaces"),
        ("Jörg Weber", "Joerg Weber", "same name spelled two ways (Joerg Weber / Jörg Weber)"),
        (
            "Łukasz Nowak",
            "Lukasz Nowak",
            "same name spelled two ways (Lukasz Nowak / Łukasz Nowak)",
        ),
        ("Ana Lima", "ana  lima", "same name"),
    ],
)
def test_a_close_name_is_offered_with_the_reason(ctx, stored: str, added: str, reason: str) -> None:
    existing = make_person(ctx, stored)
    make_person(ctx, "Bruno Souza")
    similar = duplicates.similar_to(ctx, {"full_name": added})
    assert [s.person.id for s in similar] == [existing.id]
    assert similar[0].reasons[0] == reason


def test_no_close_name_no_warning(ctx) -> None:
    make_person(ctx, "Katherine Smith")
    make_person(ctx, "李晓龙")  # another person, though both are 'Li Xiaolong' in Latin letters
    assert duplicates.similar_to(ctx, {"full_name": "Kate Jones"}) == []
    assert duplicates.similar_to(ctx, {"full_name": "李小龙"}) == []


def test_duplicates_finds_nicknames_and_spacing_without_organizations(ctx) -> None:
    make_person(ctx, "Kate Smith")
    make_person(ctx, "Katherine Smith")
    make_person(ctx, "李小龙")
    make_person(ctx, "李 小龙")
    # two different John Smiths: a name in common, nothing else
    make_person(ctx, "John Smith", organization="Acme", emails=["john@acme.com"])
    make_person(ctx, "John Smith", organization="Initech", emails=["jsmith@initech.com"])
    found = {(p.a.name, p.b.name): p for p in duplicates.candidates(ctx)}
    assert set(found) == {("Kate Smith", "Katherine Smith"), ("李小龙", "李 小龙")}
    assert found[("Kate Smith", "Katherine Smith")].reasons == [
        "Kate is short for Katherine",
        "same family name Smith",
    ]
    low = {(p.a.name, p.b.name): p for p in duplicates.candidates(ctx, min_score=50)}
    smiths = low[("John Smith", "John Smith")]
    assert smiths.score < 80
    assert smiths.reasons == [
        "same name",
        "but at different organizations (Acme, Initech)",
        "different emails",
    ]


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def test_person_add_from_the_cli(cli: Cli) -> None:
    ana = cli("person", "add", "Ana Lima", "--email", "ana@acme.com", "--org", "Acme", "--json")
    ana_id = ana.json()["id"]
    refused = cli("person", "add", "Ana Lima", "--email", "ana@acme.com", ok=False)
    assert refused.exit_code == 4
    assert refused.stderr.strip() == (
        f"error: ana@acme.com is already Ana Lima's (#{ana_id}, Acme): open them with "
        f"`rapport person show {ana_id}`, or add anyway with --force"
    )
    assert len(cli("person", "list", "--json").json()["people"]) == 1
    # a close name, not interactive: added, with a warning and the way to merge
    kate = cli("person", "add", "Ana  Lima", "--org", "Acme")
    assert "Ana  Lima may already be in your network" in kate.stderr
    assert (
        f"#{ana_id} Ana Lima, Acme, no contact yet: same name; at the same organization (Acme)"
        in kate.stderr
    )
    assert f"rapport merge {ana_id} " in kate.stderr
    added = cli("person", "add", "Ana Lima", "--json").json()
    assert added["similar"][0]["person"]["id"] == ana_id
    assert added["similar"][0]["reasons"][0] == "same name"
    forced = cli("person", "add", "Ana Lima", "--email", "ana@acme.com", "--force", "--json")
    assert forced.json()["similar"] == [] and forced.stderr == ""
    pairs = cli("duplicates", "--json").json()
    assert all(p["reasons"] for p in pairs)
    edited = cli("person", "edit", f"#{added['id']}", "--email", "ana@acme.com", ok=False)
    assert "rapport merge" in edited.stderr


def test_one_persons_candidates_are_the_finders_pairs_with_them(ctx) -> None:
    """The merge chooser asks for one person's likely duplicates without scoring the
    whole network: it must find exactly the finder's pairs that include them."""
    from rapport.services import demo

    demo.build(ctx)
    make_person(ctx, "Kate Smith", emails=["kate@acme.com"])
    make_person(ctx, "Katherine Smith", organization="Acme")
    make_person(ctx, "K. Smith", emails=["KATE@acme.com"])
    make_person(ctx, "李小龙")
    make_person(ctx, "李 小龙", phones=["+351 912 345 670"])
    make_person(ctx, "Bruce Lee", phones=["+351912345670"])
    everyone = duplicates.candidates(ctx, min_score=60, limit=100_000)
    assert len(everyone) >= 4
    for person_id in {p.id for pair in everyone for p in (pair.a, pair.b)}:
        theirs = {
            (pair.a.id, pair.b.id, pair.score, tuple(pair.reasons))
            for pair in everyone
            if person_id in (pair.a.id, pair.b.id)
        }
        found = duplicates.candidates_for(ctx, person_id, min_score=60, limit=1000)
        assert {(p.a.id, p.b.id, p.score, tuple(p.reasons)) for p in found} == theirs
