"""Search over every record: people, organizations, interactions, promises, favours,
feedback, events, mentorships and milestones, one list grouped by kind, with filters
written in the query (`type:client org:acme tag:angel met:websummit since:2025-01
kind:promise`) and a "did you mean" for a mistyped name."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from rapport.domain.names import fold
from rapport.domain.records import SearchResult
from rapport.errors import Invalid
from rapport.services import interactions
from rapport.services.context import Ctx
from rapport.storage import search
from rapport.storage.schema import (
    Commitment,
    Event,
    EventAttendee,
    Exchange,
    Feedback,
    Interaction,
    Mentorship,
    Milestone,
    Organization,
    Person,
    PersonTag,
    PersonType,
    Tag,
)

# the kinds in the order their groups are listed
KINDS = (
    "person",
    "organization",
    "interaction",
    "promise",
    "favour",
    "feedback",
    "event",
    "mentorship",
    "milestone",
)
KIND_NAMES = {k: k for k in KINDS} | {
    "people": "person",
    "organisation": "organization",
    "org": "organization",
    "conversation": "interaction",
    "commitment": "promise",
    "favor": "favour",
    "goal": "mentorship",
    "date": "milestone",
}
FILTERS = ("type", "org", "tag", "met", "since", "kind")
SORTS = ("relevance", "newest")
# key:value, key:"two words" or a known key with nothing after it; an unknown key
# whose value is not a word ("ana:*", "https://…") is left as words
_FILTER = re.compile(
    r'(?<!\S)(?:([A-Za-z]+):(?:"([^"]*)"|(\w\S*))|(type|org|tag|met|since|kind):(?=\s|$))',
    re.IGNORECASE,
)
_SINCE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass
class Query:
    """A query read: its words and its filters."""

    words: str = ""
    kinds: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    met: list[str] = field(default_factory=list)
    since: dt.date | None = None

    @property
    def about_people(self) -> bool:
        return bool(self.types or self.orgs or self.tags or self.met)

    @property
    def filtered(self) -> bool:
        return self.about_people or bool(self.kinds) or self.since is not None


@dataclass
class Answer:
    """What a search found, and a name the words may have meant when it found no one."""

    results: list[SearchResult]
    did_you_mean: str | None = None
    terms: list[str] = field(default_factory=list)  # the words as indexed, to highlight


def parse(text: str) -> Query:
    """The words and filters of `text`. An unknown filter, kind or date is refused
    with a one-line message naming the ones there are."""
    q = Query()

    def take(match: re.Match[str]) -> str:
        key = (match.group(1) or match.group(4)).lower()
        value = (match.group(2) or match.group(3) or "").strip()
        if key not in FILTERS:
            names = ", ".join(f"{f}:" for f in FILTERS)
            raise Invalid("q", f"unknown filter {key}: (the filters are {names})")
        if not value:
            raise Invalid("q", f"the filter {key}: needs a value, as in {key}:{_EXAMPLE[key]}")
        if key == "kind":
            kind = KIND_NAMES.get(value.lower())
            if kind is None:
                raise Invalid("q", f"unknown kind {value!r} (the kinds are {', '.join(KINDS)})")
            q.kinds.append(kind)
        elif key == "since":
            q.since = _since(value)
        else:
            {"type": q.types, "org": q.orgs, "tag": q.tags, "met": q.met}[key].append(value)
        return " "

    q.words = " ".join(_FILTER.sub(take, text).split())
    return q


_EXAMPLE = {
    "type": "client",
    "org": "acme",
    "tag": "investor",
    "met": "websummit",
    "since": "2025-01",
    "kind": "promise",
}


def _since(value: str) -> dt.date:
    match = _SINCE.match(value)
    try:
        if match is None:
            raise ValueError
        year, month, day = match.group(1), match.group(2) or 1, match.group(3) or 1
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise Invalid(
            "q",
            f"since:{value} is not a date (write since:2025, since:2025-01 or since:2025-01-31)",
        ) from None


def find(ctx: Ctx, query: str, *, limit: int = 20) -> list[SearchResult]:
    """Records matching every word of `query` (prefixes allowed), grouped by kind."""
    return answer(ctx, query, limit=limit).results


def answer(
    ctx: Ctx,
    query: str,
    *,
    kinds: Sequence[str] = (),
    sort: str = "relevance",
    limit: int = 20,
) -> Answer:
    """Search: the results of `query` (words and filters), grouped by kind in the
    order of KINDS, each group by relevance or newest first (`sort`); `kinds` narrows
    them as `kind:` does."""
    if sort not in SORTS:
        raise Invalid("sort", f"unknown order {sort!r} (use relevance or newest)")
    q = parse(query)
    for kind in kinds:
        found = KIND_NAMES.get(kind.lower())
        if found is None:
            raise Invalid("kind", f"unknown kind {kind!r} (the kinds are {', '.join(KINDS)})")
        q.kinds.append(found)
    terms = search.query_terms(q.words)
    if not terms and not q.filtered:
        return Answer([])
    _bring_current(ctx)
    # filters are checked after the full-text match: look further when there are some
    window = limit * 20 if q.filtered else limit
    if terms:
        hits = search.find(ctx.session, ctx.workspace_id, q.words, kinds=q.kinds, limit=window)
    else:
        hits = search.latest(ctx.session, ctx.workspace_id, kinds=q.kinds, limit=window)
    results = _results(ctx, hits)
    if q.filtered:
        results = _filter(ctx, q, results)
    order = {k: i for i, k in enumerate(KINDS)}
    if sort == "newest":
        results.sort(key=lambda r: r.date or dt.date.min, reverse=True)
    results.sort(key=lambda r: order.get(r.kind, len(KINDS)))  # stable: groups keep order
    results = results[:limit]
    suggestion = None
    if terms and not any(r.kind == "person" for r in results):
        suggestion = did_you_mean(ctx, q.words)
    return Answer(results, suggestion, terms)


def _bring_current(ctx: Ctx) -> None:
    """In a writing context, the documents of what it changed so far rebuilt (they
    are otherwise rebuilt when it ends), so a search sees its own writes."""
    rec = ctx.recording
    if rec is not None and not rec.paused and rec.before:
        from rapport.services.search_documents import sync

        ctx.session.flush()
        sync(ctx.session, ctx.workspace_id, rec.before)


def reindex(ctx: Ctx) -> dict[str, int]:
    """Every search document of the workspace rebuilt from its records; the documents
    per kind. (Opening a database from before this version does it once by itself.)"""
    from rapport.services.search_documents import reindex_all

    return reindex_all(ctx.session, ctx.workspace_id)


_PIECES = re.compile(r"\w+|\W+")


def marks(text: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each with whether it is a word the search matched
    (its indexed form starts with one of `terms`, or holds one of them), for the
    search page to highlight."""
    if not terms:
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    for piece in _PIECES.findall(text):
        words = search.tokens(piece) if piece[0].isalnum() or piece[0] == "_" else []
        hit = any(w.startswith(t) or (len(t) > 1 and t in w) for w in words for t in terms)
        hit = hit or any(len(t) > 1 and t in fold(piece) for t in terms if not t.isascii())
        out.append((piece, hit))
    return out


def did_you_mean(ctx: Ctx, words: str) -> str | None:
    """The name of someone in the network that `words` may be a typo of (rapidfuzz
    over the names), or None when none is close enough."""
    from rapidfuzz import fuzz, process, utils

    typed = fold(words)
    if len(typed) < 3:
        return None
    names = list(
        ctx.session.scalars(select(Person.full_name).where(Person.workspace_id == ctx.workspace_id))
    )
    best = process.extractOne(
        typed, names, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=85
    )
    if best is None or fold(best[0]) == typed:
        return None
    return str(best[0])


def _results(ctx: Ctx, hits: Sequence[search.Hit]) -> list[SearchResult]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for hit in hits:
        by_kind[hit.kind].append(hit.ref_id)
    found: dict[tuple[str, int], SearchResult] = {}
    s, tz = ctx.session, ctx.tz

    def day(moment: dt.datetime | None) -> dt.date | None:
        return moment.astimezone(tz).date() if moment is not None else None

    if ids := by_kind.get("person"):
        for pid, name, org, title, last, created in s.execute(
            select(
                Person.id,
                Person.full_name,
                Organization.name,
                Person.title,
                Person.last_contact_at,
                Person.created_at,
            )
            .outerjoin(Organization, Organization.id == Person.organization_id)
            .where(Person.id.in_(ids))
        ):
            detail = " at ".join(p for p in (title, org) if p)
            found[("person", pid)] = SearchResult(
                "person", pid, name, detail, [pid], f"/people/{pid}", day(last or created)
            )
    if ids := by_kind.get("organization"):
        for oid, name, industry, created in s.execute(
            select(
                Organization.id, Organization.name, Organization.industry, Organization.created_at
            ).where(Organization.id.in_(ids))
        ):
            href = f"/organizations/{oid}"
            found[("organization", oid)] = SearchResult(
                "organization", oid, name, industry or "", [], href, day(created)
            )
    if ids := by_kind.get("interaction"):
        rows = list(s.scalars(select(Interaction).where(Interaction.id.in_(ids))))
        for i in interactions.outs(ctx, rows):
            when = i.occurred_at.astimezone(tz).date()
            detail = f"{i.kind} on {when.isoformat()} with {', '.join(i.participants)}"
            href = f"/people/{i.participant_ids[0]}" if i.participant_ids else ""
            found[("interaction", i.id)] = SearchResult(
                "interaction", i.id, i.summary or i.kind, detail, i.participant_ids, href, when
            )
    names = _names(ctx, hits)
    if ids := by_kind.get("promise"):
        for cid, owner, pid, text, due, status, created in s.execute(
            select(
                Commitment.id,
                Commitment.owner,
                Commitment.person_id,
                Commitment.description,
                Commitment.due_on,
                Commitment.status,
                Commitment.created_at,
            ).where(Commitment.id.in_(ids))
        ):
            who = names.get(pid, "")
            detail = f"promised by me to {who}" if owner == "me" else f"promised to me by {who}"
            detail += f", due {due.isoformat()}" if due else ""
            detail += f" ({status})" if status != "open" else ""
            found[("promise", cid)] = SearchResult(
                "promise", cid, text, detail, [pid], f"/people/{pid}", day(created)
            )
    if ids := by_kind.get("favour"):
        for xid, direction, what, pid, on, note in s.execute(
            select(
                Exchange.id,
                Exchange.direction,
                Exchange.kind,
                Exchange.person_id,
                Exchange.occurred_on,
                Exchange.note,
            ).where(Exchange.id.in_(ids))
        ):
            who = names.get(pid, "")
            way = "given to" if direction == "given" else "received from"
            detail = f"{what} {way} {who} on {on.isoformat()}"
            found[("favour", xid)] = SearchResult(
                "favour", xid, note or what, detail, [pid], f"/people/{pid}", on
            )
    if ids := by_kind.get("feedback"):
        for fid, giver, on, content in s.execute(
            select(Feedback.id, Feedback.person_id, Feedback.received_on, Feedback.content).where(
                Feedback.id.in_(ids)
            )
        ):
            who = names.get(giver, "") if giver is not None else ""
            detail = f"feedback from {who} on {on.isoformat()}" if who else f"feedback on {on}"
            href = f"/people/{giver}" if giver is not None else ""
            found[("feedback", fid)] = SearchResult(
                "feedback", fid, _short(content), detail, [giver] if giver else [], href, on
            )
    if ids := by_kind.get("event"):
        met: dict[int, list[int]] = defaultdict(list)
        for eid, pid in s.execute(
            select(EventAttendee.event_id, EventAttendee.person_id).where(
                EventAttendee.event_id.in_(ids)
            )
        ):
            met[eid].append(pid)
        for eid, name, starts, place in s.execute(
            select(Event.id, Event.name, Event.starts_on, Event.place).where(Event.id.in_(ids))
        ):
            detail = ", ".join(p for p in (f"event on {starts.isoformat()}", place) if p)
            if met[eid]:
                detail += f"; {len(met[eid])} met there"
            found[("event", eid)] = SearchResult(
                "event", eid, name, detail, sorted(met[eid]), f"/events/{eid}", starts
            )
    if ids := by_kind.get("mentorship"):
        for mid, pid, role, goals, started, created in s.execute(
            select(
                Mentorship.id,
                Mentorship.person_id,
                Mentorship.their_role,
                Mentorship.goals,
                Mentorship.started_on,
                Mentorship.created_at,
            ).where(Mentorship.id.in_(ids))
        ):
            who = names.get(pid, "")
            detail = f"{who} mentors me" if role == "mentor" else f"I mentor {who}"
            found[("mentorship", mid)] = SearchResult(
                "mentorship",
                mid,
                _short(goals or "mentorship"),
                detail,
                [pid],
                f"/people/{pid}",
                started or day(created),
            )
    if ids := by_kind.get("milestone"):
        for lid, pid, what, label, month, mday, year, created in s.execute(
            select(
                Milestone.id,
                Milestone.person_id,
                Milestone.kind,
                Milestone.label,
                Milestone.month,
                Milestone.day,
                Milestone.year,
                Milestone.created_at,
            ).where(Milestone.id.in_(ids))
        ):
            date = f"{year}-{month:02d}-{mday:02d}" if year else f"{month:02d}-{mday:02d}"
            detail = f"{what} of {names.get(pid, '')} on {date}"
            found[("milestone", lid)] = SearchResult(
                "milestone", lid, label or what, detail, [pid], f"/people/{pid}", day(created)
            )
    return [found[(h.kind, h.ref_id)] for h in hits if (h.kind, h.ref_id) in found]


def _names(ctx: Ctx, hits: Sequence[search.Hit]) -> dict[int, str]:
    """The names of the people the records among `hits` belong to."""
    models: dict[str, Any] = {
        "promise": Commitment,
        "favour": Exchange,
        "feedback": Feedback,
        "mentorship": Mentorship,
        "milestone": Milestone,
    }
    wanted: set[int] = set()
    for kind, model in models.items():
        ids = [h.ref_id for h in hits if h.kind == kind]
        if ids:
            wanted.update(
                pid
                for pid in ctx.session.scalars(select(model.person_id).where(model.id.in_(ids)))
                if pid is not None
            )
    if not wanted:
        return {}
    return dict(
        ctx.session.execute(select(Person.id, Person.full_name).where(Person.id.in_(wanted))).all()
    )


def _short(text: str, width: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def _filter(ctx: Ctx, q: Query, results: list[SearchResult]) -> list[SearchResult]:
    """The results passing every filter of `q`: `since` on their date; the people
    filters on the people they concern (an organization by its own name for `org:`,
    an event by its own name for `met:`)."""
    if q.since is not None:
        results = [r for r in results if r.date is not None and r.date >= q.since]
    if not q.about_people:
        return results
    people = {pid for r in results for pid in r.person_ids}
    passing = _people_passing(ctx, q, people)
    kept = []
    for r in results:
        if r.kind == "organization":
            if (
                q.orgs
                and not (q.types or q.tags or q.met)
                and all(_contains(r.title, o) for o in q.orgs)
            ):
                kept.append(r)
        elif r.kind == "event" and q.met and not (q.types or q.orgs or q.tags):
            if all(_contains(r.title, m) for m in q.met):
                kept.append(r)
        elif any(pid in passing for pid in r.person_ids):
            kept.append(r)
    return kept


def _contains(name: str | None, wanted: str) -> bool:
    """`wanted` is in `name`, compared folded and without spaces ("websummit" is in
    "Web Summit 2025")."""
    return bool(name) and _squash(wanted) in _squash(name or "")


def _squash(text: str) -> str:
    return "".join(fold(text).split())


def _people_passing(ctx: Ctx, q: Query, people: set[int]) -> set[int]:
    if not people:
        return set()
    s = ctx.session
    passing = set(people)
    for wanted in q.types:
        passing &= set(
            s.scalars(
                select(PersonType.person_id).where(
                    PersonType.person_id.in_(passing),
                    func.lower(PersonType.type) == fold(wanted),
                )
            )
        )
    for wanted in q.tags:
        tagged = s.execute(
            select(PersonTag.person_id, Tag.name)
            .join(Tag, Tag.id == PersonTag.tag_id)
            .where(PersonTag.person_id.in_(passing))
        ).all()
        passing &= {pid for pid, name in tagged if fold(name) == fold(wanted)}
    for wanted in q.orgs:
        rows = s.execute(
            select(Person.id, Organization.name)
            .join(Organization, Organization.id == Person.organization_id)
            .where(Person.id.in_(passing))
        ).all()
        passing &= {pid for pid, name in rows if _contains(name, wanted)}
    for wanted in q.met:
        rows = s.execute(
            select(EventAttendee.person_id, Event.name)
            .join(Event, Event.id == EventAttendee.event_id)
            .where(EventAttendee.person_id.in_(passing))
        ).all()
        passing &= {pid for pid, name in rows if _contains(name, wanted)}
    return passing
