"""Events as the user meets them: a multi-day event's range written once for every
surface, the follow-up window counted from its last day and shown with it, and a
conversation logged before someone was marked as met there still the follow-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rapport.domain.agenda.rules import AgendaRules
from rapport.domain.dates import day_range
from rapport.services import agenda, events
from tests.cli_runner import Cli
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_interaction, make_person

D = dt.date


def test_a_range_says_what_both_ends_share_once() -> None:
    assert day_range(D(2026, 11, 16)) == "16 Nov 2026"
    assert day_range(D(2026, 11, 16), D(2026, 11, 16)) == "16 Nov 2026"
    assert day_range(D(2026, 11, 16), D(2026, 11, 18)) == "16–18 Nov 2026"
    assert day_range(D(2026, 11, 30), D(2026, 12, 2)) == "30 Nov – 2 Dec 2026"
    assert day_range(D(2026, 12, 30), D(2027, 1, 2)) == "30 Dec 2026 – 2 Jan 2027"


def test_the_follow_up_window_runs_from_the_last_day() -> None:
    rules = AgendaRules()
    assert rules.follow_up_until(D(2026, 11, 16), D(2026, 11, 18)) == D(2026, 12, 2)
    assert rules.follow_up_until(D(2026, 11, 16)) == D(2026, 11, 30)


def _follow_ups(ctx: object) -> dict[str, list[str]]:
    built = agenda.build(ctx, TODAY, limit=None)  # type: ignore[arg-type]
    return {
        e.person: [r.text for r in e.reasons if r.kind == "follow-up"]
        for e in built.entries
        if any(r.kind == "follow-up" for r in e.reasons)
    }


def test_a_contact_logged_before_marking_met_counts_as_the_follow_up(open_ctx: OpenCtx) -> None:
    # a three-day summit, 16–18 Nov; today is 23 Nov
    with open_ctx() as ctx:
        summit = events.create(ctx, "WebSummit", D(2026, 11, 16), ends_on=D(2026, 11, 18))
        ana = make_person(ctx, "Ana Lima").id
        bruno = make_person(ctx, "Bruno Souza").id
        carla = make_person(ctx, "Carla Dias").id
        make_interaction(ctx, [ana], on=D(2026, 11, 20), summary="Coffee after the summit")
        make_interaction(ctx, [bruno], on=D(2026, 11, 17), summary="Lunch on day two")
        make_interaction(ctx, [carla], on=D(2026, 11, 10), summary="Before the summit")
        for pid in (ana, bruno, carla):  # marked as met afterwards, from notes
            events.met(ctx, summit.id, pid)
    with open_ctx(write=False) as ctx:
        shown = events.show(ctx, summit.id)
        done = {a.person: a.followed_up_at for a in shown.attendees}
        assert done["Ana Lima"] is not None and done["Ana Lima"].date() == D(2026, 11, 20)
        assert done["Bruno Souza"] is not None  # during the event, met on day one
        assert done["Carla Dias"] is None  # a week before the summit is not a follow-up
        assert shown.dates == "16–18 Nov 2026"
        assert shown.follow_up_window == "follow up within 14 days: until 2 Dec"
        asked = _follow_ups(ctx)
    assert list(asked) == ["Carla Dias"]
    # counted from the summit's last day: 5 days, not 7
    assert asked["Carla Dias"] == ["met at WebSummit 5 days ago and not yet followed up"]


def test_an_event_still_running_asks_for_no_follow_up_yet(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        running = events.create(ctx, "Long fair", D(2026, 11, 20), ends_on=D(2026, 11, 24))
        events.met(ctx, running.id, make_person(ctx, "Ana Lima").id)
        assert _follow_ups(ctx) == {}


def test_the_window_follows_the_setting(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ctx.settings = {**(ctx.settings or {}), "agenda": {"follow_up_days": 30}}
        summit = events.create(ctx, "WebSummit", D(2026, 11, 16), ends_on=D(2026, 11, 18))
        assert summit.follow_up_days == 30
        assert summit.follow_up_until == D(2026, 12, 18)


def test_events_on_the_command_line_show_their_range_and_window(
    database_url: str, tmp_path: Path
) -> None:
    cli = Cli(database_url, TODAY.isoformat(), str(tmp_path))
    cli("event", "add", "WebSummit", "--on", "2026-11-16", "--ends", "2026-11-18")
    listed = cli("event", "list").stdout
    assert "16–18 Nov 2026" in listed
    shown = cli("event", "show", "WebSummit").stdout
    assert "WebSummit — 16–18 Nov 2026" in shown
    assert "follow up within 14 days: until 2 Dec" in shown
    assert "rapport settings agenda --follow-up-days" in shown
    cli("settings", "agenda", "--follow-up-days", "21")
    data = cli("event", "show", "WebSummit", "--json").json()
    assert data["dates"] == "16–18 Nov 2026"
    assert (data["follow_up_days"], data["follow_up_until"]) == (21, "2026-12-09")
    # logged first, marked as met second: followed up, and the agenda does not ask
    cli("person", "add", "Ana Lima")
    cli("log", "Ana", "-k", "coffee", "-s", "Coffee", "-w", "2026-11-20")
    cli("event", "met", "websummit", "Ana Lima")
    met = cli("event", "show", "WebSummit", "--json").json()
    assert met["attendees"][0]["followed_up_at"] is not None
    assert "Ana Lima" not in cli("agenda").stdout
