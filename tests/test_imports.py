"""Importing files into the network, on SQLite and PostgreSQL: matching, idempotence,
role history, interactions from calendars and mailboxes, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rapport.errors import ImportFailed
from rapport.services import imports, people, resolve, search, workspace
from rapport.services.imports import ImportOptions
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person

SAMPLES = Path(__file__).parent / "samples"


def _run(open_ctx: OpenCtx, name: str | bytes, **options: object) -> imports.ImportSummary:
    source = SAMPLES / name if isinstance(name, str) else name
    with open_ctx() as ctx:
        return imports.run(ctx, source, ImportOptions(**options))  # type: ignore[arg-type]


def _person(open_ctx: OpenCtx, ref: str) -> people.PersonOut:
    with open_ctx(write=False) as ctx:
        return people.show(ctx, resolve.person_id(ctx, ref))


def _count(open_ctx: OpenCtx) -> int:
    with open_ctx(write=False) as ctx:
        return people.count(ctx)


def test_linkedin_import_is_idempotent_and_reports_bad_rows(open_ctx: OpenCtx) -> None:
    first = _run(open_ctx, "linkedin-Connections.csv")
    assert (first.format, first.created, first.updated, first.unchanged) == ("linkedin", 5, 0, 0)
    assert [(p.line, p.reason) for p in first.skipped] == [
        (9, "no name and no email"),
        (10, "9 fields where the header has 7"),
    ]
    ana = _person(open_ctx, "ana@acme.com")
    assert (ana.organization, ana.title, ana.met_on) == ("Acme Corp", "CTO", dt.date(2021, 3, 12))
    assert ana.how_met == "LinkedIn"
    assert ana.urls == ["https://www.linkedin.com/in/ana-lima"]
    again = _run(open_ctx, "linkedin-Connections.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert _count(open_ctx) == 5


def test_a_newer_export_updates_and_keeps_role_history(open_ctx: OpenCtx) -> None:
    _run(open_ctx, "linkedin-Connections.csv")
    newer = _run(open_ctx, "linkedin-Connections-newer.csv")
    assert (newer.created, newer.updated, newer.unchanged) == (0, 3, 2)
    assert newer.role_changes == 2
    ana = _person(open_ctx, "Ana Lima")
    assert ana.title == "CEO"
    assert [(r.organization, r.title, r.ended_on, r.detected_on) for r in ana.roles] == [
        ("Acme Corp", "CTO", TODAY, None),
        ("Acme Corp", "CEO", None, TODAY),
    ]
    bruno = _person(open_ctx, "Bruno Souza")
    assert (bruno.organization, bruno.title) == ("Hooli", "Director of Engineering")
    assert bruno.roles[-1].detected_on == TODAY
    hiroshi = _person(open_ctx, "Hiroshi")
    assert hiroshi.emails == ["hiroshi@tanaka.example"]  # matched by profile URL
    assert (_run(open_ctx, "linkedin-Connections-newer.csv").updated) == 0


def test_vcards_match_existing_people_and_keep_their_own_notes(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana L.", emails=["ANA@acme.com"], notes="my own note", types=["client"])
        make_person(ctx, "Carla Dias", phones=["+55 11 91234 5678"])
    summary = _run(open_ctx, "contacts-3.0-apple.vcf")
    assert (summary.created, summary.updated) == (1, 1)  # Bruno; Ana updated
    assert summary.organizations_created == 1  # Globex, a company card
    assert summary.dropped == {"photo": 1}
    assert any("'not an address' is not an email address" in w for w in summary.warnings)
    ana = _person(open_ctx, "ana@acme.com")
    assert ana.name == "Ana Lima" and ana.nickname == "Aninha"
    assert ana.notes == "my own note"  # the user's notes are not overwritten
    assert ana.emails == ["ANA@acme.com", "ana.lima@gmail.com"]
    assert ana.types == ["client"] and ana.tags == ["client", "lisbon"]
    assert ana.location == "Rua Augusta 12, Lisboa, 1100-053, Portugal"
    with open_ctx(write=False) as ctx:
        from rapport.services import milestones

        dates = milestones.for_person(ctx, ana.id)
    assert [(m.kind, m.month, m.day, m.year) for m in dates] == [("birthday", 6, 12, None)]
    nextcloud = _run(open_ctx, "contacts-4.0-nextcloud.vcf")
    assert (nextcloud.created, nextcloud.updated) == (0, 1)  # Carla, by phone
    carla = _person(open_ctx, "Carla Dias")
    assert carla.emails == ["carla@initech.example"] and carla.timezone == "America/Sao_Paulo"
    for name in ("contacts-3.0-apple.vcf", "contacts-4.0-nextcloud.vcf"):
        assert _run(open_ctx, name).changed is False


def _organizations(open_ctx: OpenCtx) -> dict[str, tuple[str | None, str | None]]:
    from sqlalchemy import select

    from rapport.storage.schema import Organization

    with open_ctx(write=False) as ctx:
        rows = ctx.session.execute(
            select(Organization.name, Organization.website, Organization.notes)
        ).all()
    return {name: (website, notes) for name, website, notes in rows}


def test_organisation_cards_become_organizations_never_people(open_ctx: OpenCtx) -> None:
    summary = _run(open_ctx, "contacts-with-organisations.vcf")
    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)  # Dana only
    assert summary.organizations_created == 3 and summary.changed
    assert not summary.skipped and not summary.ignored
    assert _organizations(open_ctx) == {
        "Initech": ("https://initech.example", "Dana's company, Austin office."),
        "Globex Corporation": (None, None),  # Apple's X-ABShowAs:COMPANY
        "Umbrella Corp": (None, None),  # named only after its ORG
    }
    with open_ctx(write=False) as ctx:
        assert [p.name for p in people.listing(ctx)[0]] == ["Dana Reyes"]
        hits = {(h.kind, h.title) for h in search.find(ctx, "Globex")}
    assert hits == {("organization", "Globex Corporation")}
    assert _person(open_ctx, "Dana Reyes").organization == "Initech"  # the card's own row
    again = _run(open_ctx, "contacts-with-organisations.vcf")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert again.organizations_created == 0 and not again.changed
    assert len(_organizations(open_ctx)) == 3 and _count(open_ctx) == 1


def test_an_organisation_card_matches_the_organization_of_people(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima", organization="GLOBEX corporation")
    summary = _run(open_ctx, "contacts-with-organisations.vcf")
    assert summary.organizations_created == 2  # Globex was there, folded alike
    assert set(_organizations(open_ctx)) == {"GLOBEX corporation", "Initech", "Umbrella Corp"}
    assert _count(open_ctx) == 2


def test_rows_for_the_same_person_are_merged(open_ctx: OpenCtx) -> None:
    data = (
        b"Name,Email,Phone,Company\n"
        b"Ana Lima,ana@acme.com,,Acme\n"
        b"Ana Lima,,+351 912 345 678,\n"  # same name, no shared key: another Ana
        b"A. Lima,ANA@ACME.COM,+351 912 000 000,\n"  # same email: the first Ana
    )
    summary = _run(open_ctx, data)
    assert summary.created == 2
    assert [p.reason for p in summary.ignored] == ["same person as line 2"]
    assert _run(open_ctx, data).changed is False
    assert _count(open_ctx) == 2


def test_generic_csv_needs_a_mapping_when_columns_are_unknown(open_ctx: OpenCtx) -> None:
    with pytest.raises(ImportFailed, match="no header row"):
        _run(open_ctx, "crm-export.csv")
    mapping = {"Kontakt": "name", "E-Mail-Adresse": "email", "Firma": "organization",
               "Position": "title", "Telefon": "phone", "Stichworte": "tags"}  # fmt: skip
    summary = _run(open_ctx, "crm-export.csv", mapping=mapping)
    assert summary.created == 2
    soren = _person(open_ctx, "Søren")
    assert (soren.organization, soren.title, soren.tags) == (
        "Nordisk Data",
        "CTO",
        ["lead", "nordic"],
    )


def test_strict_stops_at_the_first_bad_row_and_saves_nothing(open_ctx: OpenCtx) -> None:
    with pytest.raises(ImportFailed, match=r"linkedin-Connections.csv:9: no name and no email"):
        _run(open_ctx, "linkedin-Connections.csv", strict=True)
    assert _count(open_ctx) == 0


def test_a_file_failing_midway_changes_nothing(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Already Here")
    with pytest.raises(ImportFailed, match="truncated"):
        _run(open_ctx, "truncated.vcf")
    with pytest.raises(ImportFailed, match="binary data"):
        _run(open_ctx, b"\x00\x01PK\x03\x04\x00" * 100)

    def two_files_in_one_transaction() -> None:
        with open_ctx() as ctx:
            imports.run(ctx, SAMPLES / "linkedin-Connections.csv")  # a first file imports…
            imports.run(ctx, SAMPLES / "crm-export.csv", ImportOptions(format="vcard"))

    with pytest.raises(ImportFailed, match="no vCard"):
        two_files_in_one_transaction()
    assert _count(open_ctx) == 1  # …but its transaction is rolled back with the second


def test_calendar_meetings_become_interactions(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@example.com", timezone="Europe/Lisbon")
        make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
        make_person(ctx, "Bruno Souza", emails=["bruno@globex.io"])
    summary = _run(open_ctx, "google-calendar.ics")
    # 4 one-to-ones with Ana, the pricing review (Bruno), the dinner (Ana; Diego unknown)
    assert (summary.kind, summary.created) == ("interactions", 6)
    assert summary.offered == [
        "Diego Ramos <diego@vandelay.example>",
        "Helena Costa <helena@globex.io>",
    ]
    reasons = summary.ignored_reasons()
    assert reasons["cancelled"] == 2
    assert reasons["no one else in it"] == 1  # WebSummit, an all-day block
    # a reason that quotes a title with a colon in it is kept whole, not cut there
    left_out = imports.ImportSummary("x.ics", "ics", "interactions")
    left_out.ignored = [imports.Problem(3, "no one in '1:1 Ana / Sam' is in your network")]
    assert left_out.ignored_reasons() == {"no one in '1:1 Ana / Sam' is in your network": 1}
    from rapport.services import interactions

    with open_ctx(write=False) as ctx:
        ana = resolve.person_id(ctx, "ana@acme.com")
        timeline = interactions.timeline(ctx, ana)
    assert [i.occurred_at.date().isoformat() for i in timeline] == [
        "2026-11-18", "2026-11-17", "2026-11-03", "2026-10-27", "2026-10-13",
    ]  # fmt: skip
    assert timeline[1].kind == "video" and timeline[1].direction == "me"
    assert timeline[0].direction == "them"  # Ana organised the dinner
    assert all(i.source == "ics" for i in timeline)
    assert _run(open_ctx, "google-calendar.ics").changed is False
    # accepting the offer adds the people and puts them in the meetings they attended
    added = _run(open_ctx, "google-calendar.ics", add_people=True)
    assert (added.people_created, added.created, added.updated) == (2, 0, 2)
    assert _run(open_ctx, "google-calendar.ics", add_people=True).changed is False


def test_mailbox_threads_become_one_interaction_per_thread_per_day(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@example.com")
        make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    summary = _run(open_ctx, "inbox.mbox")
    # pilot (Nov 2 and 3), coffee, latex, intro, résumé
    assert summary.created == 6
    assert summary.people_created == 5  # José, Bruno, Diego, Helena, Igor
    assert summary.own_addresses == ["sam@example.com"]
    assert [p.reason for p in summary.skipped] == ["no sender address"]
    jose = _person(open_ctx, "jose@acme.com")
    assert jose.name == "José Núñez"
    assert _person(open_ctx, "ana@acme.com").last_contact_at == dt.datetime(
        2026, 11, 3, 8, 0, tzinfo=dt.UTC
    )
    assert _run(open_ctx, "inbox.mbox").changed is False
    single = _run(open_ctx, "thanks.eml")
    assert (single.created, single.people_created) == (1, 0)


def test_mail_without_known_own_address_asks_about_its_guess(open_ctx: OpenCtx) -> None:
    from tests.generate_samples import mbox

    data = mbox(120, me="me@home.example")
    asked = _run(open_ctx, data)
    assert (asked.maybe_you, asked.created, asked.people_created) == (["me@home.example"], 0, 0)
    assert asked.question == "me@home.example is on 112 of 112 messages. Is this you?"
    summary = _run(open_ctx, data, me=["me@home.example"])
    assert summary.own_addresses == ["me@home.example"]
    assert summary.created > 0 and summary.people_created > 0
    with open_ctx(write=False) as ctx:
        assert resolve.find_person_id(ctx, "me@home.example") is None


def test_a_backup_imports_into_an_empty_network_only(open_ctx: OpenCtx) -> None:
    import io

    from rapport.services import backup

    _run(open_ctx, "linkedin-Connections.csv")
    with open_ctx(write=False) as ctx:
        out = io.StringIO()
        backup.export(ctx, out)
    from rapport.errors import Conflict

    with pytest.raises(Conflict, match="empty network"):
        _run(open_ctx, out.getvalue().encode())


def test_thirty_thousand_linkedin_rows_twice_leave_thirty_thousand_people(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """The size test runs once, on SQLite (the suite stays fast)."""
    import shutil

    from rapport.services.context import Rapport
    from rapport.settings import Settings
    from tests.generate_samples import linkedin_csv

    shutil.copy(sqlite_template, tmp_path / "big.db")
    app = Rapport(Settings(database_url=f"sqlite:///{tmp_path / 'big.db'}", data_dir=tmp_path))
    data = linkedin_csv(30_000).encode()
    try:
        for expected in ((30_000, 0), (0, 30_000)):
            with app.open(write=True, today=TODAY) as ctx:
                summary = imports.run(ctx, data)
            assert (summary.created, summary.updated, summary.unchanged) == (
                *expected[:1],
                0,
                expected[1],
            )
        with app.open(today=TODAY) as ctx:
            assert people.count(ctx) == 30_000
    finally:
        app.dispose()


def test_imported_interactions_keep_what_logging_keeps(open_ctx: OpenCtx) -> None:
    from rapport.services import events, interactions
    from rapport.storage import search

    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@example.com")
        bruno = make_person(ctx, "Bruno Souza", emails=["bruno@globex.io"])
        dinner = events.create(ctx, "Founders dinner", dt.date(2026, 11, 1))
        events.met(ctx, dinner.id, bruno.id)
    _run(open_ctx, "inbox.mbox")
    with open_ctx(write=False) as ctx:
        (attendee,) = events.outs(ctx, [events.get(ctx, dinner.id)])[0].attendees
        assert attendee.followed_up_at == dt.datetime(2026, 11, 4, 19, 20, tzinfo=dt.UTC)
        (coffee,) = interactions.timeline(ctx, bruno.id)[1:]
        assert (coffee.kind, coffee.channel, coffee.direction) == ("email", "email", "them")
        hits = search.find(ctx.session, ctx.workspace_id, "cafe proxima", kinds=["interaction"])
        assert [h.ref_id for h in hits] == [coffee.id]
        assert people.show(ctx, bruno.id).last_contact_at == dt.datetime(
            2026, 11, 9, 9, 0, tzinfo=dt.UTC
        )  # Helena's intro, Bruno in copy


def test_streams_import_like_files(open_ctx: OpenCtx) -> None:
    """The web upload hands the importer a stream, not a path."""
    import io

    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@example.com")
    for name in (
        "contacts-3.0-apple.vcf",
        "google-contacts.csv",
        "inbox.mbox",
        "google-calendar.ics",
    ):
        stream = io.BytesIO((SAMPLES / name).read_bytes())
        with open_ctx() as ctx:
            summary = imports.run(ctx, stream)
        assert summary.source == "<stream>" and summary.changed, name


def test_a_linkedin_row_with_only_the_name_in_common_is_kept_for_review(
    open_ctx: OpenCtx,
) -> None:
    with open_ctx() as ctx:
        known = make_person(ctx, "Ana Lima", emails=["ana.lima@gmail.com"])
    csv = (
        b'Notes:\n"When exporting your connection data..."\n\n'
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ana,Lima,https://www.linkedin.com/in/ana-lima,,Acme Corp,CTO,12 Mar 2021\n"
        b"Bruno,Souza,https://www.linkedin.com/in/bruno-souza,,Globex,CEO,01 Feb 2020\n"
    )
    summary = _run(open_ctx, csv)
    assert (summary.created, summary.updated, summary.proposed) == (1, 0, 1)
    assert _count(open_ctx) == 2
    ana = _person(open_ctx, "Ana Lima")
    assert ana.id == known.id
    assert ana.urls == [] and ana.organization is None and ana.title is None
    assert ana.emails == ["ana.lima@gmail.com"]
