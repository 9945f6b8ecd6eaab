"""The IMAP connector against a real Dovecot (tests/imap_server.py): what a first sync
brings, what a sync with nothing new costs, threads across syncs, UIDVALIDITY
changes, mbox then sync, read-only, TLS, and failures in words."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from rapport.errors import SyncFailed
from rapport.services import owner, people, sync_accounts
from rapport.services import sync as sync_runner
from rapport.services.context import Rapport
from rapport.services.imports import ImportOptions
from rapport.services.imports import run as import_run
from rapport.services.secret_box import for_data_dir
from rapport.services.sync import imap
from rapport.services.sync_accounts import AccountConfig, AccountSpec
from rapport.storage.schema import Interaction, InteractionParticipant
from rapport.storage.sync_tables import SyncCursor
from tests.imap_server import Dovecot, email, running

ME = "ana@example.com"
DAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def server() -> Iterator[Dovecot]:
    yield from running()


def account(app: Rapport, server: Dovecot, **changes: object) -> AccountConfig:
    """The server's account, stored as the user adds it (its password sealed)."""
    box = for_data_dir(app.settings.data_dir)
    spec = AccountSpec(
        kind="imap", host="127.0.0.1", port=server.port, security="none",
        username=server.user, password=server.password, name="work mail",
    )  # fmt: skip
    for key, value in changes.items():
        setattr(spec, key, value)
    with app.open(write=True) as ctx:
        view = sync_accounts.add(ctx, box, spec)
    with app.open() as ctx:
        return sync_accounts.config(sync_accounts.get_row(ctx, view.id), box)


def run(app: Rapport, acc: AccountConfig, *, batch: int = imap.BATCH) -> imap.Outcome:
    return imap.run(app, acc, lambda *_: None, threading.Event(), batch=batch)


def person(app: Rapport, name: str, address: str) -> int:
    with app.open(write=True) as ctx:
        return people.add(ctx, {"full_name": name, "emails": [address]}).id


def email_rows(app: Rapport) -> list[tuple[str, str, str | None, list[int]]]:
    """(external id, summary, notes, participant ids) of every email interaction."""
    with app.open() as ctx:
        rows = ctx.session.execute(
            select(Interaction.id, Interaction.external_id, Interaction.summary,
                   Interaction.notes).where(Interaction.kind == "email")
            .order_by(Interaction.occurred_at, Interaction.id)
        ).all()  # fmt: skip
        found = []
        for iid, external, summary, notes in rows:
            pids = sorted(
                ctx.session.scalars(
                    select(InteractionParticipant.person_id).where(
                        InteractionParticipant.interaction_id == iid
                    )
                )
            )
            found.append((external, summary, notes, pids))
        return found


def lunch_thread() -> list[bytes]:
    return [
        email("Bo Chen <bo@acme.com>", [ME], "Lunch?", DAY, "lunch-1@acme.com"),
        email(
            "Bo Chen <bo@acme.com>", [ME, "cy@acme.com"], "Re: Lunch?", DAY + dt.timedelta(hours=1),
            "lunch-3@acme.com", reply_to="lunch-2@example.com",
            references=["lunch-1@acme.com", "lunch-2@example.com"],
        ),
    ]  # fmt: skip


def noise() -> list[bytes]:
    return [
        email("Weekly <news@lists.acme.com>", [ME], "Digest", DAY, "list-1@acme.com",
              extra=["List-Id: <weekly.acme.com>"]),
        email("Shop <no-reply@shop.com>", [ME], "Your order", DAY, "order-1@shop.com"),
        email("Bulk <bo@acme.com>", [ME], "Offer", DAY, "bulk-1@acme.com",
              extra=["Precedence: bulk"]),
    ]  # fmt: skip


def my_reply() -> bytes:
    return email(
        f"Ana <{ME}>", ["bo@acme.com"], "Re: Lunch?", DAY + dt.timedelta(minutes=30),
        "lunch-2@example.com", reply_to="lunch-1@acme.com", references=["lunch-1@acme.com"],
    )  # fmt: skip


# --- what a first sync brings -----------------------------------------------------------


def test_first_sync_logs_a_conversation_per_thread_and_day_with_known_people(
    app: Rapport, server: Dovecot
) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", [*lunch_thread(), *noise()])
    server.deliver("Sent", [my_reply()])
    acc = account(app, server)
    outcome = run(app, acc)
    rows = email_rows(app)
    assert rows == [("2026-11-02/lunch-1@acme.com", "Lunch?", "3 messages", [bo])]
    assert outcome.counts["interactions"] == 1
    assert outcome.folders == ["INBOX", "Sent"]
    with app.open() as ctx:
        assert ME in owner.addresses(ctx)  # the account's address is the user's
        assert people.show(ctx, bo).last_contact_at is not None


def test_the_sync_leaves_every_flag_as_it_was(app: Rapport, server: Dovecot) -> None:
    person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", lunch_thread())
    run(app, account(app, server))
    client = IMAPClient("127.0.0.1", server.port, ssl=False)
    client.login(server.user, server.password)
    client.select_folder("INBOX", readonly=True)
    flags = client.get_flags(client.search(["ALL"]))
    client.logout()
    assert len(flags) == 2
    assert all(b"\\Seen" not in f for f in flags.values())
    assert len(list(server.folder_dir("INBOX").glob("*/*"))) == 2  # nothing deleted


def test_a_sync_with_nothing_new_costs_one_command_per_folder(
    app: Rapport, server: Dovecot
) -> None:
    person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", lunch_thread())
    server.deliver("Sent", [my_reply()])
    acc = account(app, server)
    run(app, acc)
    before = email_rows(app)
    again = run(app, acc)
    assert email_rows(app) == before
    assert again.counts == {"messages": 0, "interactions": 0, "interactions_updated": 0,
                            "correspondents_offered": 0}  # fmt: skip
    # LOGIN, a STATUS per folder (INBOX, Sent), LOGOUT: no LIST (the Sent folder is
    # remembered), no CAPABILITY (it came with LOGIN's answer), no SELECT, no FETCH
    assert again.commands == 2 + 2


def test_new_mail_and_a_later_reply_join_their_conversation(app: Rapport, server: Dovecot) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    cy = person(app, "Cy Diaz", "cy@acme.com")
    first, reply = lunch_thread()
    server.deliver("INBOX", [first])
    acc = account(app, server)
    run(app, acc)
    assert email_rows(app) == [("2026-11-02/lunch-1@acme.com", "Lunch?", None, [bo])]
    server.deliver("Sent", [my_reply()])
    server.deliver("INBOX", [reply])
    outcome = run(app, acc)
    assert outcome.counts["interactions"] == 0
    assert email_rows(app) == [("2026-11-02/lunch-1@acme.com", "Lunch?", "3 messages", [bo, cy])]
    # a reply on another day is that day's conversation of the same thread
    next_day = email(
        "Bo Chen <bo@acme.com>", [ME], "Re: Lunch?", DAY + dt.timedelta(days=1),
        "lunch-4@acme.com", references=["lunch-1@acme.com", "lunch-3@acme.com"],
    )  # fmt: skip
    server.deliver("INBOX", [next_day])
    run(app, acc)
    assert [r[0] for r in email_rows(app)] == [
        "2026-11-02/lunch-1@acme.com", "2026-11-03/lunch-1@acme.com",
    ]  # fmt: skip


def test_batches_give_what_one_fetch_gives(app: Rapport, server: Dovecot) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", [*lunch_thread(), *noise()])
    server.deliver("Sent", [my_reply()])
    seen: list[tuple[str, int, int | None]] = []
    acc = account(app, server)
    imap.run(app, acc, lambda *a: seen.append(a), threading.Event(), batch=1)
    assert email_rows(app) == [("2026-11-02/lunch-1@acme.com", "Lunch?", "3 messages", [bo])]
    assert seen[:5] == [("INBOX", n, 5) for n in range(1, 6)]


def test_a_new_uidvalidity_rescans_the_folder_without_doubling(
    app: Rapport, server: Dovecot
) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", lunch_thread())
    acc = account(app, server)
    run(app, acc)
    before = email_rows(app)
    with app.open() as ctx:
        validity = ctx.session.scalar(
            select(SyncCursor.uidvalidity).where(SyncCursor.folder == "INBOX")
        )
    server.renumber("INBOX")
    server.deliver("INBOX", noise())
    outcome = run(app, acc)
    with app.open() as ctx:
        assert (
            ctx.session.scalar(select(SyncCursor.uidvalidity).where(SyncCursor.folder == "INBOX"))
            != validity
        )
    assert outcome.counts["messages"] == 0  # every message known by its Message-ID
    assert email_rows(app) == before
    assert before[0][3] == [bo]


def test_mail_imported_from_an_mbox_file_and_then_synced_does_not_double(
    app: Rapport, server: Dovecot, tmp_path: Path
) -> None:
    person(app, "Bo Chen", "bo@acme.com")
    messages = [*lunch_thread(), my_reply()]
    mbox = tmp_path / "mail.mbox"
    mbox.write_bytes(b"".join(b"From x@y Mon Nov  2 09:00:00 2026\n" + m.replace(b"\r\n", b"\n")
                              + b"\n" for m in messages))  # fmt: skip
    with app.open(write=True) as ctx:
        summary = import_run(ctx, mbox, ImportOptions(me=[ME], add_people=False))
    assert summary.created == 1
    imported = email_rows(app)
    server.deliver("INBOX", lunch_thread())
    server.deliver("Sent", [my_reply()])
    outcome = run(app, account(app, server))
    assert email_rows(app) == imported
    assert outcome.counts["interactions"] == outcome.counts["messages"] == 0


# --- stopped, killed, resumed -----------------------------------------------------------


def test_a_sync_stopped_between_batches_resumes_without_loss_or_double(
    app: Rapport, server: Dovecot
) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", [*lunch_thread(), *noise()])
    server.deliver("Sent", [my_reply()])
    acc = account(app, server)
    stop = threading.Event()

    def progress(folder: str, done: int, total: int | None) -> None:
        if done == 2:
            stop.set()

    imap.run(app, acc, progress, stop, batch=1)
    with app.open() as ctx:
        assert ctx.session.scalar(
            select(SyncCursor.last_uid).where(SyncCursor.folder == "INBOX")
        ) == 2  # fmt: skip
    run(app, acc, batch=1)
    assert email_rows(app) == [("2026-11-02/lunch-1@acme.com", "Lunch?", "3 messages", [bo])]


def test_the_runner_syncs_the_account_and_keeps_its_counts(app: Rapport, server: Dovecot) -> None:
    person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", lunch_thread())
    acc = account(app, server)
    result = sync_runner.run(app, for_data_dir(app.settings.data_dir), acc.id, force=True)
    assert result.outcome == "synced", result.message
    assert result.counts["interactions"] == 1
    with app.open() as ctx:
        assert sync_accounts.get(ctx, acc.id).totals["messages"] == 2


# --- signing in ------------------------------------------------------------------------


def test_check_says_what_is_in_each_folder(app: Rapport, server: Dovecot) -> None:
    server.deliver("INBOX", lunch_thread())
    server.deliver("Sent", [my_reply()])
    assert imap.check(account(app, server)) == "INBOX: 2 messages; Sent: 1 message"


def test_a_wrong_password_fails_in_words_without_the_password(
    app: Rapport, server: Dovecot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # imapclient logs every command at DEBUG
    acc = account(app, server, password="not-the-right-one")
    with pytest.raises(SyncFailed) as failed:
        run(app, acc)
    assert "refused the sign-in for ana@example.com" in str(failed.value)
    assert "not-the-right-one" not in str(failed.value)
    assert "LOGIN" in caplog.text or "login" in caplog.text
    assert "not-the-right-one" not in caplog.text


def test_no_server_and_a_missing_folder_fail_in_words(app: Rapport, server: Dovecot) -> None:
    from bench.dovecot import free_port

    with pytest.raises(SyncFailed, match=r"cannot connect to 127\.0\.0\.1:\d+"):
        imap.check(account(app, server, port=free_port(), name="nowhere"))
    with pytest.raises(SyncFailed, match="the folder 'Projects' is not on the server"):
        run(app, account(app, server, folders=["Projects"], name="projects"))


@pytest.fixture
def tls_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dovecot]:
    for found in running(tls=True):
        # the test's self-signed certificate is the one authority trusted
        monkeypatch.setenv("SSL_CERT_FILE", str(found.root / "cert.pem"))
        yield found


def test_tls_and_starttls(
    app: Rapport, tls_server: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    tls_server.deliver("INBOX", lunch_thread())
    assert tls_server.tls_port is not None
    secure = account(app, tls_server, host="localhost", port=tls_server.tls_port,
                     security="tls")  # fmt: skip
    run(app, secure)
    assert email_rows(app)[0][3] == [bo]
    upgraded = account(app, tls_server, host="localhost", security="starttls", name="starttls")
    assert imap.check(upgraded).startswith("INBOX: 2 messages")
    # a certificate no authority vouches for is refused
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")
    with pytest.raises(SyncFailed, match="TLS"):
        imap.check(secure)


def test_folders_on_request_are_followed_too(app: Rapport, server: Dovecot) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", [])
    server.deliver("Projects", lunch_thread())
    outcome = run(app, account(app, server, folders=["Projects"]))
    assert outcome.folders == ["INBOX", "Projects"]  # no Sent folder on this server yet
    assert email_rows(app)[0][3] == [bo]


def test_a_renamed_sent_folder_is_found_again(app: Rapport, server: Dovecot) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    server.deliver("INBOX", lunch_thread()[:1])
    server.deliver("Archive", [])  # (the server's \\Sent folder, "Sent", is not there)
    server.deliver("Sent Items", [my_reply()])
    acc = account(app, server)
    assert run(app, acc).folders == ["INBOX", "Sent Items"]  # found by its name
    assert email_rows(app) == [("2026-11-02/lunch-1@acme.com", "Lunch?", "2 messages", [bo])]
    server.folder_dir("Sent Items").rename(server.folder_dir("Sent Mail"))
    again = run(app, acc)
    assert again.folders == ["INBOX", "Sent Mail"]  # STATUS "Sent Items" failed, LIST found it
    assert email_rows(app)[0][2] == "2 messages"  # the same messages: nothing doubled
    assert run(app, acc).commands == 2 + 2  # the new name remembered
