"""`rapport import|export|duplicates|merge` used as a person would."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.conftest import TODAY

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def _people(cli: Cli) -> list[str]:
    return [p["name"] for p in cli("person", "list", "--json").json()["people"]]


def test_import_twice_then_export_and_restore_elsewhere(
    cli: Cli, tmp_path: Path, sqlite_template: Path
) -> None:
    cli("init", "--email", "sam@example.com", "--timezone", "Europe/Lisbon")
    first = cli("import", str(SAMPLES / "linkedin-Connections.csv"))
    assert "linkedin-Connections.csv (linkedin): 5 people created, 2 skipped\n" in first.stdout
    assert "skipped line 9: no name and no email" in first.stdout
    again = cli("import", str(SAMPLES / "linkedin-Connections.csv"), "--json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert again["skipped"][1] == {"line": 10, "reason": "9 fields where the header has 7"}
    cli("import", str(SAMPLES / "contacts-3.0-apple.vcf"))
    cli("import", str(SAMPLES / "google-calendar.ics"))
    names = _people(cli)
    backup = tmp_path / "backup.json"
    result = cli("export", "--json", "-o", str(backup))
    assert result.stderr.startswith("exported ") and backup.exists()
    # into an empty database
    import shutil

    shutil.copy(sqlite_template, tmp_path / "other.db")
    other = Cli(f"sqlite:///{tmp_path / 'other.db'}", TODAY.isoformat(), str(tmp_path))
    restored = other("import", str(backup), "--json").json()
    assert restored["format"] == "backup" and restored["created"] > 20
    exported = int(result.stderr.split()[1])  # "exported 326 rows to …"
    assert restored["created"] + restored["updated"] == exported  # the network's row: updated
    shutil.copy(sqlite_template, tmp_path / "third.db")
    third = Cli(f"sqlite:///{tmp_path / 'third.db'}", TODAY.isoformat(), str(tmp_path))
    third("person", "add", "Lone Person")
    refused = third("import", str(backup), ok=False)
    assert refused.exit_code == 4
    assert "this one already has 1 person (restore into a new" in refused.stderr
    assert _people(other) == names
    assert (
        other("person", "show", "ana", "--json").json()["interaction_count"] == 5
    )  # four 1:1s and the dinner
    assert other("search", "Acme", "--json").json()  # the index came along


def test_a_csv_for_excel_starts_with_the_bom_and_reads_back(
    cli: Cli, tmp_path: Path, sqlite_template: Path
) -> None:
    import shutil

    cli("person", "add", "Zoë Ångström", "--org", "Café Société")
    cli("person", "add", "李雷")
    target = tmp_path / "people.csv"
    cli("export", "--csv", "--excel", "-o", str(target))
    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and not data[3:].startswith(codecs.BOM_UTF8)
    assert "Zoë Ångström,".encode() in data and "李雷".encode() in data
    assert cli("export", "--excel", "-o", str(tmp_path / "x.csv")).exit_code == 0  # by the name
    assert cli("export", "--csv", "--excel").stdout.startswith("\ufeff")
    assert not cli("export", "--csv").stdout.startswith("\ufeff")  # the plain CSV has none
    shutil.copy(sqlite_template, tmp_path / "other.db")
    other = Cli(f"sqlite:///{tmp_path / 'other.db'}", TODAY.isoformat(), str(tmp_path))
    summary = other("import", str(target), "--json").json()
    assert (summary["format"], summary["created"]) == ("rapport-csv", 2)
    assert sorted(_people(other)) == sorted(_people(cli)) == ["Zoë Ångström", "李雷"]
    shown = other("person", "show", "zoë", "--json").json()["person"]
    assert shown["organization"] == "Café Société"
    wrong = cli("export", "--vcard", "--excel", ok=False)
    assert wrong.stderr == "error: excel: --excel goes with --csv (Excel's encoding of the CSV)\n"


def test_exports_read_back(cli: Cli, tmp_path: Path) -> None:
    cli("import", str(SAMPLES / "contacts-3.0-apple.vcf"))
    cli("milestone", "Bruno", "birthday", "1990-02-28")
    cli("promise", "Ana", "send the proposal", "--due", "2026-11-27")
    cards = cli("export", "--vcard").stdout
    # Ana and Bruno; Globex (a company card) is an organization, not a person
    assert cards.count("BEGIN:VCARD") == 2 and "VERSION:4.0" in cards
    (tmp_path / "out.vcf").write_text(cards, encoding="utf-8")
    again = cli("import", str(tmp_path / "out.vcf"), "--json").json()
    assert (again["created"], again["updated"]) == (0, 0)
    cli("export", "-o", str(tmp_path / "people.csv"))  # the format from the file name
    assert cli("import", str(tmp_path / "people.csv"), "--json").json()["format"] == "rapport-csv"
    feed = cli("export", "--ics").stdout
    assert "BEGIN:VCALENDAR" in feed and "Ana Lima's birthday" in feed
    assert "Promised Ana Lima: send the proposal" in feed
    assert "RRULE:FREQ=YEARLY" in feed


def test_malformed_files_give_one_error_line_and_change_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("person", "add", "Already Here")
    files = {
        "truncated.vcf": (SAMPLES / "truncated.vcf").read_bytes(),
        "garbage.bin": bytes(range(256)) * 8,
        "wrong.csv": codecs.BOM_UTF16_LE + b"N\x00a\x00\x00\xd8",  # a lone surrogate
        "noheader.csv": b"1,2,3\n4,5,6\n",
        "empty.vcf": b"",
        "cut.ics": (SAMPLES / "google-calendar.ics").read_bytes()[:900],
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = cli("import", str(path), ok=False)
        assert result.exit_code == 6, (name, result.stderr)
        assert result.stderr.startswith(f"error: {path}"), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
    missing = cli("import", str(tmp_path / "nope.csv"), ok=False)
    assert missing.stderr.startswith("error: ") and "cannot read the file" in missing.stderr
    assert _people(cli) == ["Already Here"]


def test_dry_run_strict_map_and_format(cli: Cli) -> None:
    dry = cli("import", str(SAMPLES / "linkedin-Connections.csv"), "--dry-run")
    assert "5 people created" in dry.stdout and "dry run: nothing was saved" in dry.stdout
    assert _people(cli) == []
    strict = cli("import", str(SAMPLES / "linkedin-Connections.csv"), "--strict", ok=False)
    assert (
        strict.stderr.startswith("error: ")
        and ":9: no name and no email (stopped at the first bad row" in strict.stderr
    )
    assert _people(cli) == []
    mapped = cli(
        "import", str(SAMPLES / "crm-export.csv"),
        "--map", "Kontakt=name", "--map", "E-Mail-Adresse=email", "--json",
    ).json()  # fmt: skip
    assert mapped["created"] == 2
    bad_map = cli("import", str(SAMPLES / "crm-export.csv"), "--map", "Kontakt", ok=False)
    assert bad_map.stderr.startswith("error: map: 'Kontakt' is not COLUMN=FIELD")
    forced = cli("import", str(SAMPLES / "inbox.mbox"), "--format", "vcard", ok=False)
    assert "no vCard in this file" in forced.stderr


def test_duplicates_and_the_merge_alias(cli: Cli) -> None:
    cli("person", "add", "Ana Lima", "--email", "ana@acme.com", "--org", "Acme")
    cli("person", "add", "Ana  Lima", "--email", "ANA@acme.com", "--force")
    cli("person", "add", "Jon Smith", "--org", "Globex")
    cli("person", "add", "John Smith", "--org", "Globex")
    cli("person", "add", "Carla Dias")
    pairs = cli("duplicates", "--json").json()
    assert [(p["a"]["name"], p["b"]["name"]) for p in pairs] == [
        ("Ana Lima", "Ana  Lima"),
        ("Jon Smith", "John Smith"),
    ]
    assert pairs[0]["score"] == 100 and "same email ana@acme.com" in pairs[0]["reasons"]
    assert pairs[1]["reasons"] == [
        "Jon is short for John",
        "same family name Smith",
        "at the same organization (Globex)",
    ]
    assert "rapport merge" in cli("duplicates").stdout
    a, b = pairs[0]["a"]["id"], pairs[0]["b"]["id"]
    merged = cli("merge", f"#{a}", f"#{b}", "--yes", "--json").json()
    assert merged["person"]["emails"] == ["ana@acme.com"]
    assert len(cli("duplicates", "--json").json()) == 1
    assert json.loads(cli("duplicates", "--min-score", "95", "--json").stdout) == []


def test_the_summary_counts_the_organisations_added(cli: Cli) -> None:
    sample = str(SAMPLES / "contacts-with-organisations.vcf")
    first = cli("import", sample)
    assert "contacts-with-organisations.vcf (vcard): 1 person created\n" in first.stdout
    assert "  3 organisations added\n" in first.stdout
    assert _people(cli) == ["Dana Reyes"]
    again = cli("import", sample, "--json").json()
    assert (again["created"], again["unchanged"], again["organizations_created"]) == (0, 1, 0)
    assert "added" not in cli("import", sample).stdout
