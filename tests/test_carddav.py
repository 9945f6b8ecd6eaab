"""The address book's service, on both backends: cards follow the people whatever
writes them (imports, merges, undo), UIDs survive an export and a backup, and a
card's extras come back after a restore."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from rapport.adapters import backup as backup_file
from rapport.services import backup, carddav, exports, imports, journal, merge, people, tags
from rapport.services.context import Rapport
from rapport.settings import Settings
from tests.conftest import TODAY, OpenCtx, _truncate_all

PHONE_CARD = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:phone-uid-7\r\nFN:Ines Sol\r\nN:Sol;Ines;;;\r\n"
    "EMAIL:ines@example.org\r\nPHOTO:data:image/png;base64,iVBORw0KGgo=\r\n"
    "X-CUSTOM;TYPE=thing:kept\r\nEND:VCARD\r\n"
)


def test_an_import_reaches_the_cards_through_the_journal(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        pid = people.add(ctx, {"full_name": "Jo Berg", "emails": ["jo@example.org"]}).id
        token = carddav.changes_since(ctx, None).token
    vcf = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jo Berg\r\nEMAIL:jo@example.org\r\n"
        "TITLE:Head of Research\r\nORG:Lund University\r\nEND:VCARD\r\n"
    )
    with open_ctx() as ctx:
        imports.run(ctx, vcf.encode())
    with open_ctx() as ctx:
        changed = carddav.changes_since(ctx, token)
        assert [c.name for c in changed.changed] == [f"rapport-{pid}.vcf"]
        text = carddav.card(ctx, f"rapport-{pid}.vcf", "4.0").text
        assert "TITLE:Head of Research" in text


def test_a_tag_renamed_everywhere_reaches_the_cards_of_its_people(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        pid = people.add(ctx, {"full_name": "Jo Berg", "tags": ["summit"]}).id
        people.add(ctx, {"full_name": "Untagged Person"})
        token = carddav.changes_since(ctx, None).token
    with open_ctx() as ctx:
        tags.rename(ctx, "summit", "Web Summit 2026")
    with open_ctx() as ctx:
        changed = carddav.changes_since(ctx, token)
        assert [c.name for c in changed.changed] == [f"rapport-{pid}.vcf"]
        assert "Web Summit 2026" in carddav.card(ctx, f"rapport-{pid}.vcf", "4.0").text


def test_a_person_merged_away_leaves_a_tombstone(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        keep = people.add(ctx, {"full_name": "Kim Ek"}).id
        other = people.add(ctx, {"full_name": "Kim Ek (2)"}).id
        token = carddav.changes_since(ctx, None).token
    with open_ctx() as ctx:
        merge.merge(ctx, keep, other)
    with open_ctx() as ctx:
        changed = carddav.changes_since(ctx, token)
        assert f"rapport-{other}.vcf" in changed.deleted
        assert [c.name for c in carddav.listing(ctx)] == [f"rapport-{keep}.vcf"]


def test_an_undone_edit_from_the_phone_changes_the_card_back(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        carddav.put(ctx, "ines.vcf", PHONE_CARD.encode(), if_none_match="*")
        first = carddav.card(ctx, "ines.vcf", "4.0").etag
    with open_ctx() as ctx:
        edited = PHONE_CARD.replace("FN:Ines Sol", "FN:Ines Sol-Berg")
        carddav.put(ctx, "ines.vcf", edited.encode(), if_match=first)
    with open_ctx() as ctx:
        journal.undo(ctx)
    with open_ctx() as ctx:
        back = carddav.card(ctx, "ines.vcf", "4.0")
        assert "FN:Ines Sol\r\n" in back.text and back.etag == first


def test_the_vcard_export_names_a_phone_card_by_its_uid(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        carddav.put(ctx, "ines.vcf", PHONE_CARD.encode(), if_none_match="*")
        mine = people.add(ctx, {"full_name": "Own Person"}).id
    with open_ctx() as ctx:
        out = io.StringIO()
        exports.vcard_file(ctx, out)
    assert "UID:phone-uid-7" in out.getvalue()
    assert f"UID:urn:rapport:person:{mine}" in out.getvalue()


def test_a_backup_restore_keeps_uids_and_extras(
    database_url: str, sqlite_template: Path, tmp_path: Path
) -> None:
    source_path = tmp_path / "source.db"
    shutil.copy(sqlite_template, source_path)
    if database_url.startswith("sqlite"):
        target_path = tmp_path / "target.db"
        shutil.copy(sqlite_template, target_path)
        target_url = f"sqlite:///{target_path}"
    else:
        _truncate_all(database_url)
        target_url = database_url
    source = Rapport(Settings(database_url=f"sqlite:///{source_path}", data_dir=tmp_path))
    try:
        with source.open(write=True, today=TODAY) as ctx:
            carddav.put(ctx, "ines.vcf", PHONE_CARD.encode(), if_none_match="*")
            own = people.add(ctx, {"full_name": "Own Person"}).id
        with source.open(write=True, today=TODAY) as ctx:
            before = {c.name: c.etag for c in carddav.listing(ctx)}
            out = io.StringIO()
            backup.export(ctx, out)
    finally:
        source.dispose()
    target = Rapport(Settings(database_url=target_url, data_dir=tmp_path / "t"))
    try:
        with target.open(write=True, today=TODAY) as ctx:
            backup.restore(ctx, backup_file.parse(out.getvalue().encode("utf-8")))
        with target.open(write=True, today=TODAY) as ctx:
            after = {c.name: c.etag for c in carddav.listing(ctx)}
            text = carddav.card(ctx, "ines.vcf", "4.0").text
        assert after == before
        assert f"rapport-{own}.vcf" in after
        assert "UID:phone-uid-7" in text
        assert "PHOTO:data:image/png;base64,iVBORw0KGgo=" in text
        assert "X-CUSTOM;TYPE=thing:kept" in text
    finally:
        target.dispose()


def test_an_entry_committed_below_one_already_read_is_read_later(open_ctx: OpenCtx) -> None:
    """On PostgreSQL an entry can commit after one with a higher id was read: its id
    was a gap, looked for again at each refresh until it appears."""
    import time

    from sqlalchemy import func, select

    from rapport.storage.carddav_tables import CardBook
    from rapport.storage.schema import JournalEntry

    with open_ctx() as ctx:
        pid = people.add(ctx, {"full_name": "Gap Person"}).id
        token = carddav.changes_since(ctx, None).token
    with open_ctx() as ctx:
        people.edit(ctx, pid, {"title": "Committed late"})
    with open_ctx() as ctx:  # as if the edit's entry had not been visible at the last read
        late = ctx.session.scalar(select(func.max(JournalEntry.id)))
        book = ctx.session.get(CardBook, ctx.workspace_id)
        assert book is not None and late is not None
        book.journal_seen = late
        book.journal_gaps = [[float(late), time.time()]]
    with open_ctx() as ctx:
        changed = carddav.changes_since(ctx, token)
        assert [c.name for c in changed.changed] == [f"rapport-{pid}.vcf"]
        book = ctx.session.get(CardBook, ctx.workspace_id)
        assert book is not None and book.journal_gaps == []
