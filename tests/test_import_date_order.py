"""Imported numeric dates ('12-10-1985' in an Outlook or Google CSV, a phone's vCard)
are read in the workspace's date order, like typed ones; an import still keeps one
birthday per person."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rapport.services import date_order, imports, milestones
from rapport.services.context import Ctx
from rapport.storage.schema import Milestone
from tests.factories import make_person

CSV = (
    b'"First Name","Last Name","E-mail Address","Birthday"\r\n'
    b'"Ana","Lima","ana@lima.pt","12-10-1985"\r\n'
    b'"Rui","Melo","rui@melo.pt","25/12/1990"\r\n'
)


def _vcard(bday: str) -> bytes:
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ivo Horn\r\nN:Horn;Ivo;;;\r\n"
        f"EMAIL:ivo@horn.cz\r\nBDAY:{bday}\r\nEND:VCARD\r\n"
    ).encode()


def _birthdays(ctx: Ctx) -> list[tuple[int, int, int | None]]:
    rows = ctx.session.execute(
        select(Milestone.month, Milestone.day, Milestone.year)
        .where(Milestone.kind == "birthday")
        .order_by(Milestone.id)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("order", "expected"),
    [("DMY", [(10, 12, 1985), (12, 25, 1990)]), ("MDY", [(12, 10, 1985), (12, 25, 1990)])],
)
def test_an_ambiguous_csv_birthday_is_read_in_the_workspace_order(
    ctx: Ctx, order: str, expected: list[tuple[int, int, int]]
) -> None:
    date_order.choose(ctx, order)
    summary = imports.run(ctx, CSV)
    assert summary.created == 2 and not summary.skipped
    assert _birthdays(ctx) == expected  # 25/12/1990 reads one way in every order


def test_a_lisbon_workspace_reads_it_day_first_from_its_zone(ctx: Ctx) -> None:
    from rapport.services import preferences

    preferences.update(ctx, timezone="Europe/Lisbon")
    imports.run(ctx, CSV)
    assert _birthdays(ctx)[0] == (10, 12, 1985)


@pytest.mark.parametrize(("order", "expected"), [("DMY", (10, 12, 1985)), ("MDY", (12, 10, 1985))])
def test_a_vcard_s_numeric_birthday_is_read_in_the_order(
    ctx: Ctx, order: str, expected: tuple[int, int, int]
) -> None:
    date_order.choose(ctx, order)
    imports.run(ctx, _vcard("12-10-1985"))
    assert _birthdays(ctx) == [expected]


def test_an_import_moves_the_one_birthday_rather_than_adding_a_second(ctx: Ctx) -> None:
    date_order.choose(ctx, "DMY")
    ivo = make_person(ctx, "Ivo Horn", emails=["ivo@horn.cz"])
    milestones.add(ctx, ivo.id, "birthday", 6, 12, year=1985)
    imports.run(ctx, _vcard("12-10-1985"))
    assert _birthdays(ctx) == [(10, 12, 1985)]
