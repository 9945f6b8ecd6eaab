"""Contact CSVs: LinkedIn, Google, Outlook, any CSV with a mapping; Rapport's own."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.adapters import csv_contacts
from rapport.adapters.records import ContactRecord, PartialDate, Skipped
from rapport.errors import ImportFailed
from tests.generate_samples import linkedin_csv
from tests.strategies import contact_records

SAMPLES = Path(__file__).parent / "samples"


def _records(items: list[ContactRecord | Skipped]) -> list[ContactRecord]:
    return [i for i in items if isinstance(i, ContactRecord)]


def test_linkedin_notes_before_header_and_bad_rows_with_line_numbers() -> None:
    items = list(csv_contacts.parse(SAMPLES / "linkedin-Connections.csv"))
    ana, bruno, zoe, hiroshi, carla = _records(items)
    assert (ana.given_name, ana.family_name, ana.name) == ("Ana", "Lima", "Ana Lima")
    assert ana.emails == ["ana@acme.com"]
    assert ana.urls == ["https://www.linkedin.com/in/ana-lima"]
    assert (ana.organization, ana.title) == ("Acme Corp", "CTO")
    assert ana.met_on == dt.date(2021, 3, 12)  # "Connected On" is when we met
    assert ana.how_met == "LinkedIn"
    assert bruno.title == "Engineering Manager, Platform"  # quoted comma
    assert zoe.organization == "Monsters, Inc."
    assert zoe.name == "Zoë Ñúñez-García"
    assert hiroshi.organization is None and hiroshi.emails == []
    assert carla.met_on is None and carla.warnings
    assert [s for s in items if isinstance(s, Skipped)] == [
        Skipped(9, "no name and no email"),
        Skipped(10, "9 fields where the header has 7"),
    ]
    assert ana.line == 5


def test_google_contacts_multiline_cells_and_labels() -> None:
    diego, eva = _records(list(csv_contacts.parse(SAMPLES / "google-contacts.csv")))
    assert diego.name == "Diego Ramos" and diego.nickname == "Dieguito"
    assert diego.emails == ["diego@vandelay.example", "diego.ramos@gmail.com"]
    assert diego.phones == ["+1 212 555 0134", "+1 212 555 0199"]  # " ::: " lists
    assert diego.tags == ["Friends", "Imports"]  # not Google's "* myContacts"
    assert diego.notes == "Loves jazz.\nAsk about his boat."
    assert diego.location == "129 West 81st Street, New York, NY 10024"
    assert diego.birthday == PartialDate(6, 12, 1985)
    assert eva.line == 5  # Diego's row spans lines 2–4
    assert eva.birthday == PartialDate(3, 8, None)


def test_outlook_csv_in_windows_1252() -> None:
    (francois,) = _records(list(csv_contacts.parse(SAMPLES / "outlook-contacts.csv")))
    assert francois.name == "François Lefèvre"
    assert (francois.organization, francois.title) == ("Lefèvre Conseil", "Associé")
    assert francois.emails == ["francois@lefevre-conseil.fr"]
    assert francois.phones == ["06 12 34 56 78", "+33 1 40 00 00 00"]  # no fax
    assert francois.tags == ["Clients", "Lyon"]
    assert francois.birthday == PartialDate(3, 14, 1979)
    assert francois.anniversary is None and not francois.warnings  # "0/0/00"
    assert francois.location == "Lyon"


def test_generic_csv_with_a_mapping_and_semicolons() -> None:
    mapping = {"Kontakt": "name", "E-Mail-Adresse": "email", "Firma": "organization",
               "Stichworte": "tags"}  # fmt: skip
    soren, lukasz = _records(list(csv_contacts.parse(SAMPLES / "crm-export.csv", mapping=mapping)))
    assert soren.name == "Søren Jensen" and soren.organization == "Nordisk Data"
    assert soren.tags == ["lead", "nordic"]
    assert soren.title is None  # "Position" was not mapped
    assert lukasz.emails == ["lukasz@example.pl"]


def test_generic_csv_columns_guessed_from_common_names() -> None:
    data = "Name,Email,Company,Phone\nAna Lima,ana@acme.com,Acme,+351 912 345 678\n"
    (ana,) = _records(list(csv_contacts.parse(data.encode())))
    assert (ana.name, ana.emails, ana.organization) == ("Ana Lima", ["ana@acme.com"], "Acme")


@pytest.mark.parametrize(
    ("data", "mapping", "reason"),
    [
        (b"a,b,c\n1,2,3\n", None, "no header row with a name or email column"),
        (b"Name,Email\nAna,a@b.c\n", {"Full": "name"}, "no row holds all the mapped columns"),
        (b"Name,Email\nAna,a@b.c\n", {"Name": "shoe_size"}, "cannot map a column to 'shoe_size'"),
        (b"\x00\x00\x01PK\x03\x04" * 30, None, "binary data"),
    ],
)
def test_file_level_problems(data: bytes, mapping: dict[str, str] | None, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason):
        list(csv_contacts.parse(data, mapping=mapping))


def test_encodings_utf16_and_latin1() -> None:
    text = "Name,Email\nJosé Núñez,jose@example.com\n"
    for data in (text.encode("utf-16"), text.encode("latin-1"), text.encode("utf-8-sig")):
        (jose,) = _records(list(csv_contacts.parse(data)))
        assert jose.name == "José Núñez"


def test_flavour_sniffing() -> None:
    assert csv_contacts.sniff(linkedin_csv(3)) == "linkedin"
    assert csv_contacts.sniff((SAMPLES / "google-contacts.csv").read_text("utf-8-sig")) == "google"
    assert csv_contacts.sniff((SAMPLES / "outlook-contacts.csv").read_text("cp1252")) == "outlook"
    assert csv_contacts.sniff("Name,Email\nA,a@b.c\n") == "csv"
    assert csv_contacts.sniff("hello world\n") is None


@settings(max_examples=60, deadline=None)
@given(st.lists(contact_records(), min_size=1, max_size=4))
def test_write_then_parse_gives_the_records_back(records: list[ContactRecord]) -> None:
    out = io.StringIO()
    csv_contacts.write([(r, i) for i, r in enumerate(records)], out)
    back = list(csv_contacts.parse(out.getvalue().encode("utf-8"), flavour="rapport"))
    assert len(back) == len(records)
    for rec, again in zip(records, back, strict=True):
        assert isinstance(again, ContactRecord)
        for name in (
            "full_name", "given_name", "family_name", "nickname", "organization", "title",
            "emails", "phones", "urls", "location", "timezone", "notes", "tags", "types",
            "birthday", "met_on", "how_met",
        ):  # fmt: skip
            assert getattr(again, name) == getattr(rec, name), name


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=300)
    | st.text(max_size=300).map(lambda t: ("First Name,Last Name,Email\n" + t).encode())
)
def test_any_bytes_give_records_or_import_failed(data: bytes) -> None:
    try:
        for item in csv_contacts.parse(data):
            assert isinstance(item, ContactRecord | Skipped)
    except ImportFailed:
        pass


# --- the preview a CSV's columns are mapped on ----------------------------------------


def test_preview_shows_an_unknown_header_and_the_first_rows_with_guesses() -> None:
    shown = csv_contacts.preview(SAMPLES / "crm-export.csv")
    assert shown.header_line == 1
    assert shown.header == (
        "Kontakt",
        "E-Mail-Adresse",
        "Firma",
        "Position",
        "Telefon",
        "Stichworte",
    )
    assert shown.fields == (None, None, None, "title", None, None)  # 'Position' is a job title
    assert shown.rows[0] == (
        2,
        ("Søren Jensen", "soren@nordisk.example", "Nordisk Data", "CTO", "+45 32 12 34 56",
         "lead, nordic"),
    )  # fmt: skip
    assert shown.rows[1] == (3, ("Łukasz Nowak", "lukasz@example.pl", "", "Freelancer", "", ""))


def test_preview_reads_as_parse_does() -> None:
    """LinkedIn's notes before the header, a byte-order mark and UTF-16, a quoted field
    over two lines, short rows padded, blank rows passed over, at most `rows` rows."""
    linkedin = csv_contacts.preview(SAMPLES / "linkedin-Connections.csv", rows=2)
    assert linkedin.header_line > 1 and linkedin.header[:2] == ("First Name", "Last Name")
    assert linkedin.fields[:2] == ("given_name", "family_name") and len(linkedin.rows) == 2
    text = 'Full Name\tMail\tNotes\n\nAna Lima\tana@acme.com\t"two\nlines"\nBo\n'
    for data in (text.encode("utf-8-sig"), text.encode("utf-16")):
        shown = csv_contacts.preview(data)
        assert shown.header == ("Full Name", "Mail", "Notes")
        assert shown.fields == ("name", "email", "notes")
        assert shown.rows == ((3, ("Ana Lima", "ana@acme.com", "two\nlines")), (5, ("Bo", "", "")))


def test_preview_refuses_what_parse_refuses_with_the_line() -> None:
    with pytest.raises(ImportFailed, match="the file is empty"):
        csv_contacts.preview(b"\n\n  \n")
    with pytest.raises(ImportFailed, match="binary data"):
        csv_contacts.preview(b"\x00\x01\x02" * 100)
    with pytest.raises(ImportFailed, match="a field longer than") as raised:
        csv_contacts.preview(b'name,notes\nAna,ok\nBo,"' + b"x" * 140_000 + b'"\n')
    assert raised.value.line == 3


@given(st.binary(max_size=300))
def test_preview_of_any_bytes_is_a_preview_or_import_failed(data: bytes) -> None:
    try:
        shown = csv_contacts.preview(data)
    except ImportFailed:
        return
    assert all(len(cells) == len(shown.header) for _, cells in shown.rows)
    assert len(shown.fields) == len(shown.header)


def test_a_mapping_must_give_a_name_or_an_email() -> None:
    assert csv_contacts.mapping_of(["Full Name=name", " Mail = email "]) == {
        "Full Name": "name",
        "Mail": "email",
    }
    assert csv_contacts.mapping_of([]) is None
    with pytest.raises(ImportFailed, match="no column is mapped to a name or an email"):
        list(csv_contacts.parse(SAMPLES / "crm-export.csv", mapping={"Firma": "organization"}))
