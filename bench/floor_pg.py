"""The floor on PostgreSQL: the same work as the product, written directly against
psycopg 3 (COPY for the load, one query per read). See `bench.floor` for SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg

from bench.floor_sql import agenda_sql, health_params, health_queries, ties_sql
from bench.network import InteractionRecord, Network
from rapport.domain.names import email_key, fold
from rapport.storage.bulk import ANALYZED
from rapport.storage.search import index_text, query_terms

KIND_CHANNEL = {
    "meeting": "in-person",
    "meal": "in-person",
    "event": "in-person",
    "call": "phone",
    "video": "video",
    "email": "email",
    "message": "message",
}
AGENDA_SQL = agenda_sql("postgresql")


def dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def connect(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn(url), autocommit=True)


def server_version(url: str) -> str:
    with connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


# --- bulk load --------------------------------------------------------------------------


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def load(url: str, network: Network, workspace_id: int) -> dict[str, int]:
    """`bench.load.load` by hand with COPY, in one transaction."""
    ws = workspace_id
    now = _utc(dt.datetime.now(dt.UTC))
    counts: dict[str, int] = {}
    memo: dict[tuple[str | None, ...], str] = {}

    def indexed(*parts: str | None) -> str:
        found = memo.get(parts)
        if found is None:
            found = memo[parts] = index_text(*parts)
        return found

    with psycopg.connect(dsn(url)) as conn, conn.transaction():
        cursor = conn.cursor()

        def copy(table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
            n = 0
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)
                    n += 1
            counts[table] = counts.get(table, 0) + n

        def ids(table: str, n: int) -> list[int]:
            rows = cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                (table, n),
            ).fetchall()
            return [r[0] for r in rows]

        orgs = network.organizations
        org_ids = ids("organization", len(orgs))
        copy(
            "organization",
            "id, workspace_id, name, name_key, industry, website, created_at",
            [
                (i, ws, o.name, fold(o.name), o.industry, o.website, now)
                for i, o in zip(org_ids, orgs, strict=True)
            ],
        )
        docs: list[tuple[Any, ...]] = [
            (ws, "organization", i, indexed(o.name), indexed(o.industry, o.website, None))
            for i, o in zip(org_ids, orgs, strict=True)
        ]
        event_ids = ids("event", len(network.events))
        copy(
            "event",
            "id, workspace_id, name, starts_on, ends_on, place, notes, created_at",
            [
                (eid, ws, e.name, e.starts_on, e.ends_on, e.place, e.notes, now)
                for eid, e in zip(event_ids, network.events, strict=True)
            ],
        )
        person_ids = ids("person", len(network.people))
        tags = sorted({t for p in network.people for t in p.tags}, key=fold)
        tag_ids = dict(zip([fold(t) for t in tags], ids("tag", len(tags)), strict=True))
        copy("tag", "id, workspace_id, name, name_key", [(i, ws, k, k) for k, i in tag_ids.items()])
        people, roles, emails, types, person_tags = [], [], [], [], []
        met_at: dict[int, list[str]] = {}  # where each person was met, for their document
        for e in network.events:
            for a in dict.fromkeys(e.attendees):
                met_at.setdefault(a, []).extend(t for t in (e.name.strip(), e.place) if t)
        for position, (pid, p) in enumerate(zip(person_ids, network.people, strict=True)):
            org = org_ids[p.organization] if p.organization is not None else None
            created = _utc(p.created_at) if p.created_at else now
            met_event = event_ids[p.met_event] if p.met_event is not None else None
            people.append(
                (pid, ws, p.full_name, p.given_name, p.family_name, fold(p.full_name), org,
                 p.title, p.location, p.how_met, p.met_on, met_event, p.interests, p.notes,
                 p.cadence_days, False, created, created)
            )  # fmt: skip
            if org is not None or p.title is not None:
                roles.append((ws, pid, org, p.title, "bulk", created))
            addresses = list(dict.fromkeys(p.emails))
            emails += [(ws, pid, a, email_key(a), i == 0) for i, a in enumerate(addresses)]
            person_types = sorted(set(p.types))
            types += [(pid, t, ws) for t in person_types]
            tag_keys = list(dict.fromkeys(fold(t) for t in p.tags))
            person_tags += [(pid, tag_ids[k], ws) for k in tag_keys]
            org_name = orgs[p.organization].name if p.organization is not None else None
            body = index_text(org_name, p.title, p.location, p.how_met, p.interests, None,
                              p.notes, None, *addresses, *tag_keys, *person_types,
                              *(t for t in (p.title, org_name) if t),  # the role
                              *met_at.get(position, ()))  # fmt: skip
            docs.append((ws, "person", pid, index_text(p.full_name, None), body))
        copy(
            "person",
            "id, workspace_id, full_name, given_name, family_name, name_key, organization_id, "
            "title, location, how_met, met_on, met_event_id, interests, notes, cadence_days, "
            "strained, created_at, updated_at",
            people,
        )
        copy("role", "workspace_id, person_id, organization_id, title, source, created_at", roles)
        copy("person_email", "workspace_id, person_id, address, address_key, is_primary", emails)
        copy("person_type", "person_id, type, workspace_id", types)
        copy("person_tag", "person_id, tag_id, workspace_id", person_tags)
        copy(
            "event_attendee",
            "event_id, person_id, workspace_id",
            dict.fromkeys(
                (eid, person_ids[a], ws)
                for eid, e in zip(event_ids, network.events, strict=True)
                for a in e.attendees
            ),
        )
        copy("search_doc", "workspace_id, kind, ref_id, title, body", docs)
        _interactions(cursor, copy, ids, network.interactions, ws, person_ids, event_ids, now,
                      indexed)  # fmt: skip
        copy(
            "milestone",
            "workspace_id, person_id, kind, label, month, day, year, recurrence, lead_days, "
            "created_at",
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
        copy(
            "commitment",
            "workspace_id, owner, person_id, description, due_on, status, created_at, resolved_at",
            [
                (
                    ws,
                    c.owner,
                    person_ids[c.person],
                    c.description,
                    c.due_on,
                    c.status,
                    _utc(c.created_at) if c.created_at else now,
                    _utc(c.resolved_at) if c.resolved_at else None,
                )
                for c in network.promises
            ],
        )
        copy(
            "exchange",
            "workspace_id, direction, kind, person_id, occurred_on, note, thanked_on, created_at",
            [
                (
                    ws,
                    f.direction,
                    f.kind,
                    person_ids[f.person],
                    f.occurred_on,
                    f.note,
                    f.thanked_on,
                    now,
                )
                for f in network.favours
            ],
        )
        # the documents of promises, favours, events and milestones, as the product writes
        record_docs: list[tuple[Any, ...]] = []
        for kind, sql in (
            ("promise", "SELECT id, description, NULL FROM commitment WHERE workspace_id = %s"),
            ("favour", "SELECT id, note, kind FROM exchange WHERE workspace_id = %s"),
            ("event", "SELECT id, name, place, notes FROM event WHERE workspace_id = %s"),
            ("milestone", "SELECT id, label, kind FROM milestone WHERE workspace_id = %s"),
        ):
            cursor.execute(sql + " ORDER BY id", (ws,))
            for ref_id, title, *rest in cursor.fetchall():
                record_docs.append((ws, kind, ref_id, index_text(title), index_text(*rest)))
        copy("search_doc", "workspace_id, kind, ref_id, title, body", record_docs)
        if person_ids:
            cursor.execute(
                "UPDATE person SET last_contact_at = (SELECT MAX(occurred_at) FROM "
                "interaction_participant ip WHERE ip.person_id = person.id) "
                "WHERE workspace_id = %s AND id BETWEEN %s AND %s",
                (ws, min(person_ids), max(person_ids)),
            )
        cursor.executemany(
            "UPDATE event_attendee SET followed_up_at = (SELECT MIN(ip.occurred_at) FROM "
            "interaction_participant ip JOIN interaction i ON i.id = ip.interaction_id WHERE "
            "ip.person_id = event_attendee.person_id AND ip.occurred_at >= %s AND "
            "(i.event_id IS NULL OR i.event_id != %s)) "
            "WHERE event_id = %s AND followed_up_at IS NULL",
            [
                (dt.datetime.combine(e.starts_on, dt.time(0)), eid, eid)
                for eid, e in zip(event_ids, network.events, strict=True)
                if e.attendees
            ],
        )
        cursor.execute(ties_sql("%s"), (ws, ws))
        counts["person_tie"] = cursor.rowcount
        cursor.execute("ANALYZE " + ", ".join(ANALYZED))
    return counts


def _interactions(
    cursor: Any,
    copy: Any,
    ids: Any,
    records: Iterable[InteractionRecord],
    ws: int,
    person_ids: Sequence[int],
    event_ids: Sequence[int],
    now: dt.datetime,
    indexed: Any,
) -> None:
    chunk: list[InteractionRecord] = []

    def flush() -> None:
        rows, participants, docs = [], [], []
        for iid, r in zip(ids("interaction", len(chunk)), chunk, strict=True):
            at = _utc(r.occurred_at)
            summary = r.summary.strip()[:500]
            notes = (r.notes or "").strip() or None
            project = (r.project or "").strip() or None
            event = event_ids[r.event] if r.event is not None else None
            rows.append(
                (iid, ws, r.kind, at, r.direction, r.channel or KIND_CHANNEL.get(r.kind),
                 summary, notes, r.tone, project, event, "bulk", now)
            )  # fmt: skip
            participants += [
                (iid, pid, ws, at, r.direction, r.tone)
                for pid in dict.fromkeys(person_ids[p] for p in r.participants)
            ]
            docs.append((ws, "interaction", iid, indexed(summary), indexed(notes, project)))
        copy(
            "interaction",
            "id, workspace_id, kind, occurred_at, direction, channel, summary, notes, tone, "
            "project, event_id, source, created_at",
            rows,
        )
        copy(
            "interaction_participant",
            "interaction_id, person_id, workspace_id, occurred_at, direction, tone",
            participants,
        )
        copy("search_doc", "workspace_id, kind, ref_id, title, body", docs)
        chunk.clear()

    for record in records:
        chunk.append(record)
        if len(chunk) == 50_000:
            flush()
    if chunk:
        flush()


# --- reads ------------------------------------------------------------------------------


def agenda(conn: psycopg.Connection[Any], workspace_id: int, today: dt.date) -> list[int]:
    rows = conn.execute(AGENDA_SQL, {"ws": workspace_id, "today": today.isoformat()})
    return [r[0] for r in rows]


PAGE_QUERIES = {
    "person": "SELECT p.*, o.name, e.name, i.full_name FROM person p "
    "LEFT JOIN organization o ON o.id = p.organization_id "
    "LEFT JOIN event e ON e.id = p.met_event_id "
    "LEFT JOIN person i ON i.id = p.introduced_by_id WHERE p.id = %(p)s",
    "emails": "SELECT address FROM person_email WHERE person_id = %(p)s "
    "ORDER BY is_primary DESC, id",
    "phones": "SELECT number FROM person_phone WHERE person_id = %(p)s ORDER BY id",
    "urls": "SELECT url FROM person_url WHERE person_id = %(p)s ORDER BY id",
    "types": "SELECT type FROM person_type WHERE person_id = %(p)s",
    "tags": "SELECT t.name FROM person_tag pt JOIN tag t ON t.id = pt.tag_id "
    "WHERE pt.person_id = %(p)s ORDER BY t.name_key",
    "roles": "SELECT r.*, o.name FROM role r LEFT JOIN organization o ON "
    "o.id = r.organization_id WHERE r.person_id = %(p)s "
    "ORDER BY r.ended_on IS NULL, r.ended_on, r.id",
    "commitments": "SELECT * FROM commitment WHERE person_id = %(p)s "
    "ORDER BY due_on IS NULL, due_on, id",
    "exchanges": "SELECT * FROM exchange WHERE person_id = %(p)s "
    "ORDER BY occurred_on DESC, id DESC",
    "milestones": "SELECT * FROM milestone WHERE person_id = %(p)s ORDER BY month, day",
    "events": "SELECT e.name, e.starts_on FROM event e JOIN event_attendee a ON "
    "a.event_id = e.id WHERE a.person_id = %(p)s ORDER BY e.starts_on DESC",
    "mentorships": "SELECT * FROM mentorship WHERE person_id = %(p)s",
    "introductions": "SELECT * FROM introduction WHERE person_id = %(p)s "
    "OR introducer_id = %(p)s OR to_person_id = %(p)s",
    "feedback": "SELECT * FROM feedback WHERE person_id = %(p)s",
    "interactions": "SELECT i.* FROM interaction_participant ip JOIN interaction i "
    "ON i.id = ip.interaction_id WHERE ip.person_id = %(p)s "
    "ORDER BY ip.occurred_at DESC LIMIT 50",
}


def person_page(conn: psycopg.Connection[Any], person_id: int, day: dt.date) -> dict[str, Any]:
    params = {"p": person_id}
    page: dict[str, Any] = {
        key: conn.execute(sql, params).fetchall() for key, sql in PAGE_QUERIES.items()
    }
    ids = [r[0] for r in page["interactions"]]
    page["participants"] = conn.execute(
        "SELECT ip.interaction_id, p.id, p.full_name FROM interaction_participant ip JOIN "
        "person p ON p.id = ip.person_id WHERE ip.interaction_id = ANY(%s) ORDER BY p.name_key",
        (ids,),
    ).fetchall()
    count = conn.execute(
        "SELECT COUNT(*) FROM interaction_participant WHERE person_id = %(p)s", params
    ).fetchone()
    page["interaction_count"] = count[0] if count else 0
    facts = health_params(person_id, day)
    page["health"] = {
        key: conn.execute(sql, facts).fetchall()
        for key, sql in health_queries("postgresql").items()
    }
    return page


SEARCH_SQL = (  # the stored, weighted tsvector of migration 0003
    "SELECT d.kind, d.ref_id, ts_rank(d.tsv, q) AS rank "
    "FROM search_doc d, to_tsquery('simple', %(q)s) AS q "
    "WHERE d.tsv @@ q AND d.workspace_id = %(ws)s ORDER BY rank DESC, d.id LIMIT %(limit)s"
)


def search(
    conn: psycopg.Connection[Any], workspace_id: int, query: str, limit: int = 20
) -> list[tuple[str, int, str]]:
    terms = query_terms(query)
    if not terms:
        return []
    q = " & ".join(f"{t}:*" for t in terms)
    hits = conn.execute(SEARCH_SQL, {"q": q, "ws": workspace_id, "limit": limit}).fetchall()
    by_kind: dict[str, list[int]] = {}
    for kind, ref_id, _ in hits:
        by_kind.setdefault(kind, []).append(ref_id)
    found: dict[tuple[str, int], str] = {}
    if ids := by_kind.get("person"):
        for pid, name, _org, _title in conn.execute(
            "SELECT p.id, p.full_name, o.name, p.title FROM person p LEFT JOIN organization o "
            "ON o.id = p.organization_id WHERE p.id = ANY(%s)",
            (ids,),
        ).fetchall():
            found[("person", pid)] = name
    if ids := by_kind.get("organization"):
        for oid, name, _ in conn.execute(
            "SELECT id, name, industry FROM organization WHERE id = ANY(%s)", (ids,)
        ).fetchall():
            found[("organization", oid)] = name
    if ids := by_kind.get("interaction"):
        for iid, kind, summary, _ in conn.execute(
            "SELECT id, kind, summary, occurred_at FROM interaction WHERE id = ANY(%s)", (ids,)
        ).fetchall():
            found[("interaction", iid)] = summary or kind
        conn.execute(
            "SELECT ip.interaction_id, p.id, p.full_name FROM interaction_participant ip JOIN "
            "person p ON p.id = ip.person_id WHERE ip.interaction_id = ANY(%s) "
            "ORDER BY p.name_key",
            (ids,),
        ).fetchall()
    order = {"person": 0, "organization": 1, "interaction": 2}
    ranked = [(k, i, found[(k, i)]) for k, i, _ in hits if (k, i) in found]
    return sorted(ranked, key=lambda r: order.get(r[0], 3))
