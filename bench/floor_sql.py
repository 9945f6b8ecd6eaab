"""The floor's agenda query, for SQLite and PostgreSQL: the keep-in-touch rule of
`domain.agenda.overdue` (own cadence, else the tightest of the types' defaults;
lateness against it, weighted by importance in tenths, in the integer arithmetic of
`domain.agenda.touch_priority`; most overdue first) as one query."""

from __future__ import annotations

import datetime as dt

from rapport.domain.cadence import DEFAULT_CADENCE_DAYS, DEFAULT_IMPORTANCE, IMPORTANCE
from rapport.domain.warm_paths import LARGE_GROUP


def agenda_sql(backend: str, *, names: bool = False) -> str:
    """Rows (id, days_since, priority[, full_name, organization]) in agenda order, for
    parameters `ws` (workspace id) and `today` (ISO date). Assumes a UTC workspace."""
    defaults = ", ".join(
        f"('{t}', {days}, {round(IMPORTANCE.get(t, DEFAULT_IMPORTANCE) * 10)})"
        for t, days in DEFAULT_CADENCE_DAYS.items()
    )
    extra = ", full_name, (SELECT name FROM organization o WHERE o.id = organization_id)"
    if backend == "postgresql":
        return _postgres(defaults, extra if names else "")
    return _sqlite(defaults, extra if names else "")


def _sqlite(defaults: str, extra: str) -> str:
    # Typed people through the person_type index, people with only a cadence of their
    # own through one sequential scan; never all 50,000 people in index order.
    since = (
        "CAST(julianday(:today) - julianday(COALESCE(substr(p.last_contact_at, 1, 10), "
        "p.met_on, substr(p.created_at, 1, 10))) AS INTEGER)"
    )
    return f"""
WITH defaults(type, days, weight) AS (VALUES {defaults}),
due AS (
  SELECT p.id, p.full_name, p.organization_id, COALESCE(p.cadence_days, t.days) AS cadence,
    t.weight, {since} AS days_since
  FROM (SELECT pt.person_id, MIN(d.days) AS days, MAX(d.weight) AS weight
        FROM person_type pt JOIN defaults d ON d.type = pt.type
        WHERE pt.workspace_id = :ws GROUP BY pt.person_id) t
  JOIN person p ON p.id = t.person_id
  WHERE p.archived_at IS NULL AND (p.not_before IS NULL OR p.not_before <= :today)
  UNION ALL
  SELECT p.id, p.full_name, p.organization_id, p.cadence_days, {round(DEFAULT_IMPORTANCE * 10)},
    {since}
  FROM person p NOT INDEXED
  WHERE p.workspace_id = :ws AND p.archived_at IS NULL AND p.cadence_days IS NOT NULL
    AND (p.not_before IS NULL OR p.not_before <= :today)
    AND NOT EXISTS (SELECT 1 FROM person_type pt WHERE pt.person_id = p.id)
)
SELECT id, days_since,
  (2000 * weight * MIN(days_since, 11 * cadence) + cadence) / (2 * cadence) AS priority
  {extra}
FROM due WHERE days_since > cadence
ORDER BY priority DESC, days_since DESC, full_name, id
"""


def _postgres(defaults: str, extra: str) -> str:
    since = "(%(today)s::date - COALESCE(p.last_contact_at::date, p.met_on, p.created_at::date))"
    return f"""
WITH defaults(type, days, weight) AS (VALUES {defaults}),
typed AS (
  SELECT pt.person_id, MIN(d.days) AS days, MAX(d.weight) AS weight
  FROM person_type pt JOIN defaults d ON d.type = pt.type
  WHERE pt.workspace_id = %(ws)s GROUP BY pt.person_id
),
due AS (
  SELECT p.id, p.full_name, p.organization_id,
    COALESCE(p.cadence_days, t.days) AS cadence,
    COALESCE(t.weight, {round(DEFAULT_IMPORTANCE * 10)}) AS weight,
    {since} AS days_since
  FROM person p LEFT JOIN typed t ON t.person_id = p.id
  WHERE p.workspace_id = %(ws)s AND p.archived_at IS NULL
    AND (p.cadence_days IS NOT NULL OR t.days IS NOT NULL)
    AND (p.not_before IS NULL OR p.not_before <= %(today)s::date)
)
SELECT id, days_since,
  (2000 * weight * LEAST(days_since, 11 * cadence) + cadence) / (2 * cadence) AS priority{extra}
FROM due WHERE days_since > cadence
ORDER BY priority DESC, days_since DESC, full_name COLLATE "C", id
"""


def health_queries(backend: str) -> dict[str, str]:
    """The facts of one person's health, for parameters `p` (person id), `since` and
    `until` (the year, UTC), `m1`…`m11` (the ends of its first eleven twelfths),
    `day` (the day scored): the year's conversations by who started them and their
    tone, in how many twelfths there was one, favours both ways, my promises kept,
    broken and overdue, and the relationship types."""
    if backend == "postgresql":

        def name(n: str) -> str:
            return f"%({n})s"
    else:

        def name(n: str) -> str:
            return f":{n}"

    months = " ".join(f"WHEN occurred_at < {name(f'm{k}')} THEN {k}" for k in range(1, 12))
    return {
        "activity": (
            "SELECT max(occurred_at), count(*) FILTER (WHERE direction = 'me'), "
            "count(*) FILTER (WHERE direction = 'them'), count(*) FILTER (WHERE tone = 'warm'), "
            "count(*) FILTER (WHERE tone = 'tense'), "
            f"count(DISTINCT CASE {months} ELSE 12 END) FROM interaction_participant "
            f"WHERE person_id = {name('p')} AND occurred_at >= {name('since')} "
            f"AND occurred_at < {name('until')}"
        ),
        "favours": (
            "SELECT sum(CASE WHEN direction = 'given' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN direction = 'received' THEN 1 ELSE 0 END) FROM exchange "
            f"WHERE person_id = {name('p')} AND occurred_on <= {name('day')}"
        ),
        "promises": (
            f"SELECT sum(CASE WHEN status = 'kept' AND resolved_at < {name('until')} "
            f"THEN 1 ELSE 0 END), sum(CASE WHEN status = 'broken' AND resolved_at < "
            f"{name('until')} THEN 1 ELSE 0 END), sum(CASE WHEN status = 'open' AND due_on < "
            f"{name('day')} THEN 1 ELSE 0 END) FROM commitment "
            f"WHERE person_id = {name('p')} AND owner = 'me'"
        ),
        "types": f"SELECT type FROM person_type WHERE person_id = {name('p')}",
    }


def health_params(person_id: int, day: dt.date) -> dict[str, object]:
    """The parameters of `health_queries` for a UTC workspace (moments as naive UTC
    datetimes: the SQLite floor turns them into its stored text)."""
    start = dt.datetime.combine(day - dt.timedelta(days=365), dt.time(0))
    params: dict[str, object] = {
        "p": person_id,
        "since": start,
        "until": dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0)),
        "day": day,
    }
    for k in range(1, 12):
        params[f"m{k}"] = start + dt.timedelta(days=round(k * 365 / 12))
    return params


def ties_sql(mark: str) -> str:
    """The conversation ties of `storage.person_ties` from the participants, as one
    INSERT … SELECT; `mark` is the driver's parameter mark, given the workspace twice."""
    return (
        "INSERT INTO person_tie "
        "(person_id, other_id, workspace_id, conversations, last_conversation_at) "
        "SELECT m.person_id, o.person_id, m.workspace_id, COUNT(*), MAX(m.occurred_at) "
        "FROM interaction_participant m JOIN interaction_participant o "
        "ON o.interaction_id = m.interaction_id AND o.person_id > m.person_id "
        f"WHERE m.workspace_id = {mark} AND m.interaction_id IN (SELECT interaction_id "
        f"FROM interaction_participant WHERE workspace_id = {mark} GROUP BY interaction_id "
        f"HAVING COUNT(*) BETWEEN 2 AND {LARGE_GROUP}) "
        "GROUP BY m.person_id, o.person_id, m.workspace_id"
    )
