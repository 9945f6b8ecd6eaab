"""The agenda ranks people due a check-in on numbers and writes their reason only for
the entries it returns: the same entries, in the same order, as assembling every
check-in's reason first (`keep_in_touch_reasons`), whatever the marks, boundaries,
other reasons and limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.domain import agenda as rules
from rapport.domain.records import AgendaReason
from tests.conftest import TODAY

D = dt.timedelta
IDS = list(range(1, 9))
NAMES = ["Ana", "Bruno", "Carla", "Ana", "Dan", "Eva", "Bruno", "Zoe"]  # ties on purpose
KINDS = ["promise", "thanks", "milestone", "follow-up", "feedback", "role-change"]


@st.composite
def touch_due(draw: st.DrawFn, person_id: int) -> rules.TouchDue:
    cadence = draw(st.integers(1, 120))
    days = draw(st.integers(cadence + 1, cadence * 15 + 10))
    contacted = draw(st.booleans())
    weight = draw(st.integers(1, 20))
    return rules.TouchDue(
        person_id,
        NAMES[person_id - 1],
        draw(st.none() | st.sampled_from(["Acme", "Globex"])),
        cadence,
        days,
        TODAY - D(days=days) if contacted else None,
        rules.touch_priority(days, cadence, weight),
        draw(st.none() | st.integers(-5, 5).map(lambda n: TODAY + D(days=n))),
        draw(st.none() | st.integers(1, 400)),
        None,
    )


@st.composite
def days(draw: st.DrawFn) -> dict[str, object]:
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=len(IDS)))
    due = [draw(touch_due(pid)) for pid in ids]
    others: list[tuple[int, AgendaReason]] = []
    for n in range(draw(st.integers(0, 8))):
        pid = draw(st.sampled_from(IDS))
        kind = draw(st.sampled_from(KINDS))
        others.append(
            (
                pid,
                AgendaReason(
                    kind,
                    f"{kind}:{draw(st.integers(1, 4))}",  # a repeated key counts once
                    f"reason {n}",
                    "do it",
                    draw(st.sampled_from([0.3, 0.55, 0.78, 0.8, 0.95])),
                ),
            )
        )
    keys = [rules.touch_key(t.person_id, t.days_since, t.cadence_days, TODAY) for t in due]
    keys += [r.key for _, r in others]
    chosen = draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []
    marks = {
        key: rules.Mark(
            draw(st.sampled_from(["done", "dismissed", "snoozed"])),
            draw(st.none() | st.integers(-3, 3).map(lambda n: TODAY + D(days=n))),
        )
        for key in chosen
    }
    return {"due": due, "others": others, "marks": marks,
            "limit": draw(st.none() | st.integers(1, 5))}  # fmt: skip


def _facts(t: rules.TouchDue) -> rules.PersonFacts:
    return rules.PersonFacts(
        t.person_id, t.name, t.organization, t.last_contact_on, t.not_before,
        t.max_contact_days, t.preferred_channel,
    )  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(days())
def test_check_ins_ranked_as_numbers_give_the_agenda_of_their_reasons(day: dict) -> None:
    due: list[rules.TouchDue] = day["due"]  # type: ignore[assignment]
    others = day["others"]
    plain = {pid: rules.PersonFacts(pid, NAMES[pid - 1], None, None, None, None, None)
             for pid in IDS}  # fmt: skip
    everyone = {**plain, **{t.person_id: _facts(t) for t in due}}
    items = [rules.overdue_item(t) for t in due]
    eager = rules.assemble(
        [*others, *rules.keep_in_touch_reasons(items, TODAY)],
        everyone, day["marks"], TODAY, day["limit"],
    )  # fmt: skip
    # lazily: people only for the other reasons (as the service passes them)
    wanted = {pid for pid, _ in others}
    lazy = rules.assemble(
        others, {p: f for p, f in everyone.items() if p in wanted}, day["marks"], TODAY,
        day["limit"], touch=due,
    )  # fmt: skip
    assert lazy == eager


def test_a_touch_due_item_is_the_overdue_item_the_rule_writes() -> None:
    t = rules.TouchDue(7, "Ana", None, 30, 75, TODAY - D(days=75), 1.5, None, None, None)
    item = rules.overdue_item(t)
    assert item.reason == "last contact 75 days ago, against a 30-day rhythm"
    never = rules.overdue_item(t._replace(last_contact_on=None))
    assert never.reason.startswith("no contact recorded in the 75 days since you met")
    ((_, reason),) = rules.keep_in_touch_reasons([item], TODAY)
    assert reason == rules.touch_due_reason(t, TODAY)
    assert reason.key == f"touch:7:{(TODAY - D(days=45)).isoformat()}"


def test_marks_with_keys_of_no_check_in_hold_no_one_and_break_nothing() -> None:
    """Marks come from the database (a restored backup may hold anything)."""
    t = rules.TouchDue(7, "Ana", None, 30, 75, TODAY - D(days=75), 1.5, None, None, None)
    marks = {
        key: rules.Mark("dismissed", None)
        for key in ("touch:", "touch:ana", "touch:7", "touch:7:someday", "touch")
    }
    entries, total = rules.assemble([], {}, marks, TODAY, touch=[t])
    assert total == 1 and entries[0].reasons == [
        replace(rules.touch_due_reason(t, TODAY), ref="t7")
    ]
    held = {rules.touch_key(7, 75, 30, TODAY): rules.Mark("dismissed", None)}
    assert rules.assemble([], {}, {**marks, **held}, TODAY, touch=[t]) == ([], 0)
