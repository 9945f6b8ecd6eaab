"""The daily digest delivered over real SMTP (aiosmtpd on loopback), once a day at
the right local time, across a daylight-saving change, restarts and failures."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from rapport.services import digest, favours, people, promises, secret_box, workspace
from rapport.services.context import Rapport
from rapport.settings import Settings
from tests.factories import make_interaction, make_person

UTC = dt.UTC
D = dt.timedelta


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self, refuse_recipients: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = refuse_recipients

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _setup(app: Rapport, port: int, tz: str = "Europe/Lisbon") -> int:
    with app.open(write=True, today=dt.date(2026, 10, 20)) as ctx:
        workspace.configure(
            ctx, timezone=tz, owner_email="sam@example.com", owner_name="Sam Rivera"
        )
        digest.configure_smtp(
            ctx,
            secret_box.of(app),
            host="127.0.0.1",
            port=port,
            security="none",
            password="s3cret!",
        )
        digest.configure_digest(
            ctx, enabled=True, time="07:30", base_url="https://rapport.example.org"
        )
        ana = make_person(ctx, "Ana Lima", types=["client"], met_on=dt.date(2026, 6, 1))
        make_interaction(ctx, [ana.id], on=dt.date(2026, 8, 1), summary="Pilot")
        promises.promise(ctx, ana.id, "send the deck", due_on=dt.date(2026, 10, 27))
        bruno = make_person(ctx, "Bruno Souza")
        favours.record(ctx, bruno.id, "received", "advice", occurred_on=dt.date(2026, 10, 10))
        return ctx.workspace_id


def _at(day: str, hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")


def test_sent_once_a_day_at_local_time_across_dst_and_restart(
    app: Rapport, smtp, database_url, tmp_path
) -> None:
    inbox, port = smtp
    _setup(app, port)
    # Saturday Oct 24: Lisbon is on summer time (UTC+1), 07:30 local is 06:30 UTC
    assert [d.outcome for d in digest.tick(app, _at("2026-10-24", "06:29"))] == ["not-due"]
    assert [d.outcome for d in digest.tick(app, _at("2026-10-24", "06:30"))] == ["sent"]
    assert [d.outcome for d in digest.tick(app, _at("2026-10-24", "06:31"))] == ["already-sent"]
    # a restart: a new process on the same database sends nothing more that day
    restarted = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    assert [d.outcome for d in digest.tick(restarted, _at("2026-10-24", "22:00"))] == [
        "already-sent"
    ]
    # Sunday Oct 25, clocks go back at 01:00 UTC: 07:30 local is now 07:30 UTC
    assert [d.outcome for d in digest.tick(restarted, _at("2026-10-25", "06:30"))] == ["not-due"]
    assert [d.outcome for d in digest.tick(restarted, _at("2026-10-25", "07:30"))] == ["sent"]
    # Monday: the server was down at 07:30 and comes back at 09:10: nothing is lost
    assert [d.outcome for d in digest.tick(restarted, _at("2026-10-26", "09:10"))] == ["sent"]
    restarted.dispose()
    assert len(inbox.messages) == 3
    first = inbox.messages[0]
    assert first["To"] == "sam@example.com" and first["From"] == "sam@example.com"
    assert first["Subject"].startswith("Rapport for Saturday 24 October")
    text = first.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = first.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Good morning, Sam." in text
    assert "Ana Lima" in text and "https://rapport.example.org/people/" in text
    assert "send the deck" in text  # a promise due this week
    assert "thank-you owed" in text  # the network pulse
    assert '<a href="https://rapport.example.org/people/' in html


def test_a_failing_server_is_reported_retried_and_never_duplicated(app: Rapport) -> None:
    port = free_port()  # nothing listens here yet
    _setup(app, port)
    first = digest.tick(app, _at("2026-10-26", "07:30"))
    assert [d.outcome for d in first] == ["failed"]
    assert first[0].message == f"cannot reach the SMTP server 127.0.0.1:{port}: Connection refused"
    with app.open() as ctx:
        state = digest.status(ctx, _at("2026-10-26", "07:31"))
    assert state.last_error == first[0].message and state.last_success_at is None
    assert state.next_at == dt.datetime(2026, 10, 26, 7, 35, tzinfo=state.next_at.tzinfo)  # type: ignore[union-attr]
    assert [d.outcome for d in digest.tick(app, _at("2026-10-26", "07:32"))] == ["not-due"]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert [d.outcome for d in digest.tick(app, _at("2026-10-26", "07:36"))] == ["sent"]
        assert [d.outcome for d in digest.tick(app, _at("2026-10-26", "07:50"))] == ["already-sent"]
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    with app.open() as ctx:
        state = digest.status(ctx, _at("2026-10-26", "08:00"))
    assert state.last_sent_on == dt.date(2026, 10, 26)
    assert state.next_at == dt.datetime(2026, 10, 27, 7, 30, tzinfo=state.next_at.tzinfo)  # type: ignore[union-attr]


def test_a_refused_recipient_is_said_in_words(app: Rapport) -> None:
    inbox = Inbox(refuse_recipients=True)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _setup(app, port)
        result = digest.tick(app, _at("2026-10-26", "08:00"))
    finally:
        controller.stop()
    assert result[0].message == f"127.0.0.1:{port} refused the recipient sam@example.com"
    assert inbox.messages == []


def test_two_servers_never_both_send(app: Rapport, smtp, database_url, tmp_path) -> None:
    inbox, port = smtp
    _setup(app, port)
    others = [Rapport(Settings(database_url=database_url, data_dir=tmp_path)) for _ in range(3)]
    outcomes: list[str] = []
    barrier = threading.Barrier(len(others))

    def run(instance: Rapport) -> None:
        barrier.wait()
        outcomes.extend(d.outcome for d in digest.tick(instance, _at("2026-10-26", "08:00")))

    threads = [threading.Thread(target=run, args=(o,)) for o in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for o in others:
        o.dispose()
    assert outcomes.count("sent") == 1
    assert len(inbox.messages) == 1


def test_the_password_is_never_shown_back(app: Rapport, smtp) -> None:
    _, port = smtp
    _setup(app, port)
    with app.open() as ctx:
        view = digest.settings_view(ctx)
        described = workspace.describe(ctx)
    assert view["smtp"]["password_set"] is True
    assert described["settings"]["smtp"]["password_set"] is True
    for shown in (repr(view), repr(described)):
        assert "s3cret!" not in shown and "v1:" not in shown  # not even sealed


def test_settings_are_validated(app: Rapport, ctx) -> None:
    from rapport.errors import Invalid

    with pytest.raises(Invalid, match="time"):
        digest.configure_digest(ctx, time="7.30pm")
    with pytest.raises(Invalid, match="to"):
        digest.configure_digest(ctx, to="nobody")
    with pytest.raises(Invalid, match="security"):
        digest.configure_smtp(
            ctx, secret_box.of(app), host="smtp.example.com", security="tls", sender="a@b.co"
        )
    with pytest.raises(Invalid, match="from"):
        digest.configure_smtp(ctx, secret_box.of(app), host="smtp.example.com")
    with pytest.raises(Invalid, match="to"):
        digest.configure_digest(ctx, enabled=True)


def test_the_digest_lists_the_same_agenda_as_the_app(ctx) -> None:
    from rapport.services import agenda

    a = make_person(ctx, "Ana", types=["client"], met_on=ctx.today - D(days=90))
    people.edit(ctx, a.id, {"strained": True})
    content = digest.content(ctx)
    assert [e.person for e in content.entries] == [e.person for e in agenda.build(ctx).entries]


def test_the_ics_feed_and_the_digest_agree_on_the_day(ctx) -> None:
    import io

    from rapport.services import exports, mentoring

    a = make_person(ctx, "Ana", types=["client"], met_on=ctx.today - D(days=90))
    b = make_person(ctx, "Bruno")
    favours.record(ctx, b.id, "received", "advice", occurred_on=ctx.today - D(days=4))
    mentoring.start_mentorship(
        ctx, a.id, "mentee", session_cadence_days=14, started_on=ctx.today - D(days=20)
    )
    promises.promise(ctx, b.id, "send notes", due_on=ctx.today + D(days=3))
    today_items = [i for i in exports.feed_items(ctx) if i.uid.startswith("agenda-")]
    content = digest.content(ctx)
    assert sorted(i.summary for i in today_items) == sorted(
        f"Reach out to {e.person}" for e in content.entries
    )
    assert all(i.day == ctx.today for i in today_items)
    dated = {i.summary: i.day for i in exports.feed_items(ctx) if i.uid.startswith("promise-")}
    assert {p.description: p.due_on for p in content.promises} == {
        "send notes": ctx.today + D(days=3)
    }
    assert dated == {"Promised Bruno: send notes": ctx.today + D(days=3)}
    out = io.StringIO()
    assert exports.ics_feed(ctx, out) >= 3
    assert "Reach out to Ana" in out.getvalue()


def test_the_digest_shows_three_reasons_a_person_and_counts_the_rest(ctx) -> None:
    ana = make_person(ctx, "Ana", types=["client"], met_on=ctx.today - D(days=90))
    for n in range(4):
        promises.promise(ctx, ana.id, f"task {n}", due_on=ctx.today - D(days=n + 1))
    text = digest.render(ctx).text
    assert text.count("you promised to task") == 3
    assert "   - and 2 more" in text


def test_links_open_the_server_that_is_running(ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(digest.BASE_URL_ENV, raising=False)
    assert digest.settings_view(ctx)["digest"]["base_url"] == "http://127.0.0.1:8765"
    monkeypatch.setenv(digest.BASE_URL_ENV, "http://localhost:9000/")  # rapport serve --port 9000
    assert digest.settings_view(ctx)["digest"]["base_url"] == "http://localhost:9000"
    digest.configure_digest(ctx, base_url="https://rapport.example.com")
    assert digest.settings_view(ctx)["digest"]["base_url"] == "https://rapport.example.com"
