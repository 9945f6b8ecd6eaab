"""The user is never imported as a contact: their addresses in one place
(`services.owner`), contact files leave them out, meetings and mail take the direction
from them, and an import that finds an unknown address on most items asks "is this
you?" before writing anything. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from rapport.errors import Invalid, NotFound
from rapport.services import imports, interactions, owner, people, resolve, workspace
from rapport.services.imports import ImportOptions
from rapport.storage.schema import Interaction, Person
from tests.conftest import OpenCtx
from tests.factories import make_person

SAMPLES = Path(__file__).parent / "samples"
CALENDAR = SAMPLES / "google-calendar.ics"
CARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam Rivera\r\nEMAIL:Sam@Example.com\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@acme.com\r\nEND:VCARD\r\n"
)


def _run(open_ctx: OpenCtx, source: Path | bytes, **options: object) -> imports.ImportSummary:
    with open_ctx() as ctx:
        return imports.run(ctx, source, ImportOptions(**options))  # type: ignore[arg-type]


def _interactions(open_ctx: OpenCtx) -> int:
    with open_ctx(write=False) as ctx:
        return ctx.session.scalar(select(func.count(Interaction.id))) or 0


def _own(open_ctx: OpenCtx) -> owner.Owner:
    with open_ctx(write=False) as ctx:
        return owner.describe(ctx)


def _calendar_user(open_ctx: OpenCtx) -> None:
    """The issue's user: told Rapport their work address only; Ana and Bruno known."""
    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@work.example", timezone="Europe/Lisbon")
        make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
        make_person(ctx, "Bruno Souza", emails=["bruno@globex.io"])


def _journal(open_ctx: OpenCtx) -> list[str]:
    from rapport.services import journal

    with open_ctx(write=False) as ctx:
        return [e.action for e in journal.history(ctx)]


def test_a_calendar_organised_by_another_address_of_yours_asks_first(open_ctx: OpenCtx) -> None:
    _calendar_user(open_ctx)
    before = _journal(open_ctx)
    asked = _run(open_ctx, CALENDAR, add_people=True)
    # 7 past meetings (4 one-to-ones Sam organised, the review, WebSummit, the dinner)
    assert asked.maybe_you == ["sam@example.com"]
    assert asked.question == "sam@example.com is on 6 of 7 meetings. Is this you?"
    assert (asked.created, asked.people_created, asked.offered) == (0, 0, [])
    assert _interactions(open_ctx) == 0  # nothing written, not even the address
    assert [a.address for a in _own(open_ctx).addresses] == ["sam@work.example"]
    assert _journal(open_ctx) == before  # not even a journal entry

    # "yes": the address becomes the user's, and the import runs
    yes = _run(open_ctx, CALENDAR, add_people=True, me=["sam@example.com"])
    assert (yes.created, yes.maybe_you) == (6, [])
    assert yes.own_addresses == ["sam@example.com", "sam@work.example"]
    with open_ctx(write=False) as ctx:
        assert resolve.find_person_id(ctx, "sam@example.com") is None  # no "Sam" contact
        names = ctx.session.scalars(select(Person.full_name).order_by(Person.full_name))
        assert list(names) == ["Ana Lima", "Bruno Souza", "Diego Ramos", "Helena Costa"]
        timeline = interactions.timeline(ctx, resolve.person_id(ctx, "ana@acme.com"))
    directions = {i.summary: i.direction for i in timeline}
    assert directions["1:1 Ana / Sam"] == "me"  # Sam organised it
    assert directions["Speakers' dinner"] == "them"  # Ana did
    remembered = _own(open_ctx).addresses
    assert [(a.address, a.origin) for a in remembered] == [
        ("sam@work.example", "init"),
        ("sam@example.com", "import"),
    ]
    assert _run(open_ctx, CALENDAR).maybe_you == []  # not asked again


def test_answering_no_imports_the_address_like_anyone_elses(open_ctx: OpenCtx) -> None:
    _calendar_user(open_ctx)
    no = _run(open_ctx, CALENDAR, not_me=["sam@example.com"])
    assert (no.created, no.maybe_you) == (6, [])
    assert "Sam <sam@example.com>" in no.offered  # a contact candidate, as before
    with open_ctx(write=False) as ctx:
        timeline = interactions.timeline(ctx, resolve.person_id(ctx, "ana@acme.com"))
    assert {i.summary: i.direction for i in timeline}["1:1 Ana / Sam"] == "them"
    assert _own(open_ctx).not_me == ["sam@example.com"]  # remembered: not asked again
    again = _run(open_ctx, CALENDAR, add_people=True)
    assert again.maybe_you == [] and again.people_created == 3  # Sam, Diego, Helena


def test_an_unknown_address_on_a_few_meetings_is_not_asked_about(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@example.com", timezone="Europe/Lisbon")
    # Ana is on 5 of 7 meetings and on no contact, but Sam is on most of them: the
    # file is Sam's, Ana a close colleague, so nothing is asked
    assert _run(open_ctx, CALENDAR).maybe_you == []
    # when Sam's known address is on none of them, the most frequent one is asked about
    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@work.example")
        owner.remove(ctx, "sam@example.com")
    asked = _run(open_ctx, CALENDAR)
    assert asked.question == "sam@example.com is on 6 of 7 meetings. Is this you?"
    # an unknown address on a few meetings only is never asked about (Diego: 1 of 7)
    with open_ctx() as ctx:
        owner.add(ctx, "sam@example.com")
        make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    assert _run(open_ctx, CALENDAR).maybe_you == []


def test_contact_files_leave_the_user_out(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@example.com")
    cards = _run(open_ctx, CARDS)
    assert cards.created == 1
    assert [(p.line, p.reason) for p in cards.ignored] == [(1, "that is you (sam@example.com)")]
    assert cards.ignored_reasons() == {"that is you (sam@example.com)": 1}
    # --me works for contact files too, and is remembered once the file is imported
    linkedin = _run(open_ctx, SAMPLES / "linkedin-Connections.csv", me=["ana@acme.com"])
    assert "that is you (ana@acme.com)" in [p.reason for p in linkedin.ignored]
    assert linkedin.created == 4
    with open_ctx(write=False) as ctx:
        assert resolve.find_person_id(ctx, "sam@example.com") is None
        assert owner.addresses(ctx) == ["sam@example.com", "ana@acme.com"]
        ana = resolve.person_id(ctx, "ana@acme.com")  # from the vCards, before
    assert linkedin.warnings[-1] == (
        f"ana@acme.com is on Ana Lima (#{ana}): if that record is you, archive it with "
        f"`rapport person archive {ana}`"
    )


def test_mail_takes_the_direction_from_the_user_and_asks_about_another_address(
    open_ctx: OpenCtx,
) -> None:
    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="sam@work.example")
        make_person(ctx, "Ana Lima", emails=["ana@acme.com"])
    mbox = SAMPLES / "inbox.mbox"
    asked = _run(open_ctx, mbox)
    assert asked.maybe_you == ["sam@example.com"]
    assert asked.question is not None and asked.question.endswith("messages. Is this you?")
    assert (_interactions(open_ctx), _own(open_ctx).addresses[0].address) == (0, "sam@work.example")
    summary = _run(open_ctx, mbox, me=["sam@example.com"])
    assert summary.created == 6 and summary.people_created == 5  # never Sam
    with open_ctx(write=False) as ctx:
        assert resolve.find_person_id(ctx, "sam@example.com") is None
        ana = interactions.timeline(ctx, resolve.person_id(ctx, "ana@acme.com"))
        bruno = interactions.timeline(ctx, resolve.person_id(ctx, "bruno@globex.io"))
    assert {i.direction for i in ana if i.summary == "Pilot scope"} == {"me"}  # Sam wrote
    assert [i.direction for i in bruno if i.summary.startswith("Café")] == ["them"]


def test_a_dry_run_remembers_nothing(open_ctx: OpenCtx) -> None:
    with open_ctx(write=False) as ctx:  # what `--dry-run` opens
        imports.run(ctx, CARDS, ImportOptions(me=["sam@example.com"]))
    assert _own(open_ctx).addresses == []


def test_addresses_are_added_removed_and_say_which_contact_has_them(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        sam = make_person(ctx, "Sam Rivera", emails=["sam@example.com"])
        view = owner.add(ctx, " Sam@Example.com ")
    (only,) = view.addresses
    assert (only.address, only.origin, only.person_id) == ("sam@example.com", "settings", sam.id)
    assert only.hint == (
        f"sam@example.com is on Sam Rivera (#{sam.id}): if that record is you, archive it "
        f"with `rapport person archive {sam.id}`"
    )
    with open_ctx() as ctx:
        people.archive(ctx, sam.id, archived=True)
    assert _own(open_ctx).addresses[0].hint is None  # done: the hint goes
    with open_ctx() as ctx:
        with pytest.raises(Invalid, match="'not-an-address' is not an email address"):
            owner.add(ctx, "not-an-address")
        with pytest.raises(NotFound, match=r"bob@example\.com is not one of your addresses"):
            owner.remove(ctx, "bob@example.com")
        with pytest.raises(Invalid, match=r"sam@example\.com is one of your addresses"):
            imports.run(ctx, CALENDAR, ImportOptions(not_me=["sam@example.com"]))
        assert owner.remove(ctx, "SAM@example.com").addresses == []


def test_settings_list_and_init_go_through_the_same_place(open_ctx: OpenCtx) -> None:
    from rapport.services import preferences

    with open_ctx() as ctx:
        workspace.configure(ctx, owner_email="Sam@Work.example")
        preferences.update(ctx, own_emails=["sam@work.example", "sam@home.example"])
    with open_ctx(write=False) as ctx:
        assert preferences.describe(ctx).own_emails == ["sam@work.example", "sam@home.example"]
        assert imports.own_addresses(ctx) == {"sam@work.example", "sam@home.example"}
    assert [(a.address, a.origin) for a in _own(open_ctx).addresses] == [
        ("sam@work.example", "init"),
        ("sam@home.example", "settings"),
    ]
