"""People's meaning vectors (table person_vector): which wait to be embedded, writing
them, and reading a workspace's as one matrix. Vectors are float32 bytes, the same on
both backends (PostgreSQL here has no pgvector)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from rapport.storage.schema import Person, PersonVector

CHUNK = 1000


def mark_stale(session: Session, person_ids: Sequence[int]) -> None:
    """The vectors of `person_ids` wait to be embedded again (one UPDATE per thousand:
    a write never loads the model). People never embedded have no row: they wait
    already."""
    unique = sorted(set(person_ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        session.execute(
            update(PersonVector)
            .where(PersonVector.person_id.in_(chunk), PersonVector.stale.is_(False))
            .values(stale=True),
            execution_options={"synchronize_session": False},
        )


def mark_all_stale(session: Session, workspace_id: int) -> None:
    session.execute(
        update(PersonVector)
        .where(PersonVector.workspace_id == workspace_id, PersonVector.stale.is_(False))
        .values(stale=True),
        execution_options={"synchronize_session": False},
    )


def _waiting(workspace_id: int) -> Any:
    return (
        select(Person.id)
        .outerjoin(PersonVector, PersonVector.person_id == Person.id)
        .where(
            Person.workspace_id == workspace_id,
            or_(PersonVector.person_id.is_(None), PersonVector.stale.is_(True)),
        )
    )


def waiting_count(session: Session, workspace_id: int) -> int:
    """How many of the workspace's people wait to be embedded (new or changed)."""
    return int(
        session.scalar(select(func.count()).select_from(_waiting(workspace_id).subquery())) or 0
    )


def waiting(session: Session, workspace_id: int, limit: int) -> list[int]:
    """Up to `limit` ids of people waiting to be embedded, lowest first."""
    return list(session.scalars(_waiting(workspace_id).order_by(Person.id).limit(limit)))


def hashes(session: Session, person_ids: Sequence[int]) -> dict[int, str | None]:
    """The hash of the text last embedded for each of `person_ids` that has a vector."""
    return dict(
        session.execute(
            select(PersonVector.person_id, PersonVector.text_hash).where(
                PersonVector.person_id.in_(person_ids), PersonVector.vector.is_not(None)
            )
        ).all()
    )


def store(
    session: Session,
    workspace_id: int,
    rows: Sequence[tuple[int, bytes | None, str]],
    now: dt.datetime,
) -> None:
    """Write (person id, vector bytes or None to keep the one there, text hash) and
    mark them current."""
    if not rows:
        return
    ids = [pid for pid, _, _ in rows]
    there = set(
        session.scalars(select(PersonVector.person_id).where(PersonVector.person_id.in_(ids)))
    )
    fresh = [
        {
            "person_id": pid,
            "workspace_id": workspace_id,
            "vector": vector,
            "text_hash": digest,
            "stale": False,
            "embedded_at": now,
        }
        for pid, vector, digest in rows
        if pid not in there
    ]
    if fresh:
        session.execute(insert(PersonVector), fresh)
    for pid, vector, digest in rows:
        if pid not in there:
            continue
        values: dict[str, Any] = {"stale": False, "text_hash": digest}
        if vector is not None:
            values |= {"vector": vector, "embedded_at": now}
        session.execute(
            update(PersonVector).where(PersonVector.person_id == pid).values(**values),
            execution_options={"synchronize_session": False},
        )


def version(session: Session, workspace_id: int) -> tuple[int, str]:
    """A value that changes whenever the workspace's vectors do (their rows and the
    latest embedding time, read from an index): the process's cached matrix is read
    again when it moves."""
    count, latest = session.execute(
        select(func.count(), func.max(PersonVector.embedded_at)).where(
            PersonVector.workspace_id == workspace_id
        )
    ).one()
    return int(count or 0), str(latest)


def all_vectors(session: Session, workspace_id: int) -> list[tuple[int, bytes]]:
    """(person id, vector bytes) of every embedded person of the workspace."""
    rows = session.execute(
        select(PersonVector.person_id, PersonVector.vector)
        .where(PersonVector.workspace_id == workspace_id, PersonVector.vector.is_not(None))
        .order_by(PersonVector.person_id)
    )
    return [(pid, bytes(vector)) for pid, vector in rows if vector is not None]


def forget(session: Session, workspace_id: int) -> None:
    """Every vector of the workspace dropped (a model change)."""
    session.execute(delete(PersonVector).where(PersonVector.workspace_id == workspace_id))
