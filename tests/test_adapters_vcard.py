"""vCard in (2.1, 3.0, 4.0, real files from vobject) and out (4.0), without a database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.adapters import vcard
from rapport.adapters.records import ContactRecord, PartialDate, Skipped
from rapport.errors import ImportFailed
from tests.strategies import contact_records

SAMPLES = Path(__file__).parent / "samples"


def _parse(name: str) -> list[ContactRecord | Skipped]:
    return list(vcard.parse(SAMPLES / name))


def test_vcard_21_quoted_printable_latin1_and_photo() -> None:
    juergen, chidi, nameless = _parse("contacts-2.1-phone.vcf")
    assert isinstance(juergen, ContactRecord)
    assert juergen.name == "Jürgen Müller"
    assert (juergen.given_name, juergen.family_name) == ("Jürgen", "Müller")
    assert juergen.organization == "Bäckerei Schmidt GmbH"  # UTF-8 quoted-printable
    assert juergen.location == "Hauptstraße 5, München, 80331, Deutschland"
    # a soft line break inside the quoted-printable note, and an encoded CRLF
    assert juergen.notes == "Met at the Hannover fair, stand 4\nLikes hiking, chess and good bread."
    assert juergen.phones == ["+49 30 1234567", "0171 2345678"]
    assert juergen.birthday == PartialDate(4, 12, 1970)
    assert juergen.dropped == ["photo"]
    assert isinstance(chidi, ContactRecord)
    assert chidi.anniversary == PartialDate(6, 20, 2015)
    assert chidi.tags == ["Family", "Lagos"]
    assert nameless == Skipped(27, "a card without a name, organization or email")


def test_vcard_30_apple_groups_commas_and_yearless_birthday() -> None:
    ana, globex, bruno = _parse("contacts-3.0-apple.vcf")
    assert isinstance(ana, ContactRecord) and isinstance(globex, ContactRecord)
    assert ana.emails == ["ana@acme.com", "ana.lima@gmail.com"]
    assert ana.organization == "Acme Corp" and ana.title == "CTO"
    assert ana.nickname == "Aninha"
    # vobject itself would keep only "Met at WebSummit" (text before the first comma)
    assert ana.notes == (
        "Met at WebSummit, stand B12. Interested in AI agents, evals and hiking. "
        "Two kids; prefers mornings."
    )
    assert ana.birthday == PartialDate(6, 12, None)  # 1604 + X-APPLE-OMIT-YEAR
    assert ana.urls == ["https://www.linkedin.com/in/ana-lima"]
    assert ana.tags == ["client", "lisbon"]
    assert ana.dropped == ["photo"]
    assert globex.name == "Globex Corporation"  # a company card
    assert (globex.kind, globex.organization) == ("org", "Globex Corporation")
    assert (ana.kind, bruno.kind) == ("individual", "individual")
    assert isinstance(bruno, ContactRecord)
    assert bruno.birthday is None
    assert any("1988-02-30" in w for w in bruno.warnings)


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (["KIND:org", "FN:Initech"], "org"),  # RFC 6350 6.1.4, FN is the org's name
        (["KIND:ORG", "FN:Initech", "ORG:Initech"], "org"),
        (["FN:Globex", "ORG:Globex;", "X-ABShowAs:COMPANY"], "org"),  # Apple, vCard 3.0
        (["N:;;;;", "ORG:Umbrella Corp"], "org"),  # no name but the organization's
        (["FN:umbrella  CORP", "N:Umbrella Corp;;;;", "ORG:Umbrella Corp"], "org"),
        (["FN:Ana Lima", "ORG:Acme"], "individual"),
        (["FN:Ana", "N:Lima;Ana;;;", "ORG:Ana"], "individual"),  # N names a person
        (["KIND:individual", "FN:Acme", "ORG:Acme"], "individual"),  # said outright
        (["KIND:group", "FN:Book club", "ORG:Book club"], "individual"),
        (["FN:Ana Lima", "X-ABShowAs:PERSON", "ORG:Acme"], "individual"),
        (['FN;CHARSET="utf:Ana', "ORG:Acme"], "individual"),  # a damaged name is no sign
    ],
)
def test_organisation_cards_are_told_apart(lines: list[str], kind: str) -> None:
    card = "\r\n".join(["BEGIN:VCARD", "VERSION:4.0", *lines, "END:VCARD", ""])
    (rec,) = list(vcard.parse(card.encode()))
    assert isinstance(rec, ContactRecord) and rec.kind == kind
    if kind == "org":
        assert rec.organization and rec.name == rec.organization and not rec.family_name


def test_an_organisation_card_without_a_name_is_skipped() -> None:
    card = b"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nEMAIL:a@b.example\r\nEND:VCARD\r\n"
    assert list(vcard.parse(card)) == [Skipped(1, "an organization card without a name")]


def test_vcard_40_uri_phones_and_leap_day() -> None:
    (carla,) = _parse("contacts-4.0-nextcloud.vcf")
    assert isinstance(carla, ContactRecord)
    assert carla.phones == ["+55-11-91234-5678"]  # "tel:" URI unwrapped
    assert carla.birthday == PartialDate(2, 29, None)
    assert carla.anniversary == PartialDate(6, 14, 2014)
    assert carla.timezone == "America/Sao_Paulo"
    assert (
        carla.notes
        == "Introduced by Ana, after the WebSummit dinner.\nWants feedback on her portfolio."
    )


def test_real_vobject_test_files() -> None:
    (berger,) = _parse("real/vobject-vcard_with_groups.vcf")
    assert isinstance(berger, ContactRecord)
    assert berger.name == "Meister Berger"
    assert berger.emails == ["mb@goerlitz.de"]
    assert berger.birthday == PartialDate(9, 21, 1963)
    assert berger.location == "Hufenshlagel 1234, 02828 Goerlitz, Deutschland"
    (daffy,) = _parse("real/vobject-simple_3_0_test.vcf")
    assert isinstance(daffy, ContactRecord)
    assert daffy.organization == "University of Novosibirsk"
    assert daffy.birthday == PartialDate(2, 10, None)
    assert len(daffy.phones) == 3


def test_truncated_file_fails_with_the_line_of_the_open_card() -> None:
    with pytest.raises(ImportFailed, match=r"truncated.vcf:1: the file ends inside the card"):
        _parse("truncated.vcf")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "no vCard"),
        (b"\x00\x01\x02\xff" * 40, "binary data"),
        (b"First Name,Last Name\nAna,Lima\n", "no vCard"),
    ],
)
def test_not_a_vcard(data: bytes, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason):
        list(vcard.parse(data))


def test_utf16_file_with_bom() -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ñúñez\r\nEND:VCARD\r\n"
    (zoe,) = vcard.parse(text.encode("utf-16"))
    assert isinstance(zoe, ContactRecord) and zoe.name == "Zoë Ñúñez"


def _written(rec: ContactRecord) -> str:
    out = io.StringIO()
    vcard.write([(rec, "urn:rapport:person:1")], out)
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(contact_records())
def test_write_then_parse_gives_the_record_back(rec: ContactRecord) -> None:
    (back,) = vcard.parse(_written(rec).encode("utf-8"))
    assert isinstance(back, ContactRecord)
    for name in (
        "full_name", "given_name", "family_name", "nickname", "organization", "title",
        "emails", "phones", "urls", "location", "timezone", "notes", "tags", "types",
        "birthday", "anniversary", "met_on", "how_met",
    ):  # fmt: skip
        assert getattr(back, name) == getattr(rec, name), name


@settings(max_examples=30, deadline=None)
@given(contact_records())
def test_vobject_reads_what_we_write(rec: ContactRecord) -> None:
    import vobject

    card = vobject.readOne(_written(rec))
    assert card.version.value == "4.0"
    assert len(card.contents.get("email", [])) == len(rec.emails)
    assert card.contents["fn"][0].value.split(",")[0] == rec.name.split(",")[0]
    text = _written(rec)
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=400) | st.text(max_size=300).map(lambda t: ("BEGIN:VCARD\n" + t).encode())
)
def test_any_bytes_give_records_or_import_failed(data: bytes) -> None:
    try:
        for item in vcard.parse(data):
            assert isinstance(item, ContactRecord | Skipped)
    except ImportFailed:
        pass
