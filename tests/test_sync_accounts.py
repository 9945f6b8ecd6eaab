"""Sync accounts and their runner, on SQLite and PostgreSQL: adding checks what it
keeps and seals the password; a run against a server that is not there records the
failure in words and backs off by the table; two processes never run one account at
once; a password appears nowhere but sealed (database file, journal, backup)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, update

from rapport.errors import Conflict, Invalid, NotFound, SecretUnreadable, SyncFailed
from rapport.services import backup, digest, secret_box, smtp_password, sync, sync_accounts
from rapport.services.context import Rapport
from rapport.services.sync_accounts import AccountSpec
from rapport.settings import Settings
from rapport.storage.schema import JournalEntry, Workspace
from rapport.storage.sync_tables import SyncAccount
from rapport.storage.uow import unit_of_work

ACCOUNT_PASSWORD = "Zq9-account-PASSWORD-7781"
SMTP_PASSWORD = "Smtp-digest-SECRET-4410"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spec(**changes: object) -> AccountSpec:
    values: dict[str, object] = {
        "kind": "imap",
        "host": "127.0.0.1",
        "port": closed_port(),
        "security": "none",
        "username": "sam@example.com",
        "password": ACCOUNT_PASSWORD,
        "name": "work mail",
        "folders": ["Clients"],
    }
    values.update(changes)
    return AccountSpec(**values)  # type: ignore[arg-type]


def add(app: Rapport, **changes: object) -> int:
    with app.open(write=True) as ctx:
        return sync_accounts.add(ctx, secret_box.of(app), spec(**changes)).id


def row(app: Rapport, account_id: int) -> SyncAccount:
    with unit_of_work(app.engine, write=False) as session:
        found = session.get(SyncAccount, account_id)
        assert found is not None
        session.expunge(found)
        return found


# --- the secret box -------------------------------------------------------------------


def test_the_key_file_is_made_once_readable_by_the_user_alone(tmp_path: Path) -> None:
    box = secret_box.for_data_dir(tmp_path)
    mode = stat.S_IMODE((tmp_path / "secret.key").stat().st_mode)
    assert mode == 0o600
    sealed = box.seal("hunter2", "sync_account:1")
    assert "hunter2" not in sealed and sealed.startswith("v1:")
    assert secret_box.for_data_dir(tmp_path).open(sealed, "sync_account:1") == "hunter2"
    with pytest.raises(SecretUnreadable, match="give the password again"):
        box.open(sealed, "sync_account:2")  # bound to its row
    with pytest.raises(SecretUnreadable):
        secret_box.for_data_dir(tmp_path / "elsewhere").open(sealed, "sync_account:1")


def test_the_key_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(secret_box.KEY_ENV, base64.b64encode(os.urandom(32)).decode())
    box = secret_box.for_data_dir(tmp_path)
    assert box.where == secret_box.KEY_ENV
    assert not (tmp_path / "secret.key").exists()
    monkeypatch.setenv(secret_box.KEY_ENV, "too short")
    with pytest.raises(SecretUnreadable, match="32 bytes"):
        secret_box.for_data_dir(tmp_path)


# --- the accounts service -------------------------------------------------------------


def test_an_account_is_kept_with_its_password_sealed(app: Rapport) -> None:
    account_id = add(app)
    stored = row(app, account_id)
    assert stored.secret.startswith("v1:") and ACCOUNT_PASSWORD not in stored.secret
    with app.open() as ctx:
        view = sync_accounts.get(ctx, "work mail")
        assert sync_accounts.get(ctx, str(account_id)) == view
        config = sync_accounts.config(sync_accounts.get_row(ctx, account_id), secret_box.of(app))
    assert config.password == ACCOUNT_PASSWORD
    assert ACCOUNT_PASSWORD not in repr(config) and ACCOUNT_PASSWORD not in repr(view)
    assert view.folders == ["Clients"] and view.enabled and view.has_password
    assert sync_accounts.state(view, dt.datetime.now(dt.UTC)).says == (
        "not synced yet; first sync now"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "pop3"}, "kind"),
        ({"security": "ssl"}, "security"),
        ({"host": "not a host"}, "host"),
        ({"kind": "caldav", "host": "ftp://calendar.example.com"}, "host"),
        ({"port": 70000}, "port"),
        ({"username": " "}, "username"),
        ({"password": ""}, "password"),
        ({"interval_minutes": 0}, "interval"),
        ({"name": "a/b"}, "name"),
        ({"folders": ["ok", "bad\x00"]}, "folders"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    app: Rapport, changes: dict[str, object], field: str
) -> None:
    with app.open(write=True) as ctx, pytest.raises(Invalid) as refused:
        sync_accounts.add(ctx, secret_box.of(app), spec(**changes))
    assert refused.value.field == field
    with app.open() as ctx:
        assert sync_accounts.listing(ctx) == []


def test_names_are_unique_and_references_stay_in_the_workspace(app: Rapport) -> None:
    add(app)
    with app.open(write=True) as ctx, pytest.raises(Conflict, match="--name"):
        sync_accounts.add(ctx, secret_box.of(app), spec())
    with app.open() as ctx:
        for ref in ("nobody", "99999", "99999999999", "²"):
            with pytest.raises(NotFound):
                sync_accounts.get(ctx, ref)


def test_change_pause_resume_and_a_new_password(app: Rapport) -> None:
    account_id = add(app)
    box = secret_box.of(app)
    with app.open(write=True) as ctx:
        view = sync_accounts.change(ctx, box, account_id, enabled=False)
        assert not view.enabled
        assert sync_accounts.state(view, dt.datetime.now(dt.UTC)).next_sync == "paused"
        view = sync_accounts.change(ctx, box, account_id, folders=["A", "A", " B "])
        assert view.folders == ["A", "B"]
        view = sync_accounts.change(ctx, box, account_id, interval_minutes=60, enabled=True)
        assert view.interval_minutes == 60 and view.enabled
        sync_accounts.change(ctx, box, account_id, password="new one")
        with pytest.raises(Invalid):
            sync_accounts.change(ctx, box, account_id, interval_minutes=5000)
    with app.open() as ctx:
        config = sync_accounts.config(sync_accounts.get_row(ctx, account_id), box)
    assert config.password == "new one"


# --- the runner -----------------------------------------------------------------------


def test_a_server_that_is_not_there_is_recorded_in_words(app: Rapport) -> None:
    account_id = add(app)
    result = sync.run(app, secret_box.of(app), account_id)
    assert result.outcome == "failed" and result.message
    with app.open() as ctx:
        view = sync_accounts.get(ctx, account_id)
    assert view.last_error == result.message and view.attempts == 1 and not view.running
    said = sync_accounts.state(view, dt.datetime.now(dt.UTC))
    assert said.says.startswith(f"failed once: {result.message}; next try in ")
    assert sync.run(app, secret_box.of(app), account_id).outcome == "not-due"
    assert sync.due(app) == []


def test_a_failing_server_backs_off_by_the_table(app: Rapport) -> None:
    account_id = add(app, interval_minutes=1)
    box = secret_box.of(app)
    waits = []
    for _ in range(9):
        result = sync.run(app, box, account_id, force=True)
        assert result.outcome == "failed"
        stored = row(app, account_id)
        assert stored.next_run_at is not None and stored.last_error_at is not None
        waits.append(round((stored.next_run_at - stored.last_error_at).total_seconds() / 60))
    # 5 minutes, doubling, at most 6 hours (never sooner than the interval)
    assert waits == [5, 10, 20, 40, 80, 160, 320, 360, 360]
    assert row(app, account_id).attempts == 9
    with app.open(write=True) as ctx:  # a new password tries again at once
        sync_accounts.change(ctx, box, account_id, password="again")
    assert row(app, account_id).attempts == 0
    assert sync.due(app) == [account_id]


def test_the_interval_is_the_shortest_wait(app: Rapport) -> None:
    account_id = add(app, interval_minutes=30)
    sync.run(app, secret_box.of(app), account_id)
    stored = row(app, account_id)
    assert stored.next_run_at is not None and stored.last_error_at is not None
    assert round((stored.next_run_at - stored.last_error_at).total_seconds() / 60) == 30


def test_a_paused_account_runs_only_when_forced(app: Rapport) -> None:
    account_id = add(app)
    with app.open(write=True) as ctx:
        sync_accounts.change(ctx, secret_box.of(app), account_id, enabled=False)
    assert sync.due(app) == []
    assert sync.run(app, secret_box.of(app), account_id).outcome == "paused"
    assert sync.run(app, secret_box.of(app), account_id, force=True).outcome == "failed"


def test_a_password_quoted_by_a_server_is_hidden() -> None:
    assert sync.redact("login failed for pw s3cret!", "s3cret!") == "login failed for pw •••"
    assert sync.redact("nothing", "") == "nothing"


def test_checking_before_adding_says_nothing_was_saved(app: Rapport) -> None:
    with pytest.raises(SyncFailed, match="nothing was saved") as failed:
        sync.check_first(spec())
    assert ACCOUNT_PASSWORD not in str(failed.value)


def _claim_all(url: str, tmp_path: Path, account_id: int, n: int) -> list[bool]:
    """`n` threads, each with its own engine (as separate servers), claim at once."""
    apps = [Rapport(Settings(database_url=url, data_dir=tmp_path)) for _ in range(n)]
    for a in apps:
        a.engine  # noqa: B018  (opened before the race)
    barrier = threading.Barrier(n)
    won: list[bool] = []
    now = dt.datetime.now(dt.UTC)

    def claim(a: Rapport) -> None:
        barrier.wait()
        won.append(sync._claim(a, account_id, now, force=True) is None)

    threads = [threading.Thread(target=claim, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for a in apps:
        a.dispose()
    return won


def test_two_servers_never_claim_one_account_at_once(
    app: Rapport, database_url: str, tmp_path: Path
) -> None:
    account_id = add(app)
    won = _claim_all(database_url, tmp_path, account_id, 4)
    assert sorted(won) == [False, False, False, True]
    assert sync.running(app, account_id)
    # while it is claimed, another run (the scheduler's or a forced one) stays out
    again = sync.run(app, secret_box.of(app), account_id, force=True)
    assert again.outcome == "claimed-elsewhere"
    assert sync.start(app, secret_box.of(app), account_id) is None


_CLAIM_SCRIPT = """
import datetime as dt, sys
from rapport.services import sync
from rapport.services.context import Rapport
from rapport.settings import Settings
app = Rapport(Settings(database_url=sys.argv[1], data_dir=__import__("pathlib").Path(sys.argv[2])))
app.engine
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
won = sync._claim(app, int(sys.argv[3]), dt.datetime.now(dt.UTC), force=True) is None
print("won" if won else "lost")
"""


def test_two_processes_never_claim_one_account_and_a_dead_ones_claim_is_taken(
    app: Rapport, database_url: str, tmp_path: Path
) -> None:
    account_id = add(app)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CLAIM_SCRIPT, database_url, str(tmp_path), str(account_id)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    said = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
    assert said == ["lost", "won"]
    # the winner exited without finishing: its claim is abandoned (its process is
    # gone from this machine), so a run here takes it over at once
    assert row(app, account_id).claimed_by is not None
    assert sync.run(app, secret_box.of(app), account_id, force=True).outcome == "failed"
    assert row(app, account_id).claimed_by is None


def test_a_stale_claim_of_another_machine_is_taken_after_a_while(app: Rapport) -> None:
    account_id = add(app)
    with unit_of_work(app.engine, write=True) as session:
        session.execute(
            update(SyncAccount)
            .where(SyncAccount.id == account_id)
            .values(
                running_since=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3),
                claimed_by="elsewhere:1",
            )
        )
    box = secret_box.of(app)
    assert sync.run(app, box, account_id, force=True).outcome == "claimed-elsewhere"
    later = dt.datetime.now(dt.UTC) + sync.STALE_CLAIM
    assert sync.run(app, box, account_id, force=True, now=later).outcome == "failed"


# --- passwords nowhere ----------------------------------------------------------------


def _smtp(app: Rapport) -> None:
    with app.open(write=True) as ctx:
        digest.configure_smtp(
            ctx,
            secret_box.of(app),
            host="smtp.example.com",
            user="sam",
            password=SMTP_PASSWORD,
            sender="sam@example.com",
        )


def test_passwords_are_nowhere_in_clear(app: Rapport, database_url: str) -> None:
    account_id = add(app)
    _smtp(app)
    with app.open(write=True) as ctx:
        sync_accounts.change(ctx, secret_box.of(app), account_id, password=ACCOUNT_PASSWORD + "2")
    sync.run(app, secret_box.of(app), account_id)
    with app.open() as ctx:
        out = io.StringIO()
        backup.export(ctx, out)
        journal = json.dumps(list(ctx.session.scalars(select(JournalEntry.changes))))
        settings = json.dumps(ctx.session.scalar(select(Workspace.settings)))
        smtp = digest.smtp_settings(ctx, secret_box.of(app))
        view = digest.settings_view(ctx)
    assert smtp.password == SMTP_PASSWORD  # it still opens, for sending
    assert view["smtp"]["password_set"] and "password_sealed" not in view["smtp"]
    dumped = out.getvalue()
    assert "password_sealed" not in dumped and "v1:" not in dumped
    assert '"secret"' not in dumped
    assert "smtp.example.com" in dumped and "work mail" in dumped
    for secret in (ACCOUNT_PASSWORD, SMTP_PASSWORD):
        for text in (dumped, journal, settings):
            assert secret not in text
    if database_url.startswith("sqlite"):
        app.dispose()
        path = Path(database_url.removeprefix("sqlite:///"))
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        raw = b"".join(p.read_bytes() for p in files)
        assert b"smtp.example.com" in raw  # the file is read, the settings are in it
        for secret in (ACCOUNT_PASSWORD, SMTP_PASSWORD):
            assert secret.encode() not in raw


def test_a_clear_smtp_password_of_an_older_rapport_is_sealed_on_first_use(
    app: Rapport,
) -> None:
    with app.open(write=True) as ctx:  # as an older Rapport kept it, journaled
        ws = ctx.session.get(Workspace, ctx.workspace_id)
        assert ws is not None
        ws.settings = {
            **(ws.settings or {}),
            "smtp": {"host": "127.0.0.1", "port": closed_port(), "security": "none",
                     "user": "sam", "password": SMTP_PASSWORD, "sender": "sam@example.com"},
        }  # fmt: skip
    with app.open() as ctx:
        assert SMTP_PASSWORD in json.dumps(ctx.session.scalars(select(JournalEntry.changes)).all())
    assert smtp_password.seal_clear(app, secret_box.of(app)) == 1
    assert smtp_password.seal_clear(app, secret_box.of(app)) == 0
    with app.open() as ctx:
        journal = json.dumps(ctx.session.scalars(select(JournalEntry.changes)).all())
        settings = ctx.session.scalar(select(Workspace.settings))
        assert digest.smtp_settings(ctx, secret_box.of(app)).password == SMTP_PASSWORD
    assert SMTP_PASSWORD not in journal and SMTP_PASSWORD not in json.dumps(settings)
    assert settings["smtp"]["password_sealed"].startswith("v1:")


def test_delivering_the_digest_seals_a_clear_password_first(app: Rapport) -> None:
    with app.open(write=True) as ctx:
        ws = ctx.session.get(Workspace, ctx.workspace_id)
        assert ws is not None
        ws.settings = {
            "smtp": {"host": "127.0.0.1", "port": closed_port(), "security": "none",
                     "user": None, "password": SMTP_PASSWORD, "sender": "sam@example.com"},
            "digest": {"enabled": True, "to": "sam@example.com"},
        }  # fmt: skip
        workspace_id = ctx.workspace_id
    delivery = digest.deliver(app, workspace_id, dt.datetime.now(dt.UTC), force=True)
    assert delivery.outcome == "failed"  # nothing listens: but the password was sealed
    with app.open() as ctx:
        assert SMTP_PASSWORD not in json.dumps(ctx.session.scalar(select(Workspace.settings)))


def test_an_unencrypted_password_to_another_machine_is_said(app: Rapport) -> None:
    made = iter(range(100))

    def exposed(**changes: object) -> str | None:
        with app.open(write=True) as ctx:
            name = f"account {next(made)}"
            return sync_accounts.add(ctx, secret_box.of(app), spec(name=name, **changes)).exposed

    assert exposed(kind="caldav", host="https://dav.example.com/", security="tls") is None
    assert exposed(kind="caldav", host="http://127.0.0.1:5232/", security="tls") is None
    said = exposed(kind="caldav", host="http://dav.example.com/", security="tls")
    assert said is not None and "dav.example.com unencrypted (http://): use https://" in said
    assert exposed(host="imap.example.com", security="tls") is None
    assert exposed(host="127.0.0.1", security="none") is None
    said = exposed(host="imap.example.com", security="none")
    assert said is not None and "imap.example.com unencrypted (security none): use tls" in said
