"""Email in: mbox, Maildir, single messages (ours and CPython's test messages)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.adapters import mail
from rapport.adapters.records import MessageRecord, Skipped
from rapport.errors import ImportFailed
from tests.generate_samples import mbox

SAMPLES = Path(__file__).parent / "samples"
ME = {"sam@example.com"}
LISBON = ZoneInfo("Europe/Lisbon")


def _messages(items: list[MessageRecord | Skipped]) -> list[MessageRecord]:
    return [i for i in items if isinstance(i, MessageRecord)]


def test_mbox_headers_encodings_and_noise() -> None:
    items = list(mail.parse(SAMPLES / "inbox.mbox"))
    messages = {m.message_id: m for m in _messages(items)}
    reply = messages["pilot-2@acme.com"]
    assert reply.sender.name == "Ana Lima (Acme)"  # UTF-8 Q-encoded word
    assert [a.name for a in reply.recipients] == ["Sam", "José Núñez"]  # Latin-1 B-encoded
    assert reply.thread_key == "pilot-1@example.com" and reply.line == 14
    assert messages["pilot-1@example.com"].recipients[0].name == "Lima, Ana"  # comma in a name
    assert messages["coffee-1@globex.io"].subject == "Café na próxima semana?"
    assert messages["coffee-1@globex.io"].sent_at.utcoffset() == dt.timedelta(hours=-3)
    # an unreadable Date header: the mbox From_ line gives the time
    assert messages["latex-1@vandelay.example"].sent_at == dt.datetime(
        2026, 11, 7, 12, 0, tzinfo=dt.UTC
    )
    # raw 8-bit Latin-1 headers
    assert messages["cv-1@example.ru"].sender.name == "Igor Lefèvre"
    assert messages["cv-1@example.ru"].subject == "Résumé"
    # a body line starting with "From " did not split the first message
    assert len(messages) == 7
    left_out = {s.reason for s in items if isinstance(s, Skipped)}
    assert left_out == {
        "mailing-list message (List-Id)",
        "automatic sender noreply@github.com",
        "automatic message (Auto-Submitted: auto-replied)",
        "no sender address",
    }


def test_conversations_one_per_thread_per_day_with_direction() -> None:
    messages = _messages(list(mail.parse(SAMPLES / "inbox.mbox")))
    found, skipped = mail.conversations(messages, ME, LISBON)
    assert not skipped
    pilot = [c for c in found if c.subject == "Pilot scope"]
    # Nov 2 (two messages, Sam wrote first) and Nov 3 (a reply by In-Reply-To only)
    assert [(c.started_at.date().isoformat(), c.messages, c.direction) for c in pilot] == [
        ("2026-11-02", 2, "me"),
        ("2026-11-03", 1, "me"),
    ]
    assert pilot[0].external_id.split("/", 1)[1] == pilot[1].external_id.split("/", 1)[1]
    assert {a.email for a in pilot[0].counterparts} == {"ana@acme.com", "jose@acme.com"}
    coffee = next(c for c in found if c.subject.startswith("Café"))
    assert coffee.direction == "them"
    assert coffee.started_at.astimezone(LISBON).date() == dt.date(2026, 11, 4)


def test_messages_not_involving_the_user_are_left_out() -> None:
    messages = _messages(list(mail.parse(SAMPLES / "real" / "cpython-msg_20.eml")))
    found, skipped = mail.conversations(messages, {"nobody@example.com"}, LISBON)
    assert not found and skipped[0].reason == "neither from you nor to you"
    found, _ = mail.conversations(messages, {"bbb@zzz.org"}, LISBON)
    assert {a.email for a in found[0].counterparts} == {
        "bbb@ddd.com", "ccc@zzz.org", "ddd@zzz.org", "eee@zzz.org",
    }  # fmt: skip


def test_cpython_test_messages() -> None:
    (msg,) = mail.parse(SAMPLES / "real" / "cpython-msg_01.eml")
    assert isinstance(msg, MessageRecord)
    assert (msg.sender.email, msg.sender.name) == ("bbb@ddd.com", "John X. Doe")
    assert msg.delivered_to == ["bbb@zzz.org"]
    assert next(iter(mail.parse(SAMPLES / "real" / "cpython-msg_25.eml"))) == Skipped(
        1, "automatic message (Auto-Submitted: auto-generated (failure))", invalid=False
    )  # a bounce from MAILER-DAEMON
    (bulk,) = mail.parse(SAMPLES / "real" / "cpython-msg_33.eml")
    assert isinstance(bulk, Skipped) and not bulk.invalid
    for name in ("cpython-msg_15.eml", "cpython-msg_35.eml"):  # no Date at all
        (bad,) = mail.parse(SAMPLES / "real" / name)
        assert bad == Skipped(1, "no readable Date header")


def test_maildir_and_folder_of_eml(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "box" / sub).mkdir(parents=True)
    shutil.copy(SAMPLES / "thanks.eml", tmp_path / "box" / "cur" / "1700000000.1.host:2,S")
    shutil.copy(
        SAMPLES / "real" / "cpython-msg_35.eml", tmp_path / "box" / "new" / "1700000001.2.host"
    )
    items = list(mail.parse(tmp_path / "box"))
    assert isinstance(items[0], MessageRecord) and items[0].subject == "Thanks for the intro!"
    assert items[1] == Skipped(None, "1700000001.2.host: no readable Date header")
    with pytest.raises(ImportFailed, match="no messages here"):
        list(mail.parse(tmp_path / "box" / "tmp"))


def test_guess_own_address_from_a_generated_mailbox() -> None:
    messages = _messages(list(mail.parse(mbox(200, me="me@home.example"))))
    assert mail.guess_own(messages) == "me@home.example"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00" * 20, "binary data"),
        (b"just some words\nnothing like mail\n", "not an email message"),
    ],
)
def test_not_mail(data: bytes, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason):
        list(mail.parse(data))


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=300)
    | st.text(max_size=300).map(lambda t: ("From a@b.c Mon Nov 02 09:15:00 2026\n" + t).encode())
    | st.text(max_size=300).map(lambda t: ("From: =?utf-8?q?x?= <a@b.c>\nDate: " + t).encode())
)
def test_any_bytes_give_records_or_import_failed(data: bytes) -> None:
    try:
        items = list(mail.parse(data))
    except ImportFailed:
        return
    assert all(isinstance(i, MessageRecord | Skipped) for i in items)
    mail.conversations(_messages(items), ME, LISBON)
