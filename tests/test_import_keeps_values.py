"""A re-import never blanks a stored value: what a file lacks, or cannot read, is
kept as it is; an import only fills in and updates. Real files through
`imports.run`, on SQLite and PostgreSQL."""

from __future__ import annotations

from rapport.domain.records import PersonOut
from rapport.services import imports, people, resolve
from tests.conftest import OpenCtx
from tests.factories import make_person

LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"


def _ada(open_ctx: OpenCtx) -> int:
    with open_ctx() as ctx:
        ada = make_person(
            ctx, "Ada Lovelace", emails=["ada@analytical.org"], phones=["+44 20 7946 0100"],
            organization="Analytical Engines", title="CTO", location="London",
        )  # fmt: skip
    assert (ada.given_name, ada.family_name) == ("Ada", "Lovelace")
    return ada.id


def _import(open_ctx: OpenCtx, data: str) -> imports.ImportSummary:
    with open_ctx() as ctx:
        return imports.run(ctx, data.encode())


def _show(open_ctx: OpenCtx, person_id: int) -> PersonOut:
    with open_ctx(write=False) as ctx:
        return people.show(ctx, person_id)


def _kept(person: PersonOut) -> tuple[object, ...]:
    return (person.name, person.given_name, person.family_name, person.organization,
            person.title, person.location)  # fmt: skip


STORED = ("Ada Lovelace", "Ada", "Lovelace", "Analytical Engines", "CTO", "London")


def _card(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD", ""])


def test_a_damaged_fn_line_matched_by_email_keeps_the_name(open_ctx: OpenCtx) -> None:
    ada = _ada(open_ctx)
    # no colon: the line cannot be read; the card is named by its email alone
    summary = _import(open_ctx, _card("FN Ada Lovelace", "EMAIL:ada@analytical.org"))
    assert any("unreadable line skipped" in w for w in summary.warnings)
    assert (summary.updated, summary.unchanged) == (0, 1)
    assert _kept(_show(open_ctx, ada)) == STORED


def test_a_card_named_by_its_organization_keeps_the_name(open_ctx: OpenCtx) -> None:
    ada = _ada(open_ctx)
    summary = _import(
        open_ctx, _card('FN;CHARSET="utf:Ada', "ORG:Analytical Engines", "TEL:+44 20 7946 0100")
    )
    assert (summary.updated, summary.unchanged) == (0, 1)
    assert _kept(_show(open_ctx, ada)) == STORED


def test_a_damaged_fn_with_a_given_name_only_keeps_the_family_name(open_ctx: OpenCtx) -> None:
    ada = _ada(open_ctx)
    summary = _import(
        open_ctx, _card("FN Ada Lovelace", "N:;Ada;;;", "EMAIL:ada@analytical.org",
                        "TITLE:Chief Technology Officer"),
    )  # fmt: skip
    assert summary.updated == 1
    person = _show(open_ctx, ada)
    assert (person.name, person.given_name, person.family_name) == STORED[:3]
    assert person.title == "Chief Technology Officer"  # what the card gives still updates


def test_a_new_full_name_keeps_a_family_name_it_does_not_give(open_ctx: OpenCtx) -> None:
    ada = _ada(open_ctx)
    _import(open_ctx, _card("FN:Ada", "EMAIL:ada@analytical.org"))
    person = _show(open_ctx, ada)
    assert (person.name, person.given_name, person.family_name) == ("Ada", "Ada", "Lovelace")
    _import(open_ctx, _card("FN:Ada King", "EMAIL:ada@analytical.org"))
    person = _show(open_ctx, ada)  # a full name that says more updates the parts
    assert (person.name, person.given_name, person.family_name) == ("Ada King", "Ada", "King")


def test_a_linkedin_row_without_last_name_or_position_changes_nothing(
    open_ctx: OpenCtx,
) -> None:
    ada = _ada(open_ctx)
    row = "Ada,,,ada@analytical.org,Analytical Engines,,12 Mar 2021\r\n"
    summary = _import(open_ctx, LINKEDIN_HEADER + row)
    assert summary.format == "linkedin"
    person = _show(open_ctx, ada)
    assert _kept(person) == STORED
    assert summary.updated == 1 and person.how_met == "LinkedIn"  # filled in, nothing blanked


def test_a_new_company_without_a_position_keeps_the_title(open_ctx: OpenCtx) -> None:
    ada = _ada(open_ctx)
    row = "Ada,Lovelace,,ada@analytical.org,Babbage & Co,,12 Mar 2021\r\n"
    summary = _import(open_ctx, LINKEDIN_HEADER + row)
    assert summary.role_changes == 1
    person = _show(open_ctx, ada)
    assert (person.organization, person.title) == ("Babbage & Co", "CTO")
    assert [(r.organization, r.title) for r in person.roles] == [
        ("Analytical Engines", "CTO"),
        ("Babbage & Co", "CTO"),
    ]


def test_a_csv_without_name_title_or_company_changes_nothing(open_ctx: OpenCtx) -> None:
    ada = _ada(open_ctx)
    # the adapter names an unnamed row by its email: a stand-in, not a new name
    summary = _import(open_ctx, "Email,Phone\r\nada@analytical.org,+44 20 7946 0100\r\n")
    assert (summary.updated, summary.unchanged) == (0, 1)
    assert _kept(_show(open_ctx, ada)) == STORED
    data = "Name,Email,Title,Company,Location\r\nAda Lovelace,ada@analytical.org,,,\r\n"
    summary = _import(open_ctx, data)
    assert (summary.updated, summary.unchanged) == (0, 1)
    assert _kept(_show(open_ctx, ada)) == STORED


def test_a_new_person_without_a_name_is_still_named_by_the_stand_in(open_ctx: OpenCtx) -> None:
    summary = _import(open_ctx, _card("FN broken", "EMAIL:grace@navy.mil"))
    assert summary.created == 1
    with open_ctx(write=False) as ctx:
        grace = people.show(ctx, resolve.person_id(ctx, "grace@navy.mil"))
    assert grace.name == "grace@navy.mil"
