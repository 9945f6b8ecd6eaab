"""Changing many existing people at once, for importers: each person's patch is
planned by the one rule (`domain.person_patch.plan`) and all the plans are written
together (`person_writer`), a few statements per thousand people.

A person whose change is refused is left untouched and reported; the others are
written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapport.adapters.records import Skipped
from rapport.domain.person_patch import Changes, PersonState, as_patch, plan
from rapport.errors import Invalid
from rapport.services import person_writer
from rapport.services.context import Ctx
from rapport.services.person_writer import Planned


@dataclass
class Change:
    """One person's update, from line `line` of a file."""

    person_id: int
    line: int
    patch: Changes


@dataclass
class Outcome:
    applied: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)  # nothing in them was new
    skipped: list[Skipped] = field(default_factory=list)


def apply(
    ctx: Ctx, changes: Sequence[Change], states: Mapping[int, PersonState], source: str
) -> Outcome:
    """Apply `changes` (one per person) to the people `states` describes
    (`person_state.read_states`), in the caller's transaction. A change the rule
    refuses is reported in `skipped` and none of it written. Roles the update starts
    or completes get `source`. The caller refreshes the search documents of the
    people changed."""
    outcome = Outcome()
    region = ctx.settings.get("phone_region")
    planned: list[Planned] = []
    for change in changes:
        state = states[change.person_id]
        try:
            checked = plan(state, as_patch(change.patch), today=ctx.today, phone_region=region)
        except Invalid as exc:
            outcome.skipped.append(Skipped(change.line, exc.reason))
            continue
        if checked.empty:
            outcome.unchanged.append(change)
            continue
        planned.append(Planned(change.person_id, state, checked))
        outcome.applied.append(change)
    person_writer.write(ctx, planned, source)
    return outcome
