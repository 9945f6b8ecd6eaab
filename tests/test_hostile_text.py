"""Hostile text: lone surrogates refused like NUL wherever text enters; control
characters (terminal escape sequences) stripped on input and shown, never obeyed,
on output. On both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from rapport.domain.text import clean_text, strip_controls, visible_controls
from rapport.errors import Invalid
from rapport.services import people
from tests.cli_runner import Cli
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person

TITLE = "\x1b]0;pwned\x07"  # OSC 0: sets the terminal window's title
RED = "\x1b[31m"  # SGR: everything after it is red
RAW = ("\x1b", "\x07", "\x9b")
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


# --- the rule -------------------------------------------------------------------------


def test_clean_text_strips_controls_but_keeps_lines_and_tabs() -> None:
    typed = f"Eve{TITLE} {RED}Mallory\x1b[0m\r\nline two\tcol\x7f\x9b"
    assert clean_text(typed, "name") == "Eve]0;pwned [31mMallory[0m\nline two\tcol"


@pytest.mark.parametrize("value", ["Lone \ud800 surrogate", "\udcff", "a\udfffb"])
def test_clean_text_refuses_lone_surrogates(value: str) -> None:
    with pytest.raises(Invalid, match="lone surrogate"):
        clean_text(value, "full_name")


@given(st.text(max_size=50))
def test_visible_controls_leaves_nothing_a_terminal_obeys(value: str) -> None:
    shown = visible_controls(value)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in shown)
    assert not any(0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF for c in shown)
    shown.encode("utf-8")  # printable in any UTF-8 terminal
    assert strip_controls(value) == strip_controls(strip_controls(value))


# --- lone surrogates, everywhere text enters ------------------------------------------


def test_the_services_refuse_a_lone_surrogate(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx).id
    with pytest.raises(Invalid) as caught, open_ctx() as ctx:
        people.edit(ctx, pid, {"notes": "bad \ud800 note"})
    assert caught.value.field == "notes"


def test_the_cli_refuses_a_lone_surrogate_argument(cli: Cli) -> None:
    # undecodable bytes in argv reach Python as lone surrogates (surrogateescape)
    result = cli("person", "add", "Ana \udcff Lima", ok=False)
    assert result.exit_code == 2, result.stderr
    assert "lone surrogate" in result.stderr


def test_a_backup_with_a_lone_surrogate_fails_in_one_sentence(cli: Cli, tmp_path: Path) -> None:
    cli("person", "add", "Ana Lima")
    backup = tmp_path / "backup.json"
    cli("export", "--json", "-o", str(backup))
    data = json.loads(backup.read_text())
    rows = data["tables"]["person"]["rows"]
    columns = data["tables"]["person"]["columns"]
    rows[0][columns.index("full_name")] = "Ana \ud800"
    backup.write_text(json.dumps(data))  # written as the escape "\ud800"
    result = cli("import", str(backup), "--json", ok=False)
    assert result.exit_code == 6, result.stderr
    assert "lone surrogate" in result.stderr and result.stderr.count("\n") == 1


# --- control characters: stripped on input, visible on output ------------------------

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\n"
    f"FN:Eve{TITLE}{RED} Mallory\r\n"
    "N:Mallory;Eve;;;\r\n"
    f"ORG:Evil{RED}Corp\r\n"
    f"NOTE:hello{TITLE} there\\nsecond line\r\n"
    "EMAIL:eve@example.com\r\n"
    "END:VCARD\r\n"
)


def _no_raw_controls(output: str) -> None:
    for c in RAW:
        assert c not in output, repr(output)


def test_an_imported_vcard_cannot_drive_the_terminal(cli: Cli, tmp_path: Path) -> None:
    card = tmp_path / "eve.vcf"  # among ordinary cards, as an address book would hold it
    card.write_bytes((SAMPLES / "contacts-3.0-apple.vcf").read_bytes() + VCARD.encode())
    _no_raw_controls(cli("import", str(card)).stdout)
    listed = cli("person", "list").stdout
    _no_raw_controls(listed)
    assert "Mallory" in listed
    shown = cli("person", "show", "eve@example.com", "--json").json()
    assert shown["person"]["name"] == "Eve]0;pwned[31m Mallory"
    assert shown["person"]["notes"] == "hello]0;pwned there\nsecond line"
    cli("log", "eve@example.com", "-s", f"call{TITLE}", "-n", f"said {RED}hi")
    for args in (
        ("person", "show", "eve@example.com"),
        ("brief", "eve@example.com"),
        ("search", "Mallory"),
    ):
        _no_raw_controls(cli(*args).stdout)


def _store_raw(database_url: str, name: str, notes: str) -> None:
    """Text written before control characters were stripped on input."""
    engine = create_engine(database_url)
    with engine.begin() as c:
        c.execute(text("UPDATE person SET full_name = :n, notes = :t"), {"n": name, "t": notes})
    engine.dispose()


def test_stored_control_characters_are_shown_not_obeyed(cli: Cli, database_url: str) -> None:
    cli("person", "add", "Eve Mallory", "--email", "eve@example.com")
    _store_raw(database_url, f"Eve{TITLE}{RED}", f"note\x9b31m{RED}\x7f")
    for args in (
        ("person", "list"),
        ("person", "show", "eve@example.com"),
        ("brief", "eve@example.com"),
        ("search", "Eve"),
    ):
        out = cli(*args).stdout
        _no_raw_controls(out)
        assert "Eve␛]0;pwned␇␛[31m" in out, (args, out)
    as_json = cli("person", "list", "--json")
    _no_raw_controls(as_json.stdout)
    assert as_json.json()["people"][0]["name"] == f"Eve{TITLE}{RED}"  # JSON escapes, keeps
    shown = cli("person", "show", "eve@example.com", "--json")
    _no_raw_controls(shown.stdout)
    assert shown.json()["person"]["notes"] == f"note\x9b31m{RED}\x7f"
    missing = cli("person", "show", f"nobody{RED}", ok=False)
    _no_raw_controls(missing.stderr)
