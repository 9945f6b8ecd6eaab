"""Telling formats apart by content, and the JSON backup file."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.adapters import backup, detect
from rapport.errors import ImportFailed

SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("contacts-2.1-phone.vcf", "vcard"),
        ("contacts-3.0-apple.vcf", "vcard"),
        ("contacts-4.0-nextcloud.vcf", "vcard"),
        ("real/vobject-vcard_with_groups.vcf", "vcard"),
        ("linkedin-Connections.csv", "linkedin"),
        ("google-contacts.csv", "google"),
        ("outlook-contacts.csv", "outlook"),
        ("crm-export.csv", "csv"),
        ("google-calendar.ics", "ics"),
        ("real/icalendar-property_params.ics", "ics"),
        ("inbox.mbox", "mail"),
        ("thanks.eml", "mail"),
        ("real/cpython-msg_01.eml", "mail"),
        ("real/cpython-msg_35.eml", "mail"),
    ],
)
def test_formats_are_told_by_content(name: str, expected: str) -> None:
    assert detect.detect(SAMPLES / name) == expected
    # the name does not matter
    assert detect.detect((SAMPLES / name).read_bytes()) == expected


def test_a_folder_is_mail(tmp_path: Path) -> None:
    assert detect.detect(tmp_path) == "mail"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"\x00\x01\x02\x03garbage\xff\xfe\x00" * 50, "binary data"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\x00\x00>>\n" * 20, "binary data"),
        (b"hello, this is a letter\n", "cannot tell what kind of file this is"),
    ],
)
def test_unknown_content_is_one_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason):
        detect.detect(data)


def test_format_names_and_aliases() -> None:
    assert detect.canonical("VCF") == "vcard"
    assert detect.canonical("mbox") == "mail"
    assert detect.canonical("json") == "backup"
    with pytest.raises(ImportFailed, match="unknown format 'xls'"):
        detect.canonical("xls")


def test_backup_write_then_parse() -> None:
    out = io.StringIO()
    tables = [
        ("person", ["id", "full_name", "met_on"], [[1, "Ana", "2026-01-02"], [2, "Zoë 🌍", None]]),
        ("tag", ["id", "name"], []),
    ]
    assert backup.write({"schema": "0002"}, tables, out) == 2
    assert detect.detect(out.getvalue().encode()) == "backup"
    parsed = backup.parse(out.getvalue().encode())
    assert parsed.meta == {"schema": "0002"}
    assert list(parsed.tables["person"].dicts()) == [
        {"id": 1, "full_name": "Ana", "met_on": "2026-01-02"},
        {"id": 2, "full_name": "Zoë 🌍", "met_on": None},
    ]
    assert parsed.tables["tag"].rows == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"format": "rapport-backup", "version": 1, "tables": {', "not valid JSON"),
        ('{"format": "something-else"}', "not a Rapport backup"),
        ('{"format": "rapport-backup", "version": 99, "tables": {}}', "backup version 99"),
        ('{"format": "rapport-backup", "version": 1, "tables": {"person": {"columns": ["id"], '
         '"rows": [[1, 2]]}}}', "row 1 has not 1 values"),
    ],
)  # fmt: skip
def test_malformed_backups(text: str, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason):
        backup.parse(text.encode())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_detect_gives_a_format_or_import_failed(data: bytes) -> None:
    with contextlib.suppress(ImportFailed):
        assert detect.detect(data) in detect.FORMATS
