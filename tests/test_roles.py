"""Roles with dates, on SQLite and PostgreSQL: past roles kept in the history only,
a role without an end becomes what they do now (the old one ends the day it starts),
corrections keep the person and the role in step, the current role cannot be deleted,
and work anniversaries count from the real start."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.errors import Conflict, Invalid, NotFound
from rapport.services import agenda, journal, people, roles
from rapport.services.roles import RoleSpec
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_person


def test_dates_are_read_to_the_year_month_or_day() -> None:
    assert roles.month_day("2021", "from") == dt.date(2021, 1, 1)
    assert roles.month_day("2021-03", "from") == dt.date(2021, 3, 1)
    assert roles.month_day("2021-3-15", "from") == dt.date(2021, 3, 15)
    assert roles.month_day(" ", "from") is None
    with pytest.raises(Invalid, match="'March 2021' is not a date"):
        roles.month_day("March 2021", "from")
    with pytest.raises(Invalid, match="not a date on the calendar"):
        roles.month_day("2021-02-30", "from")


def test_a_past_role_is_history_only(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", title="CTO").id
        past = roles.add(ctx, pid, RoleSpec("Engineer", "Globex", "2015-06", "2019-02"))
        shown = people.show(ctx, pid)
    assert (past.title, past.organization, past.started_on, past.ended_on) == (
        "Engineer", "Globex", dt.date(2015, 6, 1), dt.date(2019, 2, 1),
    )  # fmt: skip
    assert (shown.organization, shown.title) == ("Acme", "CTO")  # what they do now stays
    assert [r.organization for r in shown.roles] == ["Globex", "Acme"]


def test_a_role_without_an_end_is_the_current_one_and_anniversaries_follow(
    open_ctx: OpenCtx,
) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", title="Engineer").id
        started = dt.date(2023, TODAY.month, TODAY.day) + dt.timedelta(days=2)
        role = roles.add(ctx, pid, RoleSpec("CTO", "Globex", started.isoformat()))
        shown = people.show(ctx, pid)
        reasons = [r.text for e in agenda.build(ctx).entries for r in e.reasons]
    assert (shown.organization, shown.title) == ("Globex", "CTO")
    assert role.started_on == started and role.detected_on is None  # old news: no "new role"
    before = next(r for r in shown.roles if r.organization == "Acme")
    assert before.ended_on == started
    assert reasons == ["3 years at Globex in 2 days"]


def test_a_title_alone_is_a_promotion_where_they_are(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", title="Engineer").id
        roles.add(ctx, pid, RoleSpec(title="Staff Engineer", started="2025-01"))
        shown = people.show(ctx, pid)
        with pytest.raises(Conflict, match="already is Staff Engineer"):
            roles.add(ctx, pid, RoleSpec(title="Staff Engineer"))
    assert (shown.organization, shown.title) == ("Acme", "Staff Engineer")


def test_corrections_keep_the_person_in_step_and_undo(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme", title="CTO").id
        current = people.show(ctx, pid).roles[-1].id
        past = roles.add(ctx, pid, RoleSpec("Engineer", "Globex", "2015", "2019")).id
    with open_ctx() as ctx:
        roles.edit(ctx, current, RoleSpec(title="Chief Technology Officer", started="2021-03"))
        roles.edit(ctx, past, RoleSpec(organization="Globex Ltd", ended="2019-09"))
        shown = people.show(ctx, pid)
    assert (shown.title, shown.roles[-1].started_on) == (
        "Chief Technology Officer",
        dt.date(2021, 3, 1),
    )
    assert (shown.roles[0].organization, shown.roles[0].ended_on) == (
        "Globex Ltd",
        dt.date(2019, 9, 1),
    )
    with open_ctx() as ctx:
        with pytest.raises(Conflict, match="this is their current role"):
            roles.delete(ctx, current)
        with pytest.raises(Invalid, match=r"ends .* before it starts"):
            roles.edit(ctx, past, RoleSpec(ended="2014"))
        with pytest.raises(Invalid, match="after today"):
            roles.add(ctx, pid, RoleSpec("Advisor", "Initech", "2030"))
        with pytest.raises(Invalid, match="give a title, an organisation or both"):
            roles.add(ctx, pid, RoleSpec(started="2020"))
    with open_ctx() as ctx:
        roles.delete(ctx, past)
    with open_ctx() as ctx:
        assert len(people.show(ctx, pid).roles) == 1
        journal.undo(ctx)
    with open_ctx(write=False) as ctx:
        assert [r.organization for r in people.show(ctx, pid).roles] == ["Globex Ltd", "Acme"]


def test_another_workspaces_role_is_not_found(open_ctx: OpenCtx, app) -> None:
    with open_ctx() as ctx:
        pid = make_person(ctx, "Ana Lima", organization="Acme").id
        rid = people.show(ctx, pid).roles[-1].id
    other = _other_workspace(app)
    with app.open(write=True, workspace_id=other) as ctx, pytest.raises(NotFound, match="no role"):
        roles.edit(ctx, rid, RoleSpec(title="x"))


def _other_workspace(app) -> int:
    from rapport.storage.schema import Workspace
    from rapport.storage.uow import unit_of_work

    with unit_of_work(app.engine, write=True) as session:
        ws = Workspace(name="other", timezone="UTC", settings={})
        session.add(ws)
        session.flush()
        return ws.id
