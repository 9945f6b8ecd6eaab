"""The agenda's rules: from plain facts about people to ranked, explained reasons.

Every source the guides teach feeds it: keep in touch, follow up after meeting, keep
promises, say thank you, celebrate milestones, acknowledge new roles, repair strained
ties, hold mentoring sessions, act on feedback, prepare for a meeting (from synced
calendars). The facts are gathered once a day (`facts.AgendaFacts`, by
services/agenda_facts.py); `build(facts, today)` turns them into the agenda, purely:

- `facts`: the records, and the windows that decide which rows are worth gathering;
- `rules`: the delays and windows a user may change (workspace settings), defaults;
- `references`: the short reference of every reason ('p12'), and what a user typed;
- `priorities`: what comes first, in one table;
- `keep_in_touch`: who is past their rhythm (the rule services/keep_in_touch.py runs
  in SQL) and the check-in's reason;
- `sources`: one rule per other source, facts to reasons;
- `assembly`: marks and boundaries applied, a person's reasons merged, entries ranked.
"""

from rapport.domain.agenda.assembly import assemble, build
from rapport.domain.agenda.facts import AgendaFacts, ContactFacts, Mark, PersonFacts, TouchDue
from rapport.domain.agenda.keep_in_touch import (
    keep_in_touch_reasons,
    overdue,
    overdue_item,
    touch_due_reason,
    touch_key,
    touch_priority,
)
from rapport.domain.agenda.priorities import PRIORITY
from rapport.domain.agenda.references import short_ref
from rapport.domain.agenda.rules import AgendaRules, rules_from

__all__ = [
    "PRIORITY",
    "AgendaFacts",
    "AgendaRules",
    "ContactFacts",
    "Mark",
    "PersonFacts",
    "TouchDue",
    "assemble",
    "build",
    "keep_in_touch_reasons",
    "overdue",
    "overdue_item",
    "rules_from",
    "short_ref",
    "touch_due_reason",
    "touch_key",
    "touch_priority",
]
