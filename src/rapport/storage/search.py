"""Full-text search behind one interface: FTS5 on SQLite, a stored tsvector on
PostgreSQL.

Documents are stored pre-tokenised by `index_text`, and queries go through the same
function, so both backends split and match words the same way (neither backend's own
stemmer or word-splitter decides anything): text is case-folded and accent-free,
punctuation (the underscore too) separates words, a light English plural rule makes
"pilots" and "pilot" one word ("companies" → "company"), and scripts written without
spaces (Chinese, Japanese, Korean, Thai, Lao, Khmer, Myanmar) are indexed as
overlapping two-character pieces plus the run's last character alone: "李小龙" is
stored as "李小 小龙 龙", so any two or more characters of it are found, and one
character is found as the start of a piece (every character starts one).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, text, tuple_
from sqlalchemy.orm import Session

from rapport.domain.names import fold
from rapport.storage.schema import SearchDoc

_NON_WORD = re.compile(r"[\W_]+")
# scripts without spaces between words: Thai, Lao, Myanmar, Khmer, Hangul Jamo, CJK
# punctuation-free blocks (kana, CJK radicals and ideographs, Hangul syllables)
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1100-\u11ff\u2e80-\u2fdf"
    "\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
_RUNS = re.compile(f"[{_UNSPACED}]+|[^{_UNSPACED}]+")
_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
PUT_MANY_ROWS = 1000  # documents per INSERT statement in put_many


def index_text(*parts: str | None) -> str:
    """One searchable string from `parts`: the words of `tokens`, space-separated."""
    return " ".join(tokens(" ".join(p for p in parts if p)))


def tokens(text: str) -> list[str]:
    """The indexed words of `text` (see the module's note): folded, plurals made
    singular, runs of unspaced scripts cut into overlapping pairs."""
    out: list[str] = []
    for run in _RUNS.findall(fold(text)):
        if _UNSPACED_RUN.fullmatch(run):
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
            out.append(run[-1])
        else:
            out.extend(stem(w) for w in _NON_WORD.split(run) if w)
    return out


def stem(word: str) -> str:
    """A light English plural rule, the same for every backend: "pilots" → "pilot",
    "companies" → "company"; "business", "status", "analysis" kept."""
    if not word.isascii() or not word.isalpha() or len(word) < 4:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def query_terms(query: str) -> list[str]:
    """The words of `query` as the index holds them (at most 12). A run of an unspaced
    script is queried by its pairs alone ("李小龙" → "李小", "小龙"); one character
    stays, found as the start of a pair."""
    terms: list[str] = []
    for run in _RUNS.findall(fold(query)):
        if _UNSPACED_RUN.fullmatch(run):
            terms.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            terms.extend(stem(w) for w in _NON_WORD.split(run) if w)
    return list(dict.fromkeys(terms))[:12]


@dataclass(frozen=True)
class Hit:
    kind: str
    ref_id: int
    rank: float


def put(session: Session, workspace_id: int, kind: str, ref_id: int, title: str, body: str) -> None:
    """Insert or replace the document for (kind, ref_id)."""
    existing = session.scalar(
        select(SearchDoc).where(SearchDoc.kind == kind, SearchDoc.ref_id == ref_id)
    )
    if existing is None:
        session.add(
            SearchDoc(workspace_id=workspace_id, kind=kind, ref_id=ref_id, title=title, body=body)
        )
    elif existing.title != title or existing.body != body:
        existing.title, existing.body = title, body


def put_many(
    session: Session, workspace_id: int, docs: Iterable[tuple[str, int, str, str]]
) -> None:
    """Bulk insert documents known to be new (importers, bulk loads).

    Many rows to a statement: on SQLite the full-text index is fed by a trigger
    inside each INSERT's statement transaction, and FTS5 flushes its pending terms at
    every statement, so one statement per row costs ~25 ms a row on a 2M-document
    index (0.03 ms a row this way). The statement is written once per size and run
    at the driver level: compiling a thousand-row VALUES each time costs more than
    the insert. PostgreSQL gets them by COPY."""
    rows = [(workspace_id, k, r, t, b) for k, r, t, b in docs]
    connection = session.connection()
    if connection.dialect.name == "postgresql" and rows:
        driver: Any = connection.connection.driver_connection  # psycopg: COPY
        with (
            driver.cursor() as cursor,
            cursor.copy(
                "COPY search_doc (workspace_id, kind, ref_id, title, body) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(rows), PUT_MANY_ROWS):
        chunk = rows[start : start + PUT_MANY_ROWS]
        params = tuple(value for row in chunk for value in row)
        connection.exec_driver_sql(_insert_docs(len(chunk), mark), params)


@functools.lru_cache(maxsize=8)
def _insert_docs(rows: int, mark: str) -> str:
    values = ", ".join([f"({mark}, {mark}, {mark}, {mark}, {mark})"] * rows)
    return f"INSERT INTO search_doc (workspace_id, kind, ref_id, title, body) VALUES {values}"


def replace_many(
    session: Session, workspace_id: int, kind: str, docs: Sequence[tuple[int, str, str]]
) -> None:
    """Bring the documents (ref_id, title, body) of `kind` up to date: one upsert per
    thousand documents, which inserts the missing ones and rewrites only those whose
    text differs (an unchanged document costs no full-text work). Half the cost of
    deleting and inserting them all."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(docs), PUT_MANY_ROWS):
        chunk = docs[start : start + PUT_MANY_ROWS]
        params = tuple(
            v for ref_id, title, body in chunk for v in (workspace_id, kind, ref_id, title, body)
        )
        connection.exec_driver_sql(_upsert_docs(len(chunk), mark), params)


@functools.lru_cache(maxsize=8)
def _upsert_docs(rows: int, mark: str) -> str:
    return (
        _insert_docs(rows, mark) + " ON CONFLICT (kind, ref_id) DO UPDATE SET "
        "title = excluded.title, body = excluded.body "
        "WHERE search_doc.title <> excluded.title OR search_doc.body <> excluded.body"
    )


def remove(session: Session, kind: str, ref_ids: Sequence[int]) -> None:
    if ref_ids:
        session.execute(
            delete(SearchDoc).where(SearchDoc.kind == kind, SearchDoc.ref_id.in_(ref_ids))
        )


def remove_workspace(session: Session, workspace_id: int) -> None:
    """Every search document of the workspace removed (before a rebuild)."""
    session.execute(delete(SearchDoc).where(SearchDoc.workspace_id == workspace_id))


def remove_pairs(session: Session, pairs: Sequence[tuple[str, int]]) -> None:
    if pairs:
        session.execute(
            delete(SearchDoc).where(tuple_(SearchDoc.kind, SearchDoc.ref_id).in_(pairs))
        )


def latest(
    session: Session, workspace_id: int, *, kinds: Sequence[str] = (), limit: int = 20
) -> list[Hit]:
    """The documents of `kinds` (all when empty) newest first, for a query of filters
    alone."""
    query = select(SearchDoc.kind, SearchDoc.ref_id).where(SearchDoc.workspace_id == workspace_id)
    if kinds:
        query = query.where(SearchDoc.kind.in_(kinds))
    rows = session.execute(query.order_by(SearchDoc.id.desc()).limit(limit)).all()
    return [Hit(kind, ref_id, 0.0) for kind, ref_id in rows]


def find(
    session: Session,
    workspace_id: int,
    query: str,
    *,
    kinds: Sequence[str] = (),
    limit: int = 20,
    any_word: bool = False,
) -> list[Hit]:
    """Documents matching every word of `query` (each also as a prefix), or any of
    them (`any_word`: those matching more ranked higher), best first."""
    terms = query_terms(query)
    if not terms:
        return []
    params: dict[str, object] = {"ws": workspace_id, "limit": limit}
    kind_filter = ""
    if kinds:
        names = [f":k{i}" for i in range(len(kinds))]
        kind_filter = f" AND d.kind IN ({', '.join(names)})"
        params.update({f"k{i}": k for i, k in enumerate(kinds)})
    if session.get_bind().dialect.name == "sqlite":
        params["q"] = (" OR " if any_word else " ").join(f'"{t}"*' for t in terms)
        params["window"] = max(limit * 5, 100)
        # Rank inside FTS5 first and read search_doc only for the best `window`: a
        # common word matches tens of thousands of documents, and looking each one up
        # to check its workspace doubled the time (160 → 70 ms at 2M documents). When
        # fewer than `limit` of the best are this workspace's (or of `kinds`), the
        # complete query below gives the exact answer.
        windowed = (
            "SELECT d.kind, d.ref_id, f.rank FROM (SELECT rowid, "
            "bm25(search_fts, 4.0, 1.0) AS rank FROM search_fts WHERE search_fts MATCH :q "
            "ORDER BY rank LIMIT :window) AS f JOIN search_doc d ON d.id = f.rowid "
            f"WHERE d.workspace_id = :ws{kind_filter} ORDER BY f.rank LIMIT :limit"
        )
        rows = session.execute(text(windowed), params).all()
        if len(rows) < limit:
            sql = (
                "SELECT d.kind, d.ref_id, bm25(search_fts, 4.0, 1.0) AS rank "
                "FROM search_fts JOIN search_doc d ON d.id = search_fts.rowid "
                f"WHERE search_fts MATCH :q AND d.workspace_id = :ws{kind_filter} "
                "ORDER BY rank LIMIT :limit"
            )
            rows = session.execute(text(sql), params).all()
        return [Hit(kind, ref_id, -float(rank)) for kind, ref_id, rank in rows]
    params["q"] = (" | " if any_word else " & ").join(f"{t}:*" for t in terms)
    # the stored tsvector (migration 0003): titles weighted A, bodies B
    sql = (
        "SELECT d.kind, d.ref_id, ts_rank(d.tsv, q) AS rank "
        "FROM search_doc d, to_tsquery('simple', :q) AS q "
        f"WHERE d.tsv @@ q AND d.workspace_id = :ws{kind_filter} "
        "ORDER BY rank DESC, d.id LIMIT :limit"
    )
    rows = session.execute(text(sql), params).all()
    return [Hit(kind, ref_id, float(rank)) for kind, ref_id, rank in rows]
