"""A start date in a contact file dates the person's current role, on SQLite and
PostgreSQL: a new person's role, a role the import changes (the old one ends the day
the new one began), a role the file merely confirms; work anniversaries then count
from it. A file's date for another role than theirs, or in the future, is left."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rapport.adapters import csv_contacts
from rapport.adapters.records import ContactRecord
from rapport.services import agenda, exports, imports, people, resolve, review, roles
from rapport.services.imports import ImportOptions
from rapport.services.roles import RoleSpec
from tests.cli_runner import Cli
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person

IN_TWO_DAYS = TODAY + dt.timedelta(days=2)
STARTED = dt.date(2021, IN_TWO_DAYS.month, IN_TWO_DAYS.day)  # five years ago in two days


def _csv(*rows: str) -> bytes:
    return ("Name,Email,Company,Title,Start Date\n" + "\n".join(rows) + "\n").encode()


def _run(open_ctx: OpenCtx, data: bytes, **options: object) -> imports.ImportSummary:
    with open_ctx() as ctx:
        return imports.run(ctx, data, ImportOptions(**options))  # type: ignore[arg-type]


def _roles(open_ctx: OpenCtx, ref: str) -> list[tuple[str | None, str | None, object, object]]:
    with open_ctx(write=False) as ctx:
        shown = people.show(ctx, resolve.person_id(ctx, ref))
    return [(r.organization, r.title, r.started_on, r.ended_on) for r in shown.roles]


def _reasons(open_ctx: OpenCtx) -> list[str]:
    with open_ctx(write=False) as ctx:
        return [r.text for e in agenda.build(ctx).entries for r in e.reasons]


def test_start_dates_are_read_from_the_columns_that_hold_them() -> None:
    text = b"First Name,Last Name,Company,Position,Started On,Connected On\n" + (
        b"Ana,Lima,Acme,CTO,Mar 2021,07 Nov 2023\nBia,Reis,Acme,CFO,someday,07 Nov 2023\n"
    )
    records = [r for r in csv_contacts.parse(text) if isinstance(r, ContactRecord)]
    assert [r.started_on for r in records] == [dt.date(2021, 3, 1), None]
    assert "start date 'someday' not read" in records[1].warnings[0]
    assert csv_contacts.mapping_of(["Seit=started_on"]) == {"Seit": "started_on"}


def test_a_new_persons_role_starts_when_the_file_says(open_ctx: OpenCtx) -> None:
    summary = _run(open_ctx, _csv(f"Ana Lima,ana@acme.com,Acme,CTO,{STARTED.isoformat()}"))
    assert summary.created == 1
    assert _roles(open_ctx, "ana") == [("Acme", "CTO", STARTED, None)]
    assert _reasons(open_ctx) == ["5 years at Acme in 2 days"]


def test_a_changed_role_starts_and_the_old_one_ends_on_the_files_date(
    open_ctx: OpenCtx,
) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima", emails=["ana@acme.com"], organization="Acme", title="CTO")
    _run(open_ctx, _csv(f"Ana Lima,ana@acme.com,Globex,CEO,{STARTED.isoformat()}"))
    assert _roles(open_ctx, "ana") == [
        ("Acme", "CTO", None, STARTED),
        ("Globex", "CEO", STARTED, None),
    ]
    # a five-year-old move is no news: only the anniversary shows
    assert _reasons(open_ctx) == ["5 years at Globex in 2 days"]
    again = _run(open_ctx, _csv(f"Ana Lima,ana@acme.com,Globex,CEO,{STARTED.isoformat()}"))
    assert again.changed is False


def test_a_confirmed_role_gets_its_date_and_other_roles_keep_theirs(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima", emails=["ana@acme.com"], organization="Acme", title="CTO")
        make_person(ctx, "Bia Reis", emails=["bia@acme.com"], organization="Acme", title="CFO")
    _run(
        open_ctx,
        _csv(
            "Ana Lima,ana@acme.com,Acme,CTO,2019-04-02",
            f"Bia Reis,bia@acme.com,,,{(TODAY + dt.timedelta(days=30)).isoformat()}",
        ),
    )
    assert _roles(open_ctx, "ana") == [("Acme", "CTO", dt.date(2019, 4, 2), None)]
    assert _roles(open_ctx, "bia") == [("Acme", "CFO", None, None)]  # no role, a future date


def test_a_mapped_column_dates_the_role_listed_by_the_cli(
    database_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "crm.csv"
    source.write_text(f"Kontakt;Firma;Position;Seit\nAna Lima;Acme;CTO;{STARTED:%d.%m.%Y}\n")
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli(
        "import", str(source),
        "--map", "Kontakt=name", "--map", "Firma=organization", "--map", "Position=title",
        "--map", "Seit=started_on",
    )  # fmt: skip
    listed = cli("person", "role", "list", "ana", "--json").json()
    assert [(r["organization"], r["title"], r["started_on"]) for r in listed] == [
        ("Acme", "CTO", STARTED.isoformat())
    ]
    assert "5 years at Acme in 2 days" in cli("agenda").stdout


def test_a_proposal_accepted_or_kept_apart_dates_the_role_then(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", emails=["ana@acme.com"], organization="Acme").id
        bia = make_person(ctx, "Bia Reis", emails=["bia@acme.com"], organization="Acme").id
    summary = _run(
        open_ctx,
        _csv("Ana Lima,ana@globex.com,Globex,CEO,2020-05", "Bia Reis,bia@hooli.com,Hooli,CFO,2019"),
    )
    assert summary.proposed == 2
    assert _roles(open_ctx, "ana@acme.com") == [("Acme", None, None, None)]  # nothing yet
    with open_ctx(write=False) as ctx:
        waiting = {p.name: p.id for p in review.listing(ctx).items}
    with open_ctx() as ctx:
        review.accept(ctx, [waiting["Ana Lima"]])
        review.separate(ctx, [waiting["Bia Reis"]])
    with open_ctx(write=False) as ctx:
        assert [
            (r.organization, r.started_on, r.ended_on) for r in people.show(ctx, ana).roles
        ] == [("Acme", None, dt.date(2020, 5, 1)), ("Globex", dt.date(2020, 5, 1), None)]
        assert people.show(ctx, bia).roles[0].started_on is None
    assert _roles(open_ctx, "bia@hooli.com") == [("Hooli", "CFO", dt.date(2019, 1, 1), None)]


def test_rapports_own_csv_carries_the_start_date_there_and_back(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx, "Ana Lima", emails=["ana@acme.com"], organization="Acme",
                          title="CTO").id  # fmt: skip
        current = people.show(ctx, pid).roles[-1].id
        roles.edit(ctx, current, RoleSpec(started="2021-03"))
        out = io.StringIO()
        exports.csv_file(ctx, out)
    header, row = out.getvalue().splitlines()[:2]
    assert header.endswith(",notes,started_on") and row.endswith(",2021-03-01")
    with open_ctx() as ctx:
        roles.edit(ctx, current, RoleSpec(started="2024"))
    _run(open_ctx, out.getvalue().encode())
    assert _roles(open_ctx, "ana") == [("Acme", "CTO", dt.date(2021, 3, 1), None)]
