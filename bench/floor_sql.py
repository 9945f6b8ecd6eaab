"""The floor's agenda query, for SQLite and PostgreSQL: the keep-in-touch rule of
`domain.agenda.overdue` (own cadence, else the tightest of the types' defaults;
lateness against it, weighted by importance in tenths, in the integer arithmetic of
`domain.agenda.touch_priority`; most overdue first) as one query."""

from __future__ import annotations

from rapport.domain.cadence import DEFAULT_CADENCE_DAYS, DEFAULT_IMPORTANCE, IMPORTANCE


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
