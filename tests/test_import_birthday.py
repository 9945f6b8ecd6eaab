"""A person has one birthday: importing a vCard whose BDAY differs from the stored
one moves it to the file's date, never adds a second."""

from __future__ import annotations

from sqlalchemy import select

from rapport.services import imports, milestones
from rapport.services.context import Ctx
from rapport.storage.schema import Milestone
from tests.factories import make_person


def _vcard(bday: str) -> bytes:
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ivo Horn\r\nN:Horn;Ivo;;;\r\n"
        f"EMAIL:ivo@horn.cz\r\nBDAY:{bday}\r\nEND:VCARD\r\n"
    ).encode()


def _birthdays(ctx: Ctx, person_id: int) -> list[tuple[int, int, int | None]]:
    rows = ctx.session.execute(
        select(Milestone.month, Milestone.day, Milestone.year)
        .where(Milestone.person_id == person_id, Milestone.kind == "birthday")
        .order_by(Milestone.id)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_reimporting_a_changed_birthday_moves_the_stored_one(ctx: Ctx) -> None:
    ivo = make_person(ctx, "Ivo Horn", emails=["ivo@horn.cz"])
    milestones.add(ctx, ivo.id, "birthday", 6, 12, year=1985)
    summary = imports.run(ctx, _vcard("1985-07-02"))
    assert (summary.updated, summary.unchanged) == (1, 0)
    assert _birthdays(ctx, ivo.id) == [(7, 2, 1985)]
    again = imports.run(ctx, _vcard("1985-07-02"))
    assert (again.updated, again.unchanged) == (0, 1)
    assert _birthdays(ctx, ivo.id) == [(7, 2, 1985)]


def test_a_first_import_adds_the_birthday_once(ctx: Ctx) -> None:
    ivo = make_person(ctx, "Ivo Horn", emails=["ivo@horn.cz"])
    imports.run(ctx, _vcard("--0612"))
    imports.run(ctx, _vcard("1985-06-12"))  # the year learnt later
    assert _birthdays(ctx, ivo.id) == [(6, 12, 1985)]
    imports.run(ctx, _vcard("--0612"))  # a file without the year keeps it
    assert _birthdays(ctx, ivo.id) == [(6, 12, 1985)]
