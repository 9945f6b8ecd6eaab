"""The JSON backup round-trips every field of every table: a random rich network is
built through the services, exported, restored into an empty database on each
backend, and every row compared."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rapport.adapters import backup as backup_file
from rapport.adapters.records import ContactRecord
from rapport.errors import Invalid, SecretUnreadable
from rapport.services import (
    backup,
    events,
    favours,
    interactions,
    mentoring,
    milestones,
    people,
    promises,
    workspace,
)
from rapport.services.context import Ctx, Rapport
from rapport.settings import Settings
from rapport.storage import search
from rapport.storage.schema import Workspace
from tests.conftest import TODAY, _truncate_all
from tests.strategies import contact_records, notes, words

_counter = itertools.count()
KINDS = ["meeting", "call", "video", "email", "message", "meal", "note"]


@dataclass
class Plan:
    people: list[ContactRecord]
    extra: list[dict[str, Any]]
    interactions: list[tuple[list[int], int, str, str, str, str | None, str | None]]
    promises: list[tuple[int, str, int | None, str, str]]
    favours: list[tuple[int, str, str, str | None, bool]]
    dates: list[tuple[int, str, dt.date, bool]]
    events: list[tuple[str, int, list[int]]]
    intros: list[tuple[int, int | None, int | None]]
    mentorships: list[tuple[int, str, str | None]]
    feedback: list[tuple[int | None, str, list[str]]]
    promotions: list[tuple[int, str]]
    archived: set[int]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    crowd = draw(st.lists(contact_records(), min_size=1, max_size=5))
    idx = st.integers(0, len(crowd) - 1)
    some = st.lists(idx, min_size=1, max_size=3, unique=True)
    extra = [
        {
            "interests": draw(st.none() | words()),
            "remember": draw(st.none() | notes),
            "preferred_channel": draw(st.none() | st.sampled_from(["email", "in-person", "video"])),
            "cadence_days": draw(st.none() | st.integers(1, 400)),
            "strained": draw(st.booleans()),
            "strained_context": draw(st.none() | words()),
        }
        for _ in crowd
    ]
    return Plan(
        people=crowd,
        extra=extra,
        interactions=draw(
            st.lists(
                st.tuples(
                    some,
                    st.integers(0, 700),
                    st.sampled_from(KINDS),
                    st.sampled_from(["me", "them", "mutual"]),
                    words(),
                    st.none() | notes,
                    st.none() | st.sampled_from(["warm", "neutral", "tense"]),
                ),
                max_size=6,
            )
        ),
        promises=draw(
            st.lists(
                st.tuples(
                    idx,
                    words(),
                    st.none() | st.integers(-30, 90),
                    st.sampled_from(["me", "them"]),
                    st.sampled_from(["open", "kept", "broken", "released"]),
                ),
                max_size=4,
            )
        ),
        favours=draw(
            st.lists(
                st.tuples(
                    idx,
                    st.sampled_from(["given", "received"]),
                    st.sampled_from(["introduction", "advice", "referral", "resource"]),
                    st.none() | words(),
                    st.booleans(),
                ),
                max_size=4,
            )
        ),
        dates=draw(
            st.lists(
                st.tuples(
                    idx,
                    st.sampled_from(["birthday", "work-anniversary", "promotion"]),
                    st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)),
                    st.booleans(),
                ),
                max_size=3,
            )
        ),
        events=draw(st.lists(st.tuples(words(), st.integers(0, 400), some), max_size=2)),
        intros=draw(
            st.lists(
                st.tuples(idx, st.none() | idx, st.none() | idx).filter(
                    lambda t: (
                        (t[1] is not None or t[2] is not None)
                        and len({x for x in t if x is not None}) == sum(x is not None for x in t)
                    )
                ),
                max_size=2,
            )
        ),
        mentorships=draw(
            st.lists(
                st.tuples(idx, st.sampled_from(["mentor", "mentee"]), st.none() | words()),
                max_size=2,
            )
        ),
        feedback=draw(
            st.lists(st.tuples(st.none() | idx, words(), st.lists(words(), max_size=2)), max_size=2)
        ),
        promotions=draw(st.lists(st.tuples(idx, words()), max_size=2)),
        archived=draw(st.sets(idx, max_size=1)),
    )


def build(ctx: Ctx, plan: Plan) -> None:
    workspace.configure(
        ctx, name="Sam's network", timezone="Europe/Lisbon", owner_email="sam@example.com"
    )
    workspace.set_cadence_default(ctx, "peer", 45)
    ids = []
    for rec, extra in zip(plan.people, plan.extra, strict=True):
        fields = {
            "full_name": rec.full_name, "given_name": rec.given_name,
            "family_name": rec.family_name, "nickname": rec.nickname,
            "organization": rec.organization, "title": rec.title, "emails": rec.emails,
            "phones": rec.phones, "urls": rec.urls, "location": rec.location,
            "timezone": rec.timezone, "notes": rec.notes, "tags": rec.tags, "types": rec.types,
            "met_on": rec.met_on, "how_met": rec.how_met, **extra,
        }  # fmt: skip
        ids.append(people.add(ctx, fields).id)
    if len(ids) > 1:
        people.edit(ctx, ids[1], {"introduced_by_id": ids[0]})
        people.edit(ctx, ids[0], {"introduced_by_id": ids[-1]})  # points forward
    noon = dt.time(12, 0)
    for who, days, kind, direction, summary, text, tone in plan.interactions:
        moment = dt.datetime.combine(TODAY - dt.timedelta(days=days), noon, ctx.tz)
        interactions.log(
            ctx,
            interactions.InteractionIn(
                kind=kind, occurred_at=moment, participant_ids=[ids[i] for i in who],
                summary=summary, direction=direction, notes=text, tone=tone,
                source="test" if days % 2 else "manual",
                external_id=f"x-{days}-{len(who)}" if days % 2 else None,
            ),
        )  # fmt: skip
    for who, what, due, owner, status in plan.promises:
        due_on = TODAY + dt.timedelta(days=due) if due is not None else None
        made = promises.promise(ctx, ids[who], what, owner=owner, due_on=due_on)
        if status != "open":
            promises.resolve(ctx, made.id, status)
    for who, direction, kind, note, thanked in plan.favours:
        favours.record(
            ctx, ids[who], direction, kind, note=note,
            thanked_on=TODAY if thanked and direction == "received" else None,
        )  # fmt: skip
    for who, kind, day, with_year in plan.dates:
        year = day.year if with_year or kind == "promotion" else None
        # a second birthday for one person is kept as another (the plan may draw two)
        milestones.add(ctx, ids[who], kind, day.month, day.day, year=year, if_exists="another")
    for name, days, who in plan.events:
        event = events.create(ctx, name, TODAY - dt.timedelta(days=days), place="Lisbon")
        for i in who:
            events.met(ctx, event.id, ids[i], note=name)
    for who, to, by in plan.intros:
        mentoring.introduce(
            ctx, ids[who], to_person_id=None if to is None else ids[to],
            introducer_id=None if by is None else ids[by], note="intro",
        )  # fmt: skip
    for who, role, goals in plan.mentorships:
        mentoring.start_mentorship(ctx, ids[who], role, goals=goals, session_cadence_days=14)
    for who, content, actions in plan.feedback:
        person = None if who is None else ids[who]
        mentoring.record_feedback(ctx, person, content, actions=actions if person else ())
    for who, title in plan.promotions:
        people.edit(ctx, ids[who], {"title": title + " (new)"})
    for who in plan.archived:
        people.archive(ctx, ids[who])


def rows(ctx: Ctx) -> dict[str, list[list[Any]]]:
    """Every row of every table of the workspace, with the workspace id masked."""
    found: dict[str, list[list[Any]]] = {}
    for table in backup.tables():
        scope = (
            table.c.id == ctx.workspace_id
            if table.name == Workspace.__tablename__
            else table.c.workspace_id == ctx.workspace_id
        )
        query = select(table).where(scope).order_by(*table.primary_key.columns)
        names = list(table.c.keys())
        found[table.name] = [
            ["WS" if n in ("workspace_id",) or (table.name == "workspace" and n == "id") else v
             for n, v in zip(names, row, strict=True)]
            for row in ctx.session.execute(query)
        ]  # fmt: skip
    return found


@contextmanager
def opened(url: str, tmp: Path) -> Iterator[Rapport]:
    app = Rapport(Settings(database_url=url, data_dir=tmp))
    try:
        yield app
    finally:
        app.dispose()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans())
def test_backup_restores_every_row_into_an_empty_database(
    plan: Plan, database_url: str, sqlite_template: Path, tmp_path: Path
) -> None:
    n = next(_counter)
    source_path = tmp_path / f"source-{n}.db"
    shutil.copy(sqlite_template, source_path)
    if database_url.startswith("sqlite"):
        target_path = tmp_path / f"target-{n}.db"
        shutil.copy(sqlite_template, target_path)
        target_url = f"sqlite:///{target_path}"
    else:
        _truncate_all(database_url)
        target_url = database_url
    with opened(f"sqlite:///{source_path}", tmp_path) as source:
        with source.open(write=True, today=TODAY) as ctx:
            build(ctx, plan)
        with source.open(today=TODAY) as ctx:
            out = io.StringIO()
            count = backup.export(ctx, out)
            expected = rows(ctx)
    assert count == sum(len(r) for r in expected.values())
    with opened(target_url, tmp_path) as target:
        with target.open(write=True, today=TODAY) as ctx:
            backup.restore(ctx, backup_file.parse(out.getvalue().encode("utf-8")))
        with target.open(today=TODAY) as ctx:
            assert rows(ctx) == expected
            first = plan.people[0]
            if search.query_terms(first.name):  # a name of punctuation only has no words
                hits = search.find(ctx.session, ctx.workspace_id, first.name, kinds=["person"])
                assert hits, "the full-text index works on the restored rows"
        with target.open(write=True, today=TODAY) as ctx:  # ids continue after the restored ones
            later = people.add(ctx, {"full_name": "Added Later"})
            assert later.id > max(r[0] for r in expected["person"])


def test_a_backup_keeps_accounts_without_passwords_and_restores_them_paused(
    database_url: str, sqlite_template: Path, tmp_path: Path
) -> None:
    """The backup records that an account exists (kind, name, host, port, security,
    user, folders, interval), never its password, nor the mail server's; restored,
    the account waits paused for its password, which brings it back."""
    from rapport.services import digest, secret_box, sync_accounts

    source_path = tmp_path / "source-accounts.db"
    shutil.copy(sqlite_template, source_path)
    if database_url.startswith("sqlite"):
        target_path = tmp_path / "target-accounts.db"
        shutil.copy(sqlite_template, target_path)
        target_url = f"sqlite:///{target_path}"
    else:
        _truncate_all(database_url)
        target_url = database_url
    spec = sync_accounts.AccountSpec(
        kind="caldav", host="https://dav.example.com/cal/", username="sam",
        password="Dav-PASSWORD-991", name="calendar", folders=["Work", "Home"],
        interval_minutes=30,
    )  # fmt: skip
    with opened(f"sqlite:///{source_path}", tmp_path / "source") as source:
        with source.open(write=True, today=TODAY) as ctx:
            sync_accounts.add(ctx, secret_box.of(source), spec)
            digest.configure_smtp(
                ctx, secret_box.of(source), host="smtp.example.com", password="Smtp-PW-77",
                sender="sam@example.com",
            )  # fmt: skip
        with source.open(today=TODAY) as ctx:
            out = io.StringIO()
            backup.export(ctx, out)
    text = out.getvalue()
    for secret in ("Dav-PASSWORD-991", "Smtp-PW-77", "v1:", "password_sealed", '"secret"'):
        assert secret not in text
    with opened(target_url, tmp_path / "target") as target:
        with target.open(write=True, today=TODAY) as ctx:
            counts = backup.restore(ctx, backup_file.parse(text.encode("utf-8")))
        assert counts["sync_account"] == 1
        box = secret_box.of(target)
        with target.open(today=TODAY) as ctx:
            view = sync_accounts.get(ctx, "calendar")
            assert (view.kind, view.host, view.username, view.folders, view.interval_minutes) == (
                "caldav", "https://dav.example.com/cal/", "sam", ["Work", "Home"], 30,
            )  # fmt: skip
            assert not view.enabled and not view.has_password and not view.running
            says = sync_accounts.state(view, dt.datetime.now(dt.UTC)).says
            assert says == "give the password again: rapport accounts password 'calendar'"
            assert digest.settings_view(ctx)["smtp"]["password_set"] is False
            with pytest.raises(SecretUnreadable, match="rapport accounts password"):
                sync_accounts.config(sync_accounts.get_row(ctx, view.id), box)
        with target.open(write=True, today=TODAY) as ctx:
            with pytest.raises(Invalid, match="password"):
                sync_accounts.change(ctx, box, view.id, enabled=True)
            again = sync_accounts.change(ctx, box, view.id, password="Dav-PASSWORD-991")
        assert again.enabled and again.has_password and again.last_error is None
        with target.open(today=TODAY) as ctx:
            opened_config = sync_accounts.config(sync_accounts.get_row(ctx, view.id), box)
        assert opened_config.password == "Dav-PASSWORD-991"
