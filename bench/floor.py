"""The floor: the same work as the product, written directly against `sqlite3`.

Each function gives the same answer as its product counterpart (the tests check it
on a small network), with no ORM, no per-row objects and no validation: the least
code that can produce that answer from the same schema. The database must use a
UTC workspace (SQLite has no time zones; the product converts to the workspace's
zone, which for UTC changes nothing).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench.floor_sql import agenda_sql, health_params, health_queries, ties_sql
from bench.network import InteractionRecord, Network
from rapport.domain.names import email_key, fold
from rapport.storage.search import index_text, query_terms

CHUNK = 20_000
KIND_CHANNEL = {
    "meeting": "in-person",
    "meal": "in-person",
    "event": "in-person",
    "call": "phone",
    "video": "video",
    "email": "email",
    "message": "message",
}


def stamp(moment: dt.datetime) -> str:
    """A UTC datetime as SQLAlchemy stores it in SQLite."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


# --- bulk load ----------------------------------------------------------------------


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    found: int = conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]
    return found


def load(conn: sqlite3.Connection, network: Network, workspace_id: int) -> dict[str, int]:
    """`bench.load.load` by hand: the same rows, in one transaction."""
    ws = workspace_id
    now = stamp(dt.datetime.now(dt.UTC))
    counts: dict[str, int] = {}
    memo: dict[tuple[str | None, ...], str] = {}

    def indexed(*parts: str | None) -> str:
        found = memo.get(parts)
        if found is None:
            found = memo[parts] = index_text(*parts)
        return found

    def insert(table: str, columns: str, rows: Sequence[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * (columns.count(",") + 1))
        conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        counts[table] = counts.get(table, 0) + len(rows)

    conn.execute("PRAGMA cache_size = -262144")  # as bench.load does for a load
    conn.execute("BEGIN IMMEDIATE")
    # index the new search documents in one statement at the end, not row by row
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts_ai'").fetchone()[
        0
    ]
    last_doc = _next_id(conn, "search_doc") - 1
    conn.execute("DROP TRIGGER search_fts_ai")
    base = _next_id(conn, "organization")
    orgs = network.organizations
    insert(
        "organization",
        "id, workspace_id, name, name_key, industry, website, created_at",
        [
            (base + i, ws, o.name, fold(o.name), o.industry, o.website, now)
            for i, o in enumerate(orgs)
        ],
    )
    docs: list[tuple[Any, ...]] = [
        (ws, "organization", base + i, indexed(o.name), indexed(o.industry, o.website, None))
        for i, o in enumerate(orgs)
    ]
    org_ids = [base + i for i in range(len(orgs))]
    base = _next_id(conn, "event")
    event_ids = [base + i for i in range(len(network.events))]
    insert(
        "event",
        "id, workspace_id, name, starts_on, ends_on, place, notes, created_at",
        [
            (
                eid,
                ws,
                e.name,
                e.starts_on.isoformat(),
                e.ends_on and e.ends_on.isoformat(),
                e.place,
                e.notes,
                now,
            )
            for eid, e in zip(event_ids, network.events, strict=True)
        ],
    )
    base = _next_id(conn, "person")
    person_ids = [base + i for i in range(len(network.people))]
    tags = {t for p in network.people for t in p.tags}
    tag_base = _next_id(conn, "tag")
    tag_ids = {fold(t): tag_base + i for i, t in enumerate(sorted(tags, key=fold))}
    insert("tag", "id, workspace_id, name, name_key", [(i, ws, k, k) for k, i in tag_ids.items()])
    people, roles, emails, types, person_tags = [], [], [], [], []
    met_at: dict[int, list[str]] = {}  # where each person was met, for their document
    for e in network.events:
        for a in dict.fromkeys(e.attendees):
            met_at.setdefault(a, []).extend(t for t in (e.name.strip(), e.place) if t)
    for position, (pid, p) in enumerate(zip(person_ids, network.people, strict=True)):
        org = org_ids[p.organization] if p.organization is not None else None
        created = stamp(p.created_at) if p.created_at else now
        people.append(
            (
                pid,
                ws,
                p.full_name,
                p.given_name,
                p.family_name,
                fold(p.full_name),
                org,
                p.title,
                p.location,
                p.how_met,
                p.met_on and p.met_on.isoformat(),
                event_ids[p.met_event] if p.met_event is not None else None,
                p.interests,
                p.notes,
                p.cadence_days,
                False,
                created,
                created,
            )
        )
        if org is not None or p.title is not None:
            roles.append((ws, pid, org, p.title, "bulk", created))
        addresses = list(dict.fromkeys(p.emails))
        emails += [(ws, pid, a, email_key(a), i == 0) for i, a in enumerate(addresses)]
        person_types = sorted(set(p.types))
        types += [(pid, t, ws) for t in person_types]
        tag_keys = list(dict.fromkeys(fold(t) for t in p.tags))
        person_tags += [(pid, tag_ids[k], ws) for k in tag_keys]
        org_name = orgs[p.organization].name if p.organization is not None else None
        body = index_text(
            org_name,
            p.title,
            p.location,
            p.how_met,
            p.interests,
            None,
            p.notes,
            None,
            *addresses,
            *tag_keys,
            *person_types,
            *(t for t in (p.title, org_name) if t),  # the role
            *met_at.get(position, ()),
        )
        docs.append((ws, "person", pid, index_text(p.full_name, None), body))
    insert(
        "person",
        "id, workspace_id, full_name, given_name, family_name, name_key, organization_id, title, "
        "location, how_met, met_on, met_event_id, interests, notes, cadence_days, strained, "
        "created_at, updated_at",
        people,
    )
    insert("role", "workspace_id, person_id, organization_id, title, source, created_at", roles)
    insert("person_email", "workspace_id, person_id, address, address_key, is_primary", emails)
    insert("person_type", "person_id, type, workspace_id", types)
    insert("person_tag", "person_id, tag_id, workspace_id", person_tags)
    insert(
        "event_attendee",
        "event_id, person_id, workspace_id",
        list(
            dict.fromkeys(
                (eid, person_ids[a], ws)
                for eid, e in zip(event_ids, network.events, strict=True)
                for a in e.attendees
            )
        ),
    )
    insert("search_doc", "workspace_id, kind, ref_id, title, body", docs)
    _load_interactions(conn, network.interactions, ws, person_ids, event_ids, now, insert, indexed)
    insert(
        "milestone",
        "workspace_id, person_id, kind, label, month, day, year, recurrence, lead_days, created_at",
        [
            (
                ws,
                person_ids[m.person],
                m.kind,
                m.label,
                m.month,
                m.day,
                m.year,
                m.recurrence,
                m.lead_days,
                now,
            )
            for m in network.milestones
        ],
    )
    insert(
        "commitment",
        "workspace_id, owner, person_id, description, due_on, status, created_at, resolved_at",
        [
            (
                ws,
                c.owner,
                person_ids[c.person],
                c.description,
                c.due_on and c.due_on.isoformat(),
                c.status,
                stamp(c.created_at) if c.created_at else now,
                c.resolved_at and stamp(c.resolved_at),
            )
            for c in network.promises
        ],
    )
    insert(
        "exchange",
        "workspace_id, direction, kind, person_id, occurred_on, note, thanked_on, created_at",
        [
            (
                ws,
                f.direction,
                f.kind,
                person_ids[f.person],
                f.occurred_on.isoformat(),
                f.note,
                f.thanked_on and f.thanked_on.isoformat(),
                now,
            )
            for f in network.favours
        ],
    )
    # the documents of promises, favours, events and milestones, as the product writes them
    record_docs: list[tuple[Any, ...]] = []
    for kind, sql in (
        ("promise", "SELECT id, description, NULL FROM commitment WHERE workspace_id = ?"),
        ("favour", "SELECT id, note, kind FROM exchange WHERE workspace_id = ?"),
        ("event", "SELECT id, name, place, notes FROM event WHERE workspace_id = ?"),
        ("milestone", "SELECT id, label, kind FROM milestone WHERE workspace_id = ?"),
    ):
        for ref_id, title, *rest in conn.execute(sql + " ORDER BY id", (ws,)):
            record_docs.append((ws, kind, ref_id, index_text(title), index_text(*rest)))
    insert("search_doc", "workspace_id, kind, ref_id, title, body", record_docs)
    if person_ids:
        conn.execute(
            "UPDATE person SET last_contact_at = (SELECT MAX(occurred_at) FROM "
            "interaction_participant ip WHERE ip.person_id = person.id) "
            "WHERE workspace_id = ? AND id BETWEEN ? AND ?",
            (ws, person_ids[0], person_ids[-1]),
        )
    conn.executemany(
        "UPDATE event_attendee SET followed_up_at = (SELECT MIN(ip.occurred_at) FROM "
        "interaction_participant ip JOIN interaction i ON i.id = ip.interaction_id WHERE "
        "ip.person_id = event_attendee.person_id AND ip.occurred_at >= ? AND "
        "(i.event_id IS NULL OR i.event_id != ?)) WHERE event_id = ? AND followed_up_at IS NULL",
        [
            (stamp(dt.datetime.combine(e.starts_on, dt.time(0), dt.UTC)), eid, eid)
            for eid, e in zip(event_ids, network.events, strict=True)
            if e.attendees
        ],
    )
    conn.execute(
        "INSERT INTO search_fts(rowid, title, body) "
        "SELECT id, title, body FROM search_doc WHERE id > ?",
        (last_doc,),
    )
    conn.execute(trigger)
    counts["person_tie"] = conn.execute(ties_sql("?"), (ws, ws)).rowcount
    conn.execute("ANALYZE")
    conn.execute("COMMIT")
    conn.execute("PRAGMA cache_size = -2000")
    return counts


def _load_interactions(
    conn: sqlite3.Connection,
    records: Iterable[InteractionRecord],
    ws: int,
    person_ids: Sequence[int],
    event_ids: Sequence[int],
    now: str,
    insert: Any,
    indexed: Any,
) -> None:
    chunk: list[InteractionRecord] = []

    def flush() -> None:
        base = _next_id(conn, "interaction")
        rows, participants, docs = [], [], []
        for iid, r in enumerate(chunk, base):
            at = stamp(r.occurred_at)
            summary = r.summary.strip()[:500]
            notes = (r.notes or "").strip() or None
            project = (r.project or "").strip() or None
            rows.append(
                (
                    iid,
                    ws,
                    r.kind,
                    at,
                    r.direction,
                    r.channel or KIND_CHANNEL.get(r.kind),
                    summary,
                    notes,
                    r.tone,
                    project,
                    event_ids[r.event] if r.event is not None else None,
                    "bulk",
                    now,
                )
            )
            participants += [
                (iid, pid, ws, at, r.direction, r.tone)
                for pid in dict.fromkeys(person_ids[p] for p in r.participants)
            ]
            docs.append((ws, "interaction", iid, indexed(summary), indexed(notes, project)))
        insert(
            "interaction",
            "id, workspace_id, kind, occurred_at, direction, channel, summary, notes, tone, "
            "project, event_id, source, created_at",
            rows,
        )
        insert(
            "interaction_participant",
            "interaction_id, person_id, workspace_id, occurred_at, direction, tone",
            participants,
        )
        insert("search_doc", "workspace_id, kind, ref_id, title, body", docs)
        chunk.clear()

    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            flush()
    if chunk:
        flush()


# --- reads ----------------------------------------------------------------------------


AGENDA_SQL = agenda_sql("sqlite")


def agenda(conn: sqlite3.Connection, workspace_id: int, today: dt.date) -> list[int]:
    """Ids of the people past their keep-in-touch rhythm, most overdue first."""
    rows = conn.execute(AGENDA_SQL, {"ws": workspace_id, "today": today.isoformat()})
    return [r[0] for r in rows]


def person_page(conn: sqlite3.Connection, person_id: int, day: dt.date) -> dict[str, Any]:
    """What a person's page shows: the profile, the last 50 interactions with their
    participants, promises, favours with the balance, milestones, events, and the
    facts of their health on `day`."""
    one = (person_id,)
    page: dict[str, Any] = {
        "person": conn.execute(
            "SELECT p.*, o.name, e.name, i.full_name FROM person p "
            "LEFT JOIN organization o ON o.id = p.organization_id "
            "LEFT JOIN event e ON e.id = p.met_event_id "
            "LEFT JOIN person i ON i.id = p.introduced_by_id WHERE p.id = ?",
            one,
        ).fetchone(),
    }
    for key, sql in (
        (
            "emails",
            "SELECT address FROM person_email WHERE person_id = ? ORDER BY is_primary DESC, id",
        ),
        ("phones", "SELECT number FROM person_phone WHERE person_id = ? ORDER BY id"),
        ("urls", "SELECT url FROM person_url WHERE person_id = ? ORDER BY id"),
        ("types", "SELECT type FROM person_type WHERE person_id = ?"),
        (
            "tags",
            "SELECT t.name FROM person_tag pt JOIN tag t ON t.id = pt.tag_id "
            "WHERE pt.person_id = ? ORDER BY t.name_key",
        ),
        (
            "roles",
            "SELECT r.*, o.name FROM role r LEFT JOIN organization o ON o.id = "
            "r.organization_id WHERE r.person_id = ? ORDER BY r.ended_on IS NULL, r.ended_on, r.id",
        ),
        (
            "commitments",
            "SELECT * FROM commitment WHERE person_id = ? ORDER BY due_on IS NULL, due_on, id",
        ),
        (
            "exchanges",
            "SELECT * FROM exchange WHERE person_id = ? ORDER BY occurred_on DESC, id DESC",
        ),
        ("milestones", "SELECT * FROM milestone WHERE person_id = ? ORDER BY month, day"),
        (
            "events",
            "SELECT e.name, e.starts_on FROM event e JOIN event_attendee a ON "
            "a.event_id = e.id WHERE a.person_id = ? ORDER BY e.starts_on DESC",
        ),
        ("mentorships", "SELECT * FROM mentorship WHERE person_id = ?"),
        (
            "introductions",
            "SELECT * FROM introduction WHERE person_id = ? OR introducer_id = ? "
            "OR to_person_id = ?",
        ),
        ("feedback", "SELECT * FROM feedback WHERE person_id = ?"),
    ):
        page[key] = conn.execute(sql, one * sql.count("?")).fetchall()
    page["interactions"] = conn.execute(
        "SELECT i.* FROM interaction_participant ip JOIN interaction i ON i.id = ip.interaction_id "
        "WHERE ip.person_id = ? ORDER BY ip.occurred_at DESC LIMIT 50",
        one,
    ).fetchall()
    ids = [r[0] for r in page["interactions"]]
    marks = ", ".join("?" * len(ids))
    page["participants"] = conn.execute(
        f"SELECT ip.interaction_id, p.id, p.full_name FROM interaction_participant ip JOIN person "
        f"p ON p.id = ip.person_id WHERE ip.interaction_id IN ({marks}) ORDER BY p.name_key",
        ids,
    ).fetchall()
    page["interaction_count"] = conn.execute(
        "SELECT COUNT(*) FROM interaction_participant WHERE person_id = ?", one
    ).fetchone()[0]
    params = {k: _stored_text(v) for k, v in health_params(person_id, day).items()}
    page["health"] = {
        key: conn.execute(sql, params).fetchall() for key, sql in health_queries("sqlite").items()
    }
    return page


def _stored_text(value: object) -> object:
    """A moment or a day as the product stores it in SQLite; other values as they are."""
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def search(
    conn: sqlite3.Connection, workspace_id: int, query: str, limit: int = 20
) -> list[tuple[str, int, str]]:
    """(kind, id, title) of the best matches, with what a result line shows."""
    terms = query_terms(query)
    if not terms:
        return []
    match = " ".join(f'"{t}"*' for t in terms)
    # as storage.search does: rank in FTS5, then look up the best documents only
    hits = conn.execute(
        "SELECT d.kind, d.ref_id, f.rank FROM (SELECT rowid, bm25(search_fts, 4.0, 1.0) AS rank "
        "FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT ?) AS f "
        "JOIN search_doc d ON d.id = f.rowid WHERE d.workspace_id = ? ORDER BY f.rank LIMIT ?",
        (match, max(limit * 5, 100), workspace_id, limit),
    ).fetchall()
    if len(hits) < limit:
        hits = conn.execute(
            "SELECT d.kind, d.ref_id, bm25(search_fts, 4.0, 1.0) AS rank "
            "FROM search_fts JOIN search_doc d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH ? AND d.workspace_id = ? ORDER BY rank LIMIT ?",
            (match, workspace_id, limit),
        ).fetchall()
    by_kind: dict[str, list[int]] = {}
    for kind, ref_id, _ in hits:
        by_kind.setdefault(kind, []).append(ref_id)
    found: dict[tuple[str, int], str] = {}

    def rows(sql: str, ids: list[int]) -> list[Any]:
        return conn.execute(sql.format(", ".join("?" * len(ids))), ids).fetchall()

    if ids := by_kind.get("person"):
        for pid, name, _org, _title in rows(
            "SELECT p.id, p.full_name, o.name, p.title FROM person p LEFT JOIN organization o "
            "ON o.id = p.organization_id WHERE p.id IN ({})",
            ids,
        ):
            found[("person", pid)] = name
    if ids := by_kind.get("organization"):
        for oid, name, _industry in rows(
            "SELECT id, name, industry FROM organization WHERE id IN ({})", ids
        ):
            found[("organization", oid)] = name
    if ids := by_kind.get("interaction"):
        for iid, kind, summary, _at in rows(
            "SELECT id, kind, summary, occurred_at FROM interaction WHERE id IN ({})", ids
        ):
            found[("interaction", iid)] = summary or kind
        rows(
            "SELECT ip.interaction_id, p.id, p.full_name FROM interaction_participant ip JOIN "
            "person p ON p.id = ip.person_id WHERE ip.interaction_id IN ({}) ORDER BY p.name_key",
            ids,
        )
    order = {"person": 0, "organization": 1, "interaction": 2}
    ranked = [(k, i, found[(k, i)]) for k, i, _ in hits if (k, i) in found]
    return sorted(ranked, key=lambda r: order.get(r[0], 3))


def export(conn: sqlite3.Connection, workspace_id: int, path: Path) -> int:
    """Every row of the workspace as JSON, table by table; the number of rows."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%' "
            "AND name NOT LIKE 'search_fts%' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('alembic_version', 'search_doc') ORDER BY name"
        )
    ]
    count = 0
    with path.open("w", encoding="utf-8") as stream:
        stream.write("{")
        for i, table in enumerate(tables):
            cursor = conn.execute(f"SELECT * FROM {table}")
            columns = [c[0] for c in cursor.description]
            where = "id" if table == "workspace" else "workspace_id"
            if where in columns:
                cursor = conn.execute(f"SELECT * FROM {table} WHERE {where} = ?", (workspace_id,))
            rows = cursor.fetchall()
            count += len(rows)
            stream.write(("," if i else "") + json.dumps(table) + ': {"columns": ')
            stream.write(json.dumps(columns) + ', "rows": [')
            stream.write(",".join(json.dumps(row, ensure_ascii=False) for row in rows))
            stream.write("]}")
        stream.write("}")
    return count
