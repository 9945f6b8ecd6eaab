"""Contacts into the network: match each record to a person already there (email,
then phone, then profile URL, then the exact folded name), update what changed, and
create the rest in bulk.

Speed matters (a 30,000-row LinkedIn export should take seconds): who exists is
read in a few queries up front, new people are inserted with executemany in chunks,
and search documents are built for many people at once. Updates follow the rules of
`people.change` (a new organization or title becomes role history) but are written
in bulk by `bulk_update`, planned by the one rule (`domain.person_patch.plan`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, insert, select

from rapport.adapters.records import ContactRecord, PartialDate, Skipped
from rapport.domain.names import email_key, fold, join_name, looks_like_email, split_name
from rapport.domain.person_patch import YEARLY, Items, PersonPatch, PersonState, as_patch
from rapport.domain.phones import phone_key
from rapport.domain.vocabulary import RelationshipType
from rapport.errors import Invalid
from rapport.services import bulk_update
from rapport.services.context import Ctx
from rapport.services.person_state import read_states
from rapport.services.person_writer import chunks, milestone_row, organization_ids, tag_ids
from rapport.services.search_documents import index_new_people, replace_people
from rapport.storage.bulk import large_cache
from rapport.storage.schema import (
    Milestone,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
    PersonType,
    PersonUrl,
    Role,
)

Progress = Callable[[int], None]
_TYPES = {t.value for t in RelationshipType}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


def url_key(url: str) -> str:
    """A web address compared without scheme, 'www.', case or trailing slash."""
    key = _SCHEME.sub("", url.strip().lower())
    key = key.removeprefix("www.")
    return key.split("?", 1)[0].rstrip("/")


def _clip(text: str | None, size: int) -> str | None:
    if text is None:
        return None
    clean = text.strip()
    return clean[:size] if clean else None


@dataclass
class Contact:
    """One person to create or update: the records that describe them, merged, with
    their values checked and normalised."""

    record: ContactRecord
    lines: list[int]
    emails: dict[str, str] = field(default_factory=dict)  # key -> address
    phones: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    person_id: int | None = None  # None: to be created

    def absorb(self, other: ContactRecord) -> None:
        """Fill what this contact lacks from another record of the same person."""
        rec = self.record
        for name in (
            "full_name", "given_name", "family_name", "nickname", "organization", "title",
            "location", "timezone", "notes", "birthday", "anniversary", "met_on", "how_met",
        ):  # fmt: skip
            if getattr(rec, name) in (None, "") and getattr(other, name) not in (None, ""):
                setattr(rec, name, getattr(other, name))
        rec.tags = list(dict.fromkeys([*rec.tags, *other.tags]))
        rec.types = list(dict.fromkeys([*rec.types, *other.types]))
        self.lines.append(other.line)


class Index:
    """Who is already in the workspace, by email, phone, profile URL and folded name;
    kept current as contacts are added during the import."""

    def __init__(self, ctx: Ctx) -> None:
        ws, s = ctx.workspace_id, ctx
        self.email: dict[str, int | Contact] = dict(
            s.rows(
                select(PersonEmail.address_key, PersonEmail.person_id).where(
                    PersonEmail.workspace_id == ws
                )
            ).all()
        )
        self.phone: dict[str, int | Contact] = dict(
            s.rows(
                select(PersonPhone.number_key, PersonPhone.person_id).where(
                    PersonPhone.workspace_id == ws
                )
            ).all()
        )
        self.url: dict[str, int | Contact] = {}
        self.urls_of: dict[int, set[str]] = defaultdict(set)
        for pid, url in s.rows(
            select(PersonUrl.person_id, PersonUrl.url).where(PersonUrl.workspace_id == ws)
        ):
            self.url.setdefault(url_key(url), pid)
            self.urls_of[pid].add(url_key(url))
        self.names: dict[str, list[int]] = defaultdict(list)
        for pid, key in s.rows(
            select(Person.id, Person.name_key).where(Person.workspace_id == ws).order_by(Person.id)
        ):
            self.names[key].append(pid)

    def strong(self, contact: Contact) -> int | Contact | None:
        for key in contact.emails:
            if key in self.email:
                return self.email[key]
        for key in contact.phones:
            if key in self.phone:
                return self.phone[key]
        for key in contact.urls:
            if key in self.url:
                return self.url[key]
        return None

    def by_name(self, contact: Contact, claimed: set[int]) -> int | None:
        for pid in self.names.get(fold(contact.record.name), []):
            if pid in claimed:
                continue
            theirs = {u for u in self.urls_of.get(pid, ()) if "linkedin.com" in u}
            mine = {u for u in contact.urls if "linkedin.com" in u}
            if theirs and mine and not theirs & mine:
                continue  # two people of the same name with different profiles
            return pid
        return None

    def register(self, contact: Contact, target: int | Contact) -> None:
        for key in contact.emails:
            self.email.setdefault(key, target)
        for key in contact.phones:
            self.phone.setdefault(key, target)
        for key in contact.urls:
            self.url.setdefault(key, target)


@dataclass
class ContactResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    role_changes: int = 0
    created_ids: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ignored: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def normalise(ctx: Ctx, rec: ContactRecord, warnings: list[str]) -> Contact:
    """A Contact from `rec` with every value checked: a bad email, phone, URL, type or
    time zone is dropped with a warning, never fatal to the row."""
    region = ctx.settings.get("phone_region")
    contact = Contact(record=rec, lines=[rec.line])
    for address in rec.emails:
        if looks_like_email(address) and len(address) <= 320:
            contact.emails.setdefault(email_key(address), address.strip())
        else:
            warnings.append(f"line {rec.line}: {address!r} is not an email address, dropped")
    for number in rec.phones:
        try:
            contact.phones.setdefault(phone_key(number, region), number.strip()[:64])
        except Invalid:
            warnings.append(f"line {rec.line}: {number!r} is not a phone number, dropped")
    for url in rec.urls:
        clean = url.strip()
        if " " in clean or "." not in clean or len(clean) > 1000:
            warnings.append(f"line {rec.line}: {url!r} is not a web address, dropped")
            continue
        contact.urls.setdefault(url_key(clean), clean if "://" in clean else "https://" + clean)
    bad_types = [t for t in rec.types if t.strip().lower() not in _TYPES]
    for t in bad_types:
        warnings.append(f"line {rec.line}: {t!r} is not a relationship type, dropped")
    rec.types = [t.strip().lower() for t in rec.types if t.strip().lower() in _TYPES]
    if rec.timezone:
        try:
            ZoneInfo(rec.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            warnings.append(f"line {rec.line}: unknown time zone {rec.timezone!r}, dropped")
            rec.timezone = None
    rec.tags = list(dict.fromkeys(t.strip().lstrip("#")[:100] for t in rec.tags if t.strip("# ")))
    warnings.extend(rec.warnings)
    return contact


def load(
    ctx: Ctx, records: Sequence[ContactRecord], source: str, progress: Progress | None = None
) -> ContactResult:
    """Match, update and create the people `records` describe, in the caller's
    transaction. `source` names the format (kept on new roles)."""
    # a large file rewrites pages all over the people, role and search tables: with
    # SQLite's default 2 MB page cache, every page evicted is written again (11 → 7 s
    # for 30,000 LinkedIn rows onto 50,000 people)
    with large_cache(ctx.session.connection()):
        return _load(ctx, records, source, progress)


def _load(
    ctx: Ctx, records: Sequence[ContactRecord], source: str, progress: Progress | None
) -> ContactResult:
    result = ContactResult()
    index = Index(ctx)
    contacts = [normalise(ctx, rec, result.warnings) for rec in records]
    # pass 1: email, phone, URL (also against earlier rows of this file)
    targets: dict[int, int | Contact] = {}
    claimed: set[int] = set()
    for i, contact in enumerate(contacts):
        found = index.strong(contact)
        if found is not None:
            targets[i] = found
            if isinstance(found, int):
                claimed.add(found)
            index.register(contact, found)
        elif contact.emails or contact.phones or contact.urls:
            # no stored person shares a key: someone already known by the exact name
            # (and no different profile) is the same person, else this row is new
            pid = index.by_name(contact, claimed)
            if pid is not None:
                claimed.add(pid)
                targets[i] = pid
                index.register(contact, pid)
            else:
                targets[i] = contact
                index.register(contact, contact)
    # pass 2: the exact name, for people no stronger key found
    for i, contact in enumerate(contacts):
        if i in targets:
            continue
        pid = index.by_name(contact, claimed)
        if pid is not None:
            claimed.add(pid)
            targets[i] = pid
        else:
            targets[i] = contact
    # group the rows per person, in file order
    existing: dict[int, Contact] = {}
    new: dict[int, Contact] = {}
    for i, contact in enumerate(contacts):
        target = targets[i]
        if isinstance(target, int):
            holder = existing.get(target)
            if holder is None:
                contact.person_id = target
                existing[target] = contact
                continue
        else:
            holder = new.get(id(target))
            if holder is None:
                new[id(target)] = target
                if target is contact:
                    continue
                holder = target
        _merge_into(holder, contact, result)
    done = 0
    for batch in chunks(list(new.values())):
        result.created_ids.extend(_create(ctx, batch, source))
        done += sum(len(c.lines) for c in batch)
        if progress:
            progress(done)
    result.created = len(result.created_ids)
    for batch in chunks(list(existing.values())):
        _update(ctx, batch, source, result)
        done += sum(len(c.lines) for c in batch)
        if progress:
            progress(done)
    return result


def _merge_into(holder: Contact, contact: Contact, result: ContactResult) -> None:
    holder.absorb(contact.record)
    for key, value in contact.emails.items():
        holder.emails.setdefault(key, value)
    for key, value in contact.phones.items():
        holder.phones.setdefault(key, value)
    for key, value in contact.urls.items():
        holder.urls.setdefault(key, value)
    result.ignored.append(
        Skipped(contact.record.line, f"same person as line {holder.lines[0]}", invalid=False)
    )


# --- creating -------------------------------------------------------------------------


def _person_row(ctx: Ctx, c: Contact, org_id: int | None, now: dt.datetime) -> dict[str, Any]:
    rec = c.record
    name = _clip(rec.name, 300) or "?"
    given, family = rec.given_name, rec.family_name
    if not given and not family:
        given, family = split_name(name)
    return {
        "workspace_id": ctx.workspace_id,
        "full_name": name,
        "given_name": _clip(given, 200),
        "family_name": _clip(family, 200),
        "nickname": _clip(rec.nickname, 200),
        "name_key": fold(name),
        "organization_id": org_id,
        "title": _clip(rec.title, 300),
        "location": _clip(rec.location, 300),
        "timezone": rec.timezone,
        "how_met": _clip(rec.how_met, 100_000),
        "met_on": rec.met_on,
        "notes": _clip(rec.notes, 1_000_000),
        "strained": False,
        "created_at": now,
        "updated_at": now,
    }


def _dates(rec: ContactRecord) -> list[tuple[str, PartialDate, str, str | None]]:
    """The yearly dates a record gives: (patch field, date, milestone kind, label)."""
    found = []
    for name, kind, label in YEARLY:
        date = getattr(rec, name)
        if date is not None:
            found.append((name, date, kind, label))
    return found


def _insert_people(ctx: Ctx, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` and return their ids in the same order."""
    s = ctx.session
    if s.get_bind().dialect.name != "sqlite":
        # PostgreSQL sorts RETURNING rows by parameter order within batched inserts
        query = insert(Person).returning(Person.id, sort_by_parameter_order=True)
        return list(s.scalars(query, rows))
    # SQLite would insert row by row to sort RETURNING; but a write transaction here
    # holds the database's only write lock, so new ids are the next ones, in order
    before = s.scalar(select(func.max(Person.id))) or 0
    s.connection().execute(insert(Person), rows)
    ids = list(s.scalars(select(Person.id).where(Person.id > before).order_by(Person.id)))
    if len(ids) != len(rows):  # pragma: no cover - would mean another writer
        raise RuntimeError("people inserted concurrently during an import")
    return ids


def _create(ctx: Ctx, batch: Sequence[Contact], source: str) -> list[int]:
    s, ws = ctx.session, ctx.workspace_id
    orgs = organization_ids(ctx, [c.record.organization or "" for c in batch])
    tags = tag_ids(ctx, [t for c in batch for t in c.record.tags])
    now = ctx.now()
    rows = [_person_row(ctx, c, orgs.get(fold(c.record.organization or "")), now) for c in batch]
    ids = _insert_people(ctx, rows)
    emails: list[dict[str, Any]] = []
    phones: list[dict[str, Any]] = []
    urls: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    types: list[dict[str, Any]] = []
    person_tags: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    for pid, c, row in zip(ids, batch, rows, strict=True):
        c.person_id = pid
        for position, (key, address) in enumerate(c.emails.items()):
            emails.append(
                {"workspace_id": ws, "person_id": pid, "address": address,
                 "address_key": key, "is_primary": position == 0}
            )  # fmt: skip
        phones.extend(
            {"workspace_id": ws, "person_id": pid, "number": n, "number_key": k}
            for k, n in c.phones.items()
        )
        urls.extend(
            {"workspace_id": ws, "person_id": pid, "url": u,
             "kind": "linkedin" if "linkedin.com" in u.lower() else "website"}
            for u in c.urls.values()
        )  # fmt: skip
        if row["organization_id"] is not None or row["title"] is not None:
            roles.append(
                {"workspace_id": ws, "person_id": pid, "organization_id": row["organization_id"],
                 "title": row["title"], "source": source}
            )  # fmt: skip
        types.extend({"workspace_id": ws, "person_id": pid, "type": t} for t in c.record.types)
        person_tags.extend(
            {"workspace_id": ws, "person_id": pid, "tag_id": tags[fold(t)]} for t in c.record.tags
        )
        dates.extend(
            milestone_row(ws, pid, kind, d.month, d.day, d.year, label)
            for _, d, kind, label in _dates(c.record)
        )
    for model, values in (
        (PersonEmail, emails), (PersonPhone, phones), (PersonUrl, urls), (Role, roles),
        (PersonType, types), (PersonTag, person_tags), (Milestone, dates),
    ):  # fmt: skip
        if values:  # Core executemany: the ORM's bulk path costs more per row
            s.connection().execute(insert(model), values)
    index_new_people(s, ws, ids)
    return ids


# --- updating -------------------------------------------------------------------------


def changes_for(contact: Contact, state: PersonState) -> PersonPatch | None:
    """The patch that brings a person up to date with a newer record, or None when
    the record holds nothing new. An import fills in and updates, never clears: a
    value the record lacks (or its file could not read) keeps the stored one. The
    source's contact data wins (name, organization, title, location, zone);
    addresses, numbers, links, tags and types are added, never removed; the user's
    own notes and how-we-met are only filled in when empty; a birthday given is the
    person's one birthday."""
    rec = contact.record
    found = {
        **_new_name(rec, state),
        **_new_role(rec, state),
        **_new_details(rec, state),
        **_new_list_items(contact, state),
        **{name: date for name, date, _, _ in _dates(rec)},
    }
    return PersonPatch(**found) if found else None


def _stand_in(rec: ContactRecord) -> bool:
    """Whether the record's name is the adapters' stand-in for a record without a
    readable one (its organization or first email): it names a new person, it does
    not rename a known one."""
    return (
        not rec.given_name
        and not rec.family_name
        and rec.full_name is not None
        and rec.full_name in (rec.organization, *rec.emails)
    )


def _new_name(rec: ContactRecord, state: PersonState) -> dict[str, Any]:
    """The file's full name wins, its given and family names too; a part it does not
    give comes from its new full name, else stays as stored. Without a full name
    (LinkedIn gives only the parts) the name is the parts, a missing one as stored."""
    if _stand_in(rec):
        return {}
    given, family = _clip(rec.given_name, 200), _clip(rec.family_name, 200)
    full = _clip(rec.full_name, 300)
    if full and full != state.full_name:
        auto_given, auto_family = split_name(full)
        given = given or _clip(auto_given, 200)
        family = family or _clip(auto_family, 200)
    given, family = given or state.given_name, family or state.family_name
    full = full or _clip(join_name(given, family), 300)
    names = {"full_name": full, "given_name": given, "family_name": family}
    if not full or all(names[k] == getattr(state, k) for k in names):
        return {}
    return names


def _new_role(rec: ContactRecord, state: PersonState) -> dict[str, Any]:
    """A new organization, a new title, or both; what the record lacks stays (a new
    organization without a title keeps the title: the role moves with it)."""
    org, title = _clip(rec.organization, 300), _clip(rec.title, 300)
    found: dict[str, Any] = {}
    if org and fold(org) != fold(state.organization or ""):
        found["organization"] = org
    if title and title != state.title:
        found["title"] = title
    return found


def _new_details(rec: ContactRecord, state: PersonState) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, size in (("nickname", 200), ("location", 300), ("timezone", 64)):
        value = _clip(getattr(rec, key), size)
        if value and value != getattr(state, key):
            found[key] = value
    for key in ("notes", "how_met", "met_on"):
        value = getattr(rec, key)
        if value not in (None, "") and getattr(state, key) in (None, ""):
            found[key] = value
    return found


def _new_list_items(contact: Contact, state: PersonState) -> dict[str, Items]:
    """What the record adds to the person's lists, matched as the import matches."""
    rec = contact.record
    emails = {k for k, _ in state.emails}
    phones = {k for k, _ in state.phones}
    urls = {url_key(u) for u in state.urls}
    tags = {fold(name) for _, name in state.tags}
    new = {
        "emails": [a for k, a in contact.emails.items() if k not in emails],
        "phones": [n for k, n in contact.phones.items() if k not in phones],
        "urls": [u for k, u in contact.urls.items() if k not in urls],
        "tags": [t for t in rec.tags if fold(t) not in tags],
        "types": [t for t in rec.types if t not in state.types],
    }
    return {name: Items.add(values) for name, values in new.items() if values}


def _update(ctx: Ctx, batch: Sequence[Contact], source: str, result: ContactResult) -> None:
    ids = [c.person_id for c in batch if c.person_id is not None]
    states = read_states(ctx, ids)
    pending: list[bulk_update.Change] = []
    for contact in batch:
        pid = contact.person_id
        assert pid is not None
        patch = changes_for(contact, states[pid])
        if patch is None:
            result.unchanged += 1
        else:
            pending.append(bulk_update.Change(pid, contact.record.line, patch))
    outcome = bulk_update.apply(ctx, pending, states, source)
    result.skipped.extend(outcome.skipped)
    result.unchanged += len(outcome.unchanged)
    result.updated += len(outcome.applied)
    touched = []
    for change in outcome.applied:
        given = as_patch(change.patch).given()
        state = states[change.person_id]
        if ("organization" in given or "title" in given) and (state.organization or state.title):
            result.role_changes += 1
        if set(given) - {"birthday", "anniversary"}:
            touched.append(change.person_id)
    replace_people(ctx.session, ctx.workspace_id, touched)
