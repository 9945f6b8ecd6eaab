"""Which person each contact is, by evidence: one already in the workspace that
shares a key with it (an email, then a phone, then a profile URL), an earlier row of
the same file that does, or someone new. Who exists is read in a few queries up
front (`Index`).

A key is evidence of one person; a name is not. A contact that shares no key with
anyone but has the exact name of someone known is *proposed* for them
(`Contact.proposed_for`): the import keeps it for review and changes nothing about
that person. A phone is not evidence either when the names clearly differ (an
office's switchboard on two colleagues' cards): two such rows of one file stay two
people, and against a person already known it becomes a proposal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from rapport.adapters.records import Skipped
from rapport.domain.names import fold
from rapport.services.context import Ctx
from rapport.services.imports.contact_records import (
    Contact,
    ContactResult,
    stand_in,
    url_key,
)
from rapport.storage.schema import Person, PersonEmail, PersonPhone, PersonUrl

Target = int | Contact  # a person already there (id), or a contact of this file


def names_differ(one: str, other: str) -> bool:
    """Whether two names clearly belong to different people: they share no word
    (case and accents ignored). 'Kate Smith' and 'Katherine Smith' may be one person;
    'Ana Lima' and 'Reception' are not."""
    mine, theirs = set(fold(one).split()), set(fold(other).split())
    return bool(mine and theirs and not mine & theirs)


class Index:
    """Who is already in the workspace, by email, phone, profile URL and folded name;
    kept current as contacts are added during the import."""

    def __init__(self, ctx: Ctx) -> None:
        ws, s = ctx.workspace_id, ctx
        self.email: dict[str, Target] = dict(
            s.rows(
                select(PersonEmail.address_key, PersonEmail.person_id).where(
                    PersonEmail.workspace_id == ws
                )
            ).all()
        )
        self.phone: dict[str, Target] = dict(
            s.rows(
                select(PersonPhone.number_key, PersonPhone.person_id).where(
                    PersonPhone.workspace_id == ws
                )
            ).all()
        )
        self.url: dict[str, Target] = {}
        self.urls_of: dict[int, set[str]] = defaultdict(set)
        for pid, url in s.rows(
            select(PersonUrl.person_id, PersonUrl.url).where(PersonUrl.workspace_id == ws)
        ):
            self.url.setdefault(url_key(url), pid)
            self.urls_of[pid].add(url_key(url))
        self.names: dict[str, list[int]] = defaultdict(list)
        self.name_of: dict[int, str] = {}
        for pid, key in s.rows(
            select(Person.id, Person.name_key).where(Person.workspace_id == ws).order_by(Person.id)
        ):
            self.names[key].append(pid)
            self.name_of[pid] = key

    def strong(self, contact: Contact) -> tuple[Target | None, tuple[Target, str] | None]:
        """(whom a key of the contact names, or None; a phone it shares with someone
        whose name clearly differs, as (them, the number), or None)."""
        for key in contact.emails:
            if key in self.email:
                return self.email[key], None
        clash: tuple[Target, str] | None = None
        for key, number in contact.phones.items():
            if key in self.phone:
                holder = self.phone[key]
                if self._differ(contact, holder):
                    clash = clash or (holder, number)
                    continue
                return holder, None
        for key in contact.urls:
            if key in self.url:
                return self.url[key], None
        return None, clash

    def _differ(self, contact: Contact, holder: Target) -> bool:
        if stand_in(contact.record):
            return False
        if isinstance(holder, Contact):
            return not stand_in(holder.record) and names_differ(
                contact.record.name, holder.record.name
            )
        return names_differ(contact.record.name, self.name_of.get(holder, ""))

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

    def register(self, contact: Contact, target: Target) -> None:
        for key in contact.emails:
            self.email.setdefault(key, target)
        for key in contact.phones:
            self.phone.setdefault(key, target)
        for key in contact.urls:
            self.url.setdefault(key, target)


def match(
    contacts: Sequence[Contact], index: Index, result: ContactResult
) -> tuple[dict[int, Contact], dict[int, Contact], list[Contact]]:
    """The contacts grouped per person, in file order: (people already there that a
    key matched, by id; people to create; contacts proposed for someone already
    there, `proposed_for` set). Rows of one person after the first are merged into
    it."""
    # pass 1: email, phone, URL (also against earlier rows of this file); a row whose
    # keys match no one becomes a person of its own, which later rows may match
    targets: dict[int, Target] = {}
    claimed: set[int] = set()
    for i, contact in enumerate(contacts):
        found, clash = index.strong(contact)
        if found is not None:
            targets[i] = found
            if isinstance(found, int):
                claimed.add(found)
            index.register(contact, found)
            continue
        if clash is not None:
            other, number = clash
            if isinstance(other, int):
                contact.proposed_for, contact.shared_phone = other, number
            else:
                result.warnings.append(
                    f"lines {other.lines[0]} and {contact.record.line} share the phone "
                    f"{number} but name different people (a shared office number?): "
                    "kept as two people"
                )
        if contact.emails or contact.phones or contact.urls:
            targets[i] = contact
            index.register(contact, contact)
    # pass 2: the exact name, once every key has claimed its person (so a re-import
    # proposes each row for the same person as the first import did)
    for i, contact in enumerate(contacts):
        if targets.get(i, contact) is contact and contact.proposed_for is None:
            _propose_by_name(contact, index, claimed)
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
    proposed = [c for c in new.values() if c.proposed_for is not None]
    created = {k: c for k, c in new.items() if c.proposed_for is None}
    return existing, created, proposed


def _propose_by_name(contact: Contact, index: Index, claimed: set[int]) -> None:
    """Someone already known by the exact name (and no different profile) may be
    this contact: propose it, and let no later row of the same name claim them."""
    pid = index.by_name(contact, claimed)
    if pid is not None:
        claimed.add(pid)
        contact.proposed_for = pid


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
