"""A first sync killed with SIGKILL in the middle resumes from its last saved cursor:
the database ends exactly as after a sync never interrupted, nothing lost, nothing
doubled (on SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.sync_imap import deliver, mailbox
from sqlalchemy import select

from rapport.adapters.records import ContactRecord
from rapport.services import sync_accounts
from rapport.services.context import Rapport
from rapport.services.imports import contacts
from rapport.services.secret_box import for_data_dir
from rapport.services.sync import imap
from rapport.settings import Settings
from rapport.storage.schema import Interaction, InteractionParticipant, PersonEmail
from rapport.storage.sync_tables import Correspondent, MailThread, SyncCursor
from tests.imap_server import Dovecot, running

BATCH = 10
SYNC = """
import sys, threading
from pathlib import Path
from rapport.services import sync_accounts
from rapport.services.context import Rapport
from rapport.services.secret_box import for_data_dir
from rapport.services.sync import imap
from rapport.settings import Settings

url, data, account_id, batch = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
app = Rapport(Settings(database_url=url, data_dir=data))
with app.open() as ctx:
    account = sync_accounts.config(sync_accounts.get_row(ctx, account_id), for_data_dir(data))
imap.run(app, account, lambda *_: None, threading.Event(), batch=batch)
"""


@pytest.fixture
def server() -> Iterator[Dovecot]:
    for found in running():
        deliver(found, mailbox(1500, people=60))
        yield found


def prepared(app: Rapport, server: Dovecot) -> int:
    """The network and the account: the account's id."""
    box = mailbox(0, people=60)
    with app.open(write=True) as ctx:
        contacts.load(
            ctx, [ContactRecord(line=1, full_name=n, emails=[e]) for n, e in box.network], "test"
        )
        spec = sync_accounts.AccountSpec(
            kind="imap", host="127.0.0.1", port=server.port, security="none",
            username=server.user, password=server.password, name="mail",
        )  # fmt: skip
        return sync_accounts.add(ctx, for_data_dir(app.settings.data_dir), spec).id


def finish(app: Rapport, account_id: int) -> None:
    with app.open() as ctx:
        account = sync_accounts.config(
            sync_accounts.get_row(ctx, account_id), for_data_dir(app.settings.data_dir)
        )
    imap.run(app, account, lambda *_: None, threading.Event(), batch=BATCH)


def state(app: Rapport) -> dict[str, object]:
    """What a sync leaves, independent of row ids."""
    with app.open() as ctx:
        s = ctx.session
        emails = dict(s.execute(select(PersonEmail.person_id, PersonEmail.address_key)).all())
        people: dict[int, set[str]] = {}
        for iid, pid in s.execute(
            select(InteractionParticipant.interaction_id, InteractionParticipant.person_id)
        ):
            people.setdefault(iid, set()).add(emails[pid])
        rows = s.execute(select(Interaction.id, Interaction.external_id, Interaction.notes))
        return {
            "interactions": sorted(
                (str(ext), notes or "", tuple(sorted(people.get(iid, ()))))
                for iid, ext, notes in rows
            ),
            "correspondents": sorted(
                s.execute(select(Correspondent.address_key, Correspondent.exchanges)).all()
            ),
            "threads": s.query(MailThread).count(),
        }


def test_a_first_sync_killed_mid_way_resumes_with_nothing_lost_or_doubled(
    app: Rapport, server: Dovecot, tmp_path: Path
) -> None:
    account_id = prepared(app, server)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", SYNC, app.settings.database_url, str(app.settings.data_dir),
         str(account_id), str(BATCH)],
        env=env, stderr=subprocess.PIPE,
    )  # fmt: skip
    saved = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        with app.open() as ctx:
            saved = ctx.session.scalar(
                select(SyncCursor.last_uid).where(SyncCursor.folder == "INBOX")
            ) or 0  # fmt: skip
        if saved >= 10 * BATCH:
            break
        time.sleep(0.02)
    assert child.poll() is None, f"the sync ended before it could be killed: {child.stderr}"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    with app.open() as ctx:
        at_kill = ctx.session.scalar(
            select(SyncCursor.last_uid).where(SyncCursor.folder == "INBOX")
        )
        inbox_uids = ctx.session.scalar(select(SyncCursor.uidvalidity))
    assert inbox_uids is not None
    assert at_kill is not None and 0 < at_kill < len(mailbox(1500, people=60).inbox)
    finish(app, account_id)

    reference = Rapport(Settings(database_url=f"sqlite:///{tmp_path}/reference.db",
                                 data_dir=tmp_path / "reference"))  # fmt: skip
    (tmp_path / "reference").mkdir()
    try:
        finish(reference, prepared(reference, server))
        expected = state(reference)
    finally:
        reference.dispose()
    found = state(app)
    assert found == expected
    assert len(found["interactions"]) > 100  # type: ignore[arg-type]
