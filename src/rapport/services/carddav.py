"""The CardDAV address book of a workspace (issue 18): its people as cards, both ways.

A card is *rendered from the person on every read*, so nothing the phone sees can
drift from Rapport. What is stored per card (`storage.carddav_tables.Card`) is what
the person does not say (UID, file name, the properties Rapport does not model) and
the bookkeeping of sync-collection (RFC 6578): the ETag last computed and the book's
change number when it last changed.

How edits made elsewhere in Rapport (web, CLI, imports, undo) reach the ETags and
sync-collection, at 30,000 cards: the book reads the journal. Every write of the
network is a journal entry naming the rows it changed (`storage.journal`), so before
answering, `refresh` reads the entries since the last one it read, renders again
only the cards of the people those rows belong to (and of the people of an
organization renamed), and bumps the change number of those whose digest moved.
An incremental sync costs the changes since the last one, never a pass over every
card; a full pass (30,000 renders, a few seconds) happens once, when the book is made
(and after a restore, which starts a new book). Hooking each write path to bump a
counter would miss the next write path added; hashing every card on every request
would cost that full pass each time a phone polls.

Journal ids are allocated when a transaction names its action and seen once it
commits, so on PostgreSQL an entry may appear below one already read: ids missing
below the last one read are kept (`journal_gaps`) and looked for again, for an hour.

From the phone: a card put is a person added, or edited through `people.edit` (the
change rule: a new organization or title goes into the role history); a card deleted
is the person archived (undoable with `rapport undo`), never their history removed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from rapport.adapters import vcard_card
from rapport.adapters.records import ContactRecord
from rapport.domain import carddav as rules
from rapport.domain.carddav import (
    BookOut,
    CardOut,
    CardRef,
    PutResult,
    SyncChanges,
)
from rapport.errors import Conflict, NotFound, PreconditionFailed
from rapport.services import exports, people
from rapport.services.context import Ctx
from rapport.storage import journal
from rapport.storage.carddav_tables import Card, CardBook
from rapport.storage.schema import JournalEntry, Person, PersonTag, Tag

CHUNK = 1000  # people rendered per round of queries
GAP_SECONDS = 3600  # how long an id missing from the journal is looked for again
MAX_GAPS = 1000
DISPLAY_NAME = "Rapport"


# --- keeping the cards in step with the people ----------------------------------------


def refresh(ctx: Ctx) -> CardBook:
    """The book, its cards brought in step with the people (made on first use)."""
    book = ctx.session.get(CardBook, ctx.workspace_id, with_for_update=True)
    if book is None:
        top = ctx.session.scalar(select(func.max(JournalEntry.id))) or 0
        book = CardBook(workspace_id=ctx.workspace_id, journal_seen=top, journal_gaps=[])
        # a restored backup brings cards numbered by the book it came from
        book.change = (
            ctx.session.scalar(
                select(func.max(Card.change)).where(Card.workspace_id == ctx.workspace_id)
            )
            or 0
        )
        try:
            with ctx.session.begin_nested():
                ctx.session.add(book)
        except IntegrityError:
            # another request made it meanwhile (PostgreSQL; SQLite writers queue)
            if ctx.session.get(CardBook, ctx.workspace_id, with_for_update=True) is None:
                raise
            return refresh(ctx)
        everyone = ctx.session.scalars(
            select(Person.id).where(Person.workspace_id == ctx.workspace_id)
        )
        _render(ctx, book, set(everyone) | _card_people(ctx))
        return book
    touched = _touched_since(ctx, book)
    if touched:
        _render(ctx, book, touched)
    _drop_orphans(ctx, book)
    return book


def _card_people(ctx: Ctx) -> set[int]:
    query = select(Card.person_id).where(
        Card.workspace_id == ctx.workspace_id, Card.person_id.is_not(None)
    )
    return {pid for pid in ctx.session.scalars(query) if pid is not None}


def _touched_since(ctx: Ctx, book: CardBook) -> set[int]:
    """The people whose card may have changed in the journal entries not yet read."""
    now = time.time()
    gaps = {int(i): float(at) for i, at in book.journal_gaps or []}
    e = JournalEntry
    # the top first, then what is below it: an entry committed in between is either
    # read below or kept as a gap, never skipped (PostgreSQL reads each statement anew)
    top = max(ctx.session.scalar(select(func.max(e.id))) or 0, book.journal_seen)
    if top > book.journal_seen:
        # every id up to the top either is an entry (any workspace's) or is not yet
        # committed (or rolled back): those are looked for again
        present = set(
            ctx.session.scalars(select(e.id).where(e.id > book.journal_seen, e.id <= top))
        )
        for gap in sorted(set(range(book.journal_seen + 1, top + 1)) - present)[-MAX_GAPS:]:
            gaps[gap] = now
    # gaps committed since (by any workspace): read below if this one's, then dropped
    filled = set(ctx.session.scalars(select(e.id).where(e.id.in_(list(gaps))))) if gaps else set()
    fresh = (e.id > book.journal_seen) & (e.id <= top)
    mine = ctx.session.execute(
        select(e.id, e.changes).where(
            e.workspace_id == ctx.workspace_id,
            or_(fresh, e.id.in_(list(gaps))) if gaps else fresh,
        )
    ).all()
    book.journal_seen = top
    people_ids: set[int] = set()
    orgs: set[int] = set()
    tags: set[int] = set()
    for entry_id, changes in mine:
        gaps.pop(entry_id, None)
        found_people, found_orgs, _ = journal.people_touched(changes or {})
        people_ids |= found_people
        orgs |= found_orgs
        tags |= {key for key, _, _ in (changes or {}).get(Tag.__tablename__, [])}
    for entry_id in filled:
        gaps.pop(entry_id, None)
    kept = sorted((i, at) for i, at in gaps.items() if now - at < GAP_SECONDS)[-MAX_GAPS:]
    book.journal_gaps = [[float(i), at] for i, at in kept]
    if orgs:
        people_ids |= set(
            ctx.session.scalars(
                select(Person.id).where(
                    Person.workspace_id == ctx.workspace_id, Person.organization_id.in_(orgs)
                )
            )
        )
    if tags:  # a tag renamed (`rapport tags rename`): the cards of whoever carries it
        people_ids |= set(
            ctx.session.scalars(select(PersonTag.person_id).where(PersonTag.tag_id.in_(tags)))
        )
    return people_ids


def _bump(book: CardBook, bumped: list[bool]) -> int:
    """The change number this refresh gives the cards it changes (one per refresh)."""
    if not bumped:
        book.change += 1
        bumped.append(True)
    return book.change


def _render(ctx: Ctx, book: CardBook, person_ids: Iterable[int]) -> None:
    """Compare the cards of `person_ids` with their people: a card made for a person
    without one, a new ETag (and change number) where the digest moved, a tombstone
    where the person is archived or gone."""
    ids = sorted(set(person_ids))
    bumped: list[bool] = []
    names: set[str] | None = None
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        cards = {
            c.person_id: c
            for c in ctx.session.scalars(
                select(Card).where(Card.workspace_id == ctx.workspace_id, Card.person_id.in_(chunk))
            )
        }
        live = list(
            ctx.session.scalars(
                select(Person.id).where(
                    Person.id.in_(chunk),
                    Person.workspace_id == ctx.workspace_id,
                    Person.archived_at.is_(None),
                )
            )
        )
        for pid in set(chunk) - set(live):
            card = cards.get(pid)
            if card is not None and not card.deleted:
                card.deleted = True
                card.change = _bump(book, bumped)
        new: list[dict[str, Any]] = []
        for record, pid in exports.records(ctx, sorted(live)):
            card = cards.get(pid)
            if card is not None:
                _restamp(card, record, book, bumped)
                continue
            if names is None:
                names = set(
                    ctx.session.scalars(
                        select(Card.name).where(Card.workspace_id == ctx.workspace_id)
                    )
                )
            new.append(_new_card(ctx, pid, record, names, _bump(book, bumped)))
        if new:  # the first use makes every card: one executemany, not 30,000 objects
            ctx.session.execute(insert(Card), new)
    ctx.session.flush()


def _new_card(
    ctx: Ctx, person_id: int, record: ContactRecord, names: set[str], change: int
) -> dict[str, Any]:
    """The row of a card for a person who has none: Rapport's UID and name."""
    name = rules.person_card_name(person_id)
    n = 1
    while name in names:  # a phone chose this name for another card: rare
        n += 1
        name = f"rapport-{person_id}-{n}.vcf"
    names.add(name)
    uid = rules.person_uid(person_id)
    text = vcard_card.write(record, uid, [], "4.0", "4.0")
    return {
        "workspace_id": ctx.workspace_id, "person_id": person_id, "uid": uid, "name": name,
        "etag": rules.etag_of(text), "change": change, "deleted": False, "extras": [],
        "extras_version": "4.0", "size": len(text.encode("utf-8")),
    }  # fmt: skip


def _text(card: Card, record: ContactRecord, version: str = "4.0") -> str:
    return vcard_card.write(record, card.uid, list(card.extras or []), card.extras_version, version)


def _restamp(card: Card, record: ContactRecord, book: CardBook, bumped: list[bool]) -> None:
    text = _text(card, record)
    etag = rules.etag_of(text)
    if etag != card.etag or card.deleted:
        card.etag, card.deleted, card.size = etag, False, len(text.encode("utf-8"))
        card.change = _bump(book, bumped)


def _drop_orphans(ctx: Ctx, book: CardBook) -> None:
    """Cards whose person is gone (a merge removed them) become tombstones."""
    orphans = ctx.session.scalars(
        select(Card).where(
            Card.workspace_id == ctx.workspace_id,
            Card.person_id.is_(None),
            Card.deleted.is_(False),
        )
    ).all()
    bumped: list[bool] = []
    for card in orphans:
        card.deleted = True
        card.change = _bump(book, bumped)


# --- reading ----------------------------------------------------------------------------


def book(ctx: Ctx) -> BookOut:
    found = refresh(ctx)
    count = ctx.session.scalar(
        select(func.count(Card.id)).where(
            Card.workspace_id == ctx.workspace_id, Card.deleted.is_(False)
        )
    )
    return BookOut(found.change, rules.token_of(found.change), count or 0)


def listing(ctx: Ctx) -> list[CardRef]:
    """Every card of the book: name and ETag (PROPFIND Depth 1)."""
    refresh(ctx)
    rows = ctx.session.execute(
        select(Card.name, Card.etag)
        .where(Card.workspace_id == ctx.workspace_id, Card.deleted.is_(False))
        .order_by(Card.id)
    )
    return [CardRef(name, etag) for name, etag in rows]


def cards(ctx: Ctx, names: Sequence[str], version: str) -> dict[str, CardOut]:
    """The cards named (those that exist), rendered in `version`, by name."""
    refresh(ctx)
    found: dict[str, CardOut] = {}
    wanted = list(dict.fromkeys(names))
    for start in range(0, len(wanted), CHUNK):
        rows = {
            row.person_id: row
            for row in ctx.rows(
                select(
                    Card.person_id, Card.name, Card.uid, Card.etag, Card.extras,
                    Card.extras_version,
                ).where(
                    Card.workspace_id == ctx.workspace_id,
                    Card.name.in_(wanted[start : start + CHUNK]),
                    Card.deleted.is_(False),
                )  # (no condition on person_id: SQLite would take its index, not the name's)
            )
            if row.person_id is not None
        }  # fmt: skip
        for record, pid in exports.records(ctx, sorted(k for k in rows if k is not None)):
            row = rows[pid]
            text = vcard_card.write(
                record, row.uid, list(row.extras or []), row.extras_version, version
            )
            found[row.name] = CardOut(row.name, row.etag, text)
    return found


def card(ctx: Ctx, name: str, version: str) -> CardOut:
    found = cards(ctx, [name], version).get(name)
    if found is None:
        raise NotFound(f"no card {name!r}")
    return found


def changes_since(ctx: Ctx, token: str | None) -> SyncChanges:
    """RFC 6578: every card (no token), or what changed since `token`;
    PreconditionFailed("valid-sync-token") for a token this book never gave."""
    found = refresh(ctx)
    query = select(Card.name, Card.etag, Card.deleted).where(Card.workspace_id == ctx.workspace_id)
    if token:
        since = rules.parse_token(token, found.change)
        if since is None:
            raise PreconditionFailed("valid-sync-token", "this sync-token is not this book's")
        query = query.where(Card.change > since)
    else:
        query = query.where(Card.deleted.is_(False))
    changed: list[CardRef] = []
    deleted: list[str] = []
    for name, etag, gone in ctx.session.execute(query.order_by(Card.change, Card.id)):
        if gone:
            deleted.append(name)
        else:
            changed.append(CardRef(name, etag))
    return SyncChanges(changed, deleted, rules.token_of(found.change))


# --- writing from the phone ---------------------------------------------------------------


def _check_preconditions(
    card: Card | None, if_match: str | None, if_none_match: str | None
) -> None:
    live = card is not None and not card.deleted
    etag = card.etag if card is not None and live else None
    if if_match is not None and not rules.etag_matches(if_match, etag):
        raise PreconditionFailed("if-match", "the card changed (or went) since it was read")
    if if_none_match is not None and live and rules.etag_matches(if_none_match, etag):
        raise PreconditionFailed("if-none-match", "the card exists already")


def _by_name(ctx: Ctx, name: str) -> Card | None:
    return ctx.session.scalar(
        select(Card).where(Card.workspace_id == ctx.workspace_id, Card.name == name)
    )


def _changes(record: ContactRecord) -> dict[str, Any]:
    """What a card says about a person, as a patch of every field a card carries: a
    field the card leaves empty is cleared, except Rapport's own X-RAPPORT-*
    properties, which a phone may not keep (their absence changes nothing), and the
    yearly dates, which a patch can move but not clear."""
    changes: dict[str, Any] = {
        "full_name": record.name or None,
        "given_name": record.given_name,
        "family_name": record.family_name,
        "nickname": record.nickname,
        "organization": record.organization,
        "title": record.title,
        "location": record.location,
        "timezone": record.timezone,
        "notes": record.notes,
        "emails": list(record.emails),
        "phones": list(record.phones),
        "urls": list(record.urls),
        "tags": list(record.tags),
    }
    if record.types:
        changes["types"] = list(record.types)
    if record.how_met:
        changes["how_met"] = record.how_met
    if record.met_on:
        changes["met_on"] = record.met_on
    if record.birthday:
        changes["birthday"] = record.birthday
    if record.anniversary:
        changes["anniversary"] = record.anniversary
    return changes


def put(
    ctx: Ctx,
    name: str,
    body: bytes,
    *,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> PutResult:
    """Store the card `name` sent by a client: a new person, or the person's edit
    (through `people.edit`, the change rule of every interface). PreconditionFailed
    when If-Match / If-None-Match say no; Conflict when its UID is another card's."""
    rules.check_name(name)
    book = refresh(ctx)
    sent = vcard_card.read(body)
    card = _by_name(ctx, name)
    _check_preconditions(card, if_match, if_none_match)
    if card is None and sent.uid is not None:
        # the same UID at another name: the phone re-created a card it had deleted
        # (a tombstone: it comes back), or a second copy of a live card (refused)
        same = ctx.session.scalar(
            select(Card).where(Card.workspace_id == ctx.workspace_id, Card.uid == sent.uid)
        )
        if same is not None and not same.deleted:
            raise Conflict(f"no-uid-conflict: the UID {sent.uid!r} is the card {same.name!r}'s")
        if same is not None:
            same.name = name
            card = same
    if card is None and (sent.uid or "").startswith(rules.PERSON_UID_PREFIX):
        raise Conflict("no-uid-conflict: UIDs urn:rapport:person:… are Rapport's to give")
    changes = _changes(sent.record)
    created = card is None or card.deleted
    person_id = card.person_id if card is not None else None
    if person_id is not None and ctx.session.get(Person, person_id) is None:
        person_id = None
    if person_id is None:
        person_id = people.add(ctx, changes, force=True).id
    else:
        if card is not None and card.deleted:
            people.archive(ctx, person_id, archived=False)
        people.edit(ctx, person_id, changes)
    if card is None:
        card = Card(
            workspace_id=ctx.workspace_id, uid=sent.uid or f"{name.removesuffix('.vcf')}",
            name=name, etag="", change=0, deleted=False, size=0,
        )  # fmt: skip
        ctx.session.add(card)
    card.person_id = person_id
    card.extras = sent.extras
    card.extras_version = sent.version
    card.etag = ""  # rendered again below, with this request's change number
    ctx.session.flush()
    record, _ = next(iter(exports.records(ctx, [person_id])))
    _restamp(card, record, book, [])
    ctx.session.flush()
    served = _text(card, record, sent.version)
    return PutResult(name, card.etag, created, verbatim=served.encode("utf-8") == body)


def delete(ctx: Ctx, name: str, *, if_match: str | None = None) -> None:
    """The card deleted on the phone: its person archived (undoable), nothing removed."""
    rules.check_name(name)
    book = refresh(ctx)
    card = _by_name(ctx, name)
    if card is None or card.deleted:
        if if_match is not None:
            raise PreconditionFailed("if-match", "the card is gone already")
        raise NotFound(f"no card {name!r}")
    _check_preconditions(card, if_match, None)
    if card.person_id is not None:
        people.archive(ctx, card.person_id)
    card.deleted = True
    card.change = _bump(book, [])
    ctx.session.flush()


def uids(ctx: Ctx) -> dict[int, str]:
    """The UIDs of the cards that are not Rapport's own (made on a phone), by person:
    an exported vCard file and the address book name a person alike."""
    rows = ctx.session.execute(
        select(Card.person_id, Card.uid).where(
            Card.workspace_id == ctx.workspace_id,
            Card.person_id.is_not(None),
            Card.uid.not_like(rules.PERSON_UID_PREFIX + "%"),
        )
    )
    return {pid: uid for pid, uid in rows if pid is not None}
