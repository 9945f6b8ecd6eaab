"""People already there, brought up to date: each contact becomes a `PersonPatch`
(`changes_for`: an import fills in and updates, never clears), planned by the one
rule (`domain.person_patch.plan`) and written in bulk by `bulk_update`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rapport.adapters.records import ContactRecord
from rapport.domain.names import fold, join_name, split_name
from rapport.domain.person_patch import Items, PersonPatch, PersonState, as_patch
from rapport.services import bulk_update
from rapport.services.context import Ctx
from rapport.services.imports.contact_records import (
    Contact,
    ContactResult,
    clip,
    stand_in,
    url_key,
    yearly_dates,
)
from rapport.services.person_state import read_states
from rapport.services.search_documents import replace_people


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
        **{name: date for name, date, _, _ in yearly_dates(rec)},
    }
    return PersonPatch(**found) if found else None


def _new_name(rec: ContactRecord, state: PersonState) -> dict[str, Any]:
    """The file's full name wins, its given and family names too; a part it does not
    give comes from its new full name, else stays as stored. Without a full name
    (LinkedIn gives only the parts) the name is the parts, a missing one as stored."""
    if stand_in(rec):
        return {}
    given, family = clip(rec.given_name, 200), clip(rec.family_name, 200)
    full = clip(rec.full_name, 300)
    if full and full != state.full_name:
        auto_given, auto_family = split_name(full)
        given = given or clip(auto_given, 200)
        family = family or clip(auto_family, 200)
    given, family = given or state.given_name, family or state.family_name
    full = full or clip(join_name(given, family), 300)
    names = {"full_name": full, "given_name": given, "family_name": family}
    if not full or all(names[k] == getattr(state, k) for k in names):
        return {}
    return names


def _new_role(rec: ContactRecord, state: PersonState) -> dict[str, Any]:
    """A new organization, a new title, or both; what the record lacks stays (a new
    organization without a title keeps the title: the role moves with it)."""
    org, title = clip(rec.organization, 300), clip(rec.title, 300)
    found: dict[str, Any] = {}
    if org and fold(org) != fold(state.organization or ""):
        found["organization"] = org
    if title and title != state.title:
        found["title"] = title
    return found


def _new_details(rec: ContactRecord, state: PersonState) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, size in (("nickname", 200), ("location", 300), ("timezone", 64)):
        value = clip(getattr(rec, key), size)
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


def update(ctx: Ctx, batch: Sequence[Contact], source: str, result: ContactResult) -> None:
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
