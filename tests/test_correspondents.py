"""Unknown correspondents from a real mailbox: counted, offered at the threshold (3
exchanges, one written by the user), added with their history, or ignored."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from rapport.errors import NotFound
from rapport.services import correspondents, interactions, people, sync_accounts
from rapport.services.context import Rapport
from rapport.services.secret_box import for_data_dir
from rapport.services.sync import imap
from rapport.storage.schema import PersonEmail
from tests.imap_server import Dovecot, email, running
from tests.test_sync_imap import ME, account, email_rows, person

DAY = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def server() -> Iterator[Dovecot]:
    yield from running()


def exchange(server: Dovecot, who: str, n: int, *, i_reply: bool, cc: str | None = None) -> None:
    """Day `n`'s thread with `who`: their message, and the user's answer if `i_reply`."""
    at = DAY + dt.timedelta(days=n)
    first = f"x{n}.{who}"
    server.deliver("INBOX", [email(who, [ME], f"Plans {n}", at, first,
                                   cc=[cc] if cc else [])])  # fmt: skip
    if i_reply:
        server.deliver("Sent", [email(ME, [who], f"Re: Plans {n}", at + dt.timedelta(hours=2),
                                      f"r{n}.{who}", references=[first])])  # fmt: skip


def sync(app: Rapport, server: Dovecot) -> imap.Outcome:
    """Sync the server's account (added on the first call)."""
    with app.open() as ctx:
        views = sync_accounts.listing(ctx)
        acc = (
            sync_accounts.config(sync_accounts.get_row(ctx, views[0].id),
                                 for_data_dir(app.settings.data_dir))
            if views else None
        )  # fmt: skip
    return imap.run(app, acc or account(app, server), lambda *_: None, threading.Event())


def offered(app: Rapport) -> list[tuple[str, int, int]]:
    with app.open() as ctx:
        return [(c.address, c.exchanges, c.written) for c in correspondents.offered(ctx)]


def test_an_address_is_offered_at_three_exchanges_one_written_by_the_user(
    app: Rapport, server: Dovecot
) -> None:
    exchange(server, "dee@other.org", 1, i_reply=True)
    exchange(server, "dee@other.org", 2, i_reply=False)
    exchange(server, "cold@spam.org", 1, i_reply=False)
    exchange(server, "cold@spam.org", 2, i_reply=False)
    exchange(server, "cold@spam.org", 3, i_reply=False)
    sync(app, server)
    assert offered(app) == []  # dee: two exchanges; cold: never answered
    exchange(server, "dee@other.org", 3, i_reply=False)
    outcome = sync(app, server)
    assert outcome.counts["correspondents_offered"] == 1
    assert offered(app) == [("dee@other.org", 3, 1)]
    assert email_rows(app) == []  # nobody was added silently
    with app.open() as ctx:
        assert ctx.session.scalar(select(PersonEmail).where(
            PersonEmail.address_key == "dee@other.org")) is None  # fmt: skip


def test_an_added_correspondent_gets_their_history_and_nothing_doubles(
    app: Rapport, server: Dovecot
) -> None:
    bo = person(app, "Bo Chen", "bo@acme.com")
    exchange(server, "dee@other.org", 1, i_reply=True, cc="bo@acme.com")
    exchange(server, "dee@other.org", 2, i_reply=True)
    exchange(server, "dee@other.org", 3, i_reply=False)
    sync(app, server)
    shared = email_rows(app)
    assert [(r[0], r[3]) for r in shared] == [("2026-10-06/x1.dee@other.org", [bo])]
    with app.open(write=True) as ctx:
        done = correspondents.add(ctx, ["Dee@Other.org"])
    assert (done.people_created, done.interactions_created, done.interactions_updated) == (1, 2, 1)
    with app.open() as ctx:
        dee = ctx.session.scalar(
            select(PersonEmail.person_id).where(PersonEmail.address_key == "dee@other.org")
        )
        assert dee is not None
        assert people.show(ctx, dee).name == "Dee"
        timeline = interactions.timeline(ctx, dee)
        assert sorted(i.summary for i in timeline) == ["Plans 1", "Plans 2", "Plans 3"]
        assert correspondents.offered(ctx) == []
    rows = email_rows(app)
    assert rows[0][3] == sorted([bo, dee])  # the shared one: joined, not copied
    # the next exchange is an interaction at once, and a sync adds no copies
    exchange(server, "dee@other.org", 4, i_reply=False)
    sync(app, server)
    assert len(email_rows(app)) == 4


def test_an_ignored_address_is_not_offered_again(app: Rapport, server: Dovecot) -> None:
    for n in (1, 2, 3):
        exchange(server, "dee@other.org", n, i_reply=True)
    sync(app, server)
    with app.open(write=True) as ctx:
        correspondents.ignore(ctx, ["dee@other.org"])
    exchange(server, "dee@other.org", 4, i_reply=True)
    sync(app, server)
    assert offered(app) == []
    with app.open(write=True) as ctx, pytest.raises(NotFound):
        correspondents.ignore(ctx, ["nobody@nowhere.org"])
