"""Fields of the user's own (issue 23), on SQLite and PostgreSQL: defined per
workspace and target, values checked by type, shown, filtered, searched, merged,
deleted with their values (and undone), backed up."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from rapport.adapters import backup as backup_file
from rapport.domain.custom_fields import FieldType, Target
from rapport.errors import Conflict, Contradicts, Invalid, NotFound
from rapport.services import (
    backup,
    custom_fields,
    exports,
    imports,
    journal,
    merge,
    organizations,
    people,
    search,
)
from rapport.services.context import Rapport
from rapport.services.imports import ImportOptions
from rapport.settings import Settings
from tests.conftest import TODAY, OpenCtx, _truncate_all
from tests.factories import make_person


@pytest.fixture
def stage(open_ctx: OpenCtx) -> int:
    with open_ctx() as ctx:
        custom_fields.define(ctx, "Stage", FieldType.CHOICE, options=["Seed", "Series A"])
        custom_fields.define(ctx, "Fund size", FieldType.NUMBER)
        custom_fields.define(ctx, "Met again", FieldType.DATE)
        custom_fields.define(ctx, "Deck", FieldType.URL)
        return custom_fields.define(ctx, "Stage", FieldType.TEXT, target=Target.ORGANIZATIONS).id


def test_values_checked_by_type_and_shown(open_ctx: OpenCtx, stage: int) -> None:
    with open_ctx() as ctx:
        ana = people.add(
            ctx,
            {"full_name": "Ana Lima"},
            fields={"stage": "series a", "Fund size": "1,500,000", "Met again": "2026-03-01",
                    "Deck": "example.com/deck"},
        )  # fmt: skip
    assert ana.fields == {
        "Stage": "Series A",
        "Fund size": "1,500,000",
        "Met again": "2026-03-01",
        "Deck": "https://example.com/deck",
    }
    with open_ctx() as ctx:
        for name, bad in (("Stage", "Series B"), ("Fund size", "lots"), ("Deck", "ftp://x"),
                          ("Met again", "someday soon")):  # fmt: skip
            with pytest.raises(Invalid, match=name):
                people.edit(ctx, ana.id, {}, fields={name: bad})
        with pytest.raises(NotFound, match="no field 'Colour'"):
            people.edit(ctx, ana.id, {}, fields={"Colour": "red"})
    with open_ctx() as ctx:
        shown = people.edit(ctx, ana.id, {}, fields={"Stage": "", "Fund size": "2.5"})
    assert shown.fields == {"Fund size": "2.5", "Met again": "2026-03-01",
                            "Deck": "https://example.com/deck"}  # fmt: skip


def test_names_unique_per_target_any_case(open_ctx: OpenCtx, stage: int) -> None:
    with open_ctx() as ctx:
        with pytest.raises(Conflict, match="already a field named 'STAGE'"):
            custom_fields.define(ctx, "STAGE", FieldType.TEXT)
        with pytest.raises(Invalid, match="a choice needs its options"):
            custom_fields.define(ctx, "Tier", FieldType.CHOICE)
        with pytest.raises(Invalid, match="only a choice has options"):
            custom_fields.define(ctx, "Tier", FieldType.TEXT, options=["a"])
        fund = custom_fields.find(ctx, "fund size", Target.PEOPLE)
        with pytest.raises(Conflict):
            custom_fields.rename(ctx, fund.id, "stage")
        assert custom_fields.rename(ctx, fund.id, "Fund").name == "Fund"
        names = [(f.name, f.applies_to) for f in custom_fields.listing(ctx)]
    assert names == [("Stage", "people"), ("Fund", "people"), ("Met again", "people"),
                     ("Deck", "people"), ("Stage", "organizations")]  # fmt: skip


def test_options_in_use_are_kept(open_ctx: OpenCtx, stage: int) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima").id
        people.edit(ctx, ana, {}, fields={"Stage": "Seed"})
        field_id = custom_fields.find(ctx, "Stage", Target.PEOPLE).id
        with pytest.raises(Contradicts, match="1 value is 'Seed'"):
            custom_fields.change_options(ctx, field_id, ["Series A", "Series B"])
        changed = custom_fields.change_options(ctx, field_id, ["SEED", "Series B"])
        assert changed.options == ["SEED", "Series B"]
        assert people.show(ctx, ana).fields == {"Stage": "SEED"}


def test_filter_and_search(open_ctx: OpenCtx, stage: int) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima").id
        bruno = make_person(ctx, "Bruno Souza").id
        people.edit(ctx, ana, {}, fields={"Stage": "Seed", "Fund size": "50"})
        people.edit(ctx, bruno, {}, fields={"Stage": "Series A", "Fund size": "50.0"})
    with open_ctx(write=False) as ctx:
        seed, total = people.listing(ctx, field="stage=seed")
        assert [p.name for p in seed] == ["Ana Lima"] and total == 1
        assert {p.name for p in people.listing(ctx, field="Fund size:50")[0]} == {
            "Ana Lima",
            "Bruno Souza",
        }
        assert people.listing(ctx, field="Deck=")[1] == 2
        with pytest.raises(Invalid, match="is not one of"):
            people.listing(ctx, field="Stage=Series Z")
        found = search.find(ctx, "series")
        assert [r.id for r in found if r.kind == "person"] == [bruno]


def test_delete_says_how_many_and_undo_brings_them_back(open_ctx: OpenCtx, stage: int) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima").id
        people.edit(ctx, ana, {}, fields={"Stage": "Seed"})
    with open_ctx() as ctx:
        field_id = custom_fields.find(ctx, "Stage", Target.PEOPLE).id
        gone = custom_fields.remove(ctx, field_id)
    assert gone.message == "deleted the field Stage, with its 1 value"
    with open_ctx() as ctx:
        assert people.show(ctx, ana).fields == {}
        journal.undo(ctx)
    with open_ctx(write=False) as ctx:
        assert people.show(ctx, ana).fields == {"Stage": "Seed"}


def test_values_go_with_the_person_and_merge_keeps_them(open_ctx: OpenCtx, stage: int) -> None:
    with open_ctx() as ctx:
        keep = make_person(ctx, "Ana Lima").id
        other = make_person(ctx, "Ana L.").id
        gone = make_person(ctx, "Carla Dias").id
        people.edit(ctx, keep, {}, fields={"Stage": "Seed"})
        people.edit(ctx, other, {}, fields={"Stage": "Series A", "Fund size": "10"})
        people.edit(ctx, gone, {}, fields={"Fund size": "3"})
    with open_ctx() as ctx:
        merge.merge(ctx, keep, other)
        assert people.show(ctx, keep).fields == {"Stage": "Seed", "Fund size": "10"}
        ctx.session.delete(people.get(ctx, gone))
        ctx.session.flush()
        assert [f.values for f in custom_fields.listing(ctx, Target.PEOPLE)][:2] == [1, 1]


def test_organisation_fields_and_merge(open_ctx: OpenCtx, stage: int) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima", organization="Acme")
        make_person(ctx, "Bruno Souza", organization="ACME Inc")
        assert organizations.edit_fields(ctx, "Acme", {"Stage": "Growth"}).fields == {
            "Stage": "Growth"
        }
        organizations.edit_fields(ctx, "ACME Inc", {"stage": "Early"})
        with pytest.raises(NotFound):
            organizations.edit_fields(ctx, "Acme", {"Fund size": "1"})  # a people's field
    with open_ctx() as ctx:
        organizations.merge(ctx, "ACME Inc", "Acme")
        assert organizations.profile(ctx, "Acme").fields == {"Stage": "Growth"}
        found = search.find(ctx, "growth")
        assert [r.kind for r in found] == ["organization"]


def test_backup_round_trip_keeps_fields(
    open_ctx: OpenCtx, stage: int, app: Rapport, database_url: str, sqlite_template: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima").id
        people.edit(ctx, ana, {}, fields={"Stage": "Seed", "Met again": "2026-01-02"})
        organizations.edit_fields(ctx, make_person(ctx, "Bo", organization="Acme").organization
                                  or "Acme", {"Stage": "Late"})  # fmt: skip
        out = io.StringIO()
        backup.export(ctx, out)
    app.dispose()
    if database_url.startswith("sqlite"):
        shutil.copy(sqlite_template, tmp_path / "target.db")
        target_url = f"sqlite:///{tmp_path / 'target.db'}"
    else:
        _truncate_all(database_url)
        target_url = database_url
    target = Rapport(Settings(database_url=target_url, data_dir=tmp_path))
    try:
        with target.open(write=True, today=TODAY) as ctx:
            backup.restore(ctx, backup_file.parse(out.getvalue().encode("utf-8")))
        with target.open(today=TODAY) as ctx:
            assert people.show(ctx, ana).fields == {"Stage": "Seed", "Met again": "2026-01-02"}
            assert organizations.profile(ctx, "Acme").fields == {"Stage": "Late"}
            assert people.listing(ctx, field="Met again=2026-01-02")[1] == 1
    finally:
        target.dispose()


def test_csv_import_maps_a_column_to_a_field(open_ctx: OpenCtx, stage: int) -> None:
    text = b"Full Name,Mail,Round,Size\nAna Lima,ana@x.example,seed,12\nBo Li,bo@x.example,Z,x\n"
    mapping = {
        "Full Name": "name",
        "Mail": "email",
        "Round": "field:Stage",
        "Size": "field:Fund size",
    }
    with open_ctx() as ctx:
        summary = imports.run(ctx, text, options=ImportOptions(format="csv", mapping=mapping))
        assert summary.created == 2
        assert summary.warnings == [
            "line 3: Stage: 'Z' is not one of: Seed, Series A; left out",
            "line 3: Fund size: 'x' is not a number (write it like 1500 or 2.5); left out",
        ]
        ana = people.listing(ctx, field="Stage=Seed")[0][0].id
        assert people.show(ctx, ana).fields == {"Stage": "Seed", "Fund size": "12"}
        people.edit(ctx, ana, {}, fields={"Stage": "Series A"})
    with open_ctx() as ctx:  # a known person's values are never overwritten
        imports.run(ctx, text, options=ImportOptions(format="csv", mapping=mapping))
        assert people.show(ctx, ana).fields["Stage"] == "Series A"
        with pytest.raises(NotFound, match="no field 'Colour' for people: add it first"):
            imports.run(ctx, text, options=ImportOptions(
                format="csv", mapping={"Full Name": "name", "Round": "field:Colour"}))  # fmt: skip


def test_exports_round_trip_fields(open_ctx: OpenCtx, stage: int) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", emails=["ana@x.example"]).id
        people.edit(ctx, ana, {}, fields={"Stage": "Seed", "Deck": "https://x.example/a=b;c"})
        csv_out, vcf_out = io.StringIO(), io.StringIO()
        exports.csv_file(ctx, csv_out)
        exports.vcard_file(ctx, vcf_out)
    header, row = csv_out.getvalue().splitlines()[:2]
    assert header.endswith("field:Stage,field:Fund size,field:Met again,field:Deck")
    assert row.endswith("Seed,,,https://x.example/a=b;c")
    assert "X-RAPPORT-FIELD:Deck=https://x.example/a=b\\;c" in vcf_out.getvalue()
    for text in (csv_out.getvalue(), vcf_out.getvalue()):
        with open_ctx() as ctx:
            people.edit(ctx, ana, {}, fields={"Stage": "", "Deck": ""})
            imports.run(ctx, text.encode())
            assert people.show(ctx, ana).fields == {
                "Stage": "Seed",
                "Deck": "https://x.example/a=b;c",
            }
