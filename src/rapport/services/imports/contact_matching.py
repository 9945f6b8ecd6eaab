"""Which person each contact is: one already in the workspace (by email, then phone,
then profile URL, then the exact folded name), an earlier row of the same file, or
someone new. Who exists is read in a few queries up front (`Index`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from rapport.adapters.records import Skipped
from rapport.domain.names import fold
from rapport.services.context import Ctx
from rapport.services.imports.contact_records import Contact, ContactResult, url_key
from rapport.storage.schema import Person, PersonEmail, PersonPhone, PersonUrl


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


def match(
    contacts: Sequence[Contact], index: Index, result: ContactResult
) -> tuple[dict[int, Contact], dict[int, Contact]]:
    """The contacts grouped per person, in file order: (people already there, by id;
    people to create). Rows of one person after the first are merged into it."""
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
    return existing, new


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
