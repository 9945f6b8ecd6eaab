"""Merging two records of one person, planned before anything is written: what each
record brings, which fields conflict and how each conflict resolves, why the two
look like one person — and exactly what the merge will write. Pure: the preview and
the merge itself (`services.merge`) follow the same plan, so what was shown is what
happens.

The rules, chosen so that nothing the user wrote is lost without a word:
- a field only one record has is kept (the kept record takes the other's);
- where both differ, the kept record's value stays; free text (notes, how you met,
  interests, what to remember, the strain's context) is joined, the other's after a
  blank line; any other overridden value (a name, a location, a birthday…) is written
  into the notes on one line beginning "Merged from <name>", so it can still be read;
- the role (organization and title) is one fact: the result is the kept record's role,
  or the other record's when it only adds to it (the same organization, a title the
  kept one lacked), never a mix of the two that neither record had. The other's
  different current role becomes a past role only if the other record has it in its
  role history; otherwise it goes into the notes line. The same role in both records
  is kept once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

from rapport.domain import matching
from rapport.domain.merge_facts import (
    DateFacts,
    FieldConflict,
    MergePlan,
    MergePreview,
    MergeWrites,
    RecordFacts,
    RoleFacts,
    RoleWrite,
    Side,
)
from rapport.domain.names import fold

# free text the user wrote: both records' are kept, the other's after the kept one's
JOINED = ("notes", "how_met", "interests", "remember", "strained_context")
# one value each: the kept record's wins, the other's is written into the notes
SINGLE = (
    "nickname",
    "location",
    "timezone",
    "preferred_channel",
    "met_on",
    "met_event_id",
    "introduced_by_id",
    "not_before",
    "max_contact_days",
    "cadence_days",
)
LABELS = {
    "full_name": "name",
    "nickname": "nickname",
    "location": "location",
    "timezone": "time zone",
    "preferred_channel": "preferred channel",
    "met_on": "met on",
    "met_event_id": "met at",
    "introduced_by_id": "introduced by",
    "not_before": "not before",
    "max_contact_days": "contact at least every (days)",
    "cadence_days": "rhythm (days)",
    "notes": "notes",
    "how_met": "how you met",
    "interests": "interests",
    "remember": "remember",
    "strained_context": "what strained it",
    "role": "role",
    "birthday": "birthday",
    "health_adjustment": "health correction",
}
# what the counts of a record are called, in the order they are listed
COUNTED = {
    "interactions": ("conversation", "conversations"),
    "promises": ("promise", "promises"),
    "favours": ("favour", "favours"),
    "events": ("event attended", "events attended"),
    "introductions": ("introduction", "introductions"),
    "mentorships": ("mentorship", "mentorships"),
    "feedback": ("piece of feedback", "pieces of feedback"),
}
SAME_ORGANIZATION = 30  # both at one organization, and nothing else: a weak sign


# --- evidence ------------------------------------------------------------------------------


def evidence(keep: RecordFacts, other: RecordFacts) -> tuple[int, list[str]]:
    """How likely the two records are one person (0–100) and why, by the duplicate
    finder's own rule (`domain.matching.compare`); both at one organization and
    nothing else is a weak sign."""
    facts = [
        matching.MatchFacts(
            r.id,
            r.name,
            r.fields.get("organization_id"),
            r.organization,
            frozenset(r.emails),
            frozenset(r.phones),
        )
        for r in (keep, other)
    ]
    found = matching.compare(*facts)
    if found is not None:
        return found.score, list(found.reasons)
    org = keep.fields.get("organization_id")
    if org is not None and org == other.fields.get("organization_id"):
        return SAME_ORGANIZATION, [f"both at {keep.organization}"]
    return 0, []


def unrelated_warning(keep: RecordFacts, other: RecordFacts) -> str:
    return (
        f"{keep.name} and {other.name} share no email, phone, name or organization: "
        "are you sure they are one person?"
    )


# --- the plan ------------------------------------------------------------------------------


def plan(keep: RecordFacts, other: RecordFacts, today: dt.date) -> MergePlan:
    """What merging `other` into `keep` shows and writes (`today` dates the notes
    line and a role ended by the merge)."""
    score, why = evidence(keep, other)
    person: dict[str, Any] = {}
    filled: list[str] = []
    conflicts: list[FieldConflict] = []
    carried: list[str] = []  # overridden values of the other, for the notes line

    if fold(keep.name) != fold(other.name):
        conflicts.append(
            FieldConflict("name", keep.name, other.name, f"{keep.name} is kept; "
                          f"{other.name} is written into the notes")
        )  # fmt: skip
        carried.append(f"also called {other.name}")
    else:
        for name in ("given_name", "family_name"):
            if keep.fields.get(name) is None and other.fields.get(name) is not None:
                person[name] = other.fields[name]

    for name in SINGLE:
        mine, theirs = _own(keep, other, name), _own(other, keep, name)
        if theirs is None or theirs == mine:
            continue
        label = LABELS[name]
        if mine is None:
            person[name] = theirs
            filled.append(f"{label}: {_shown(other, name, theirs)}")
            continue
        shown = _shown(other, name, theirs)
        conflicts.append(
            FieldConflict(label, _shown(keep, name, mine), shown,
                          f"{keep.name}'s is kept; {shown} is written into the notes")
        )  # fmt: skip
        carried.append(f"{label} {shown}")
    if keep.fields.get("introduced_by_id") == other.id:  # would introduce themselves
        person["introduced_by_id"] = None

    for name in JOINED:
        mine, theirs = keep.fields.get(name), other.fields.get(name)
        if not theirs or theirs == mine or (mine and theirs in mine):
            continue
        label = LABELS[name]
        if not mine:
            person[name] = theirs
            filled.append(label)
            continue
        person[name] = f"{mine}\n\n{theirs}"
        conflicts.append(
            FieldConflict(label, _short(mine), _short(theirs), f"both kept: {other.name}'s "
                          f"{label} {'are' if label.endswith('s') else 'is'} added after")
        )  # fmt: skip

    roles = _plan_roles(keep, other, today, person, filled, conflicts, carried)
    dates, dates_dropped = _plan_dates(keep, other, filled, conflicts, carried)

    if other.fields.get("strained") and not keep.fields.get("strained"):
        person["strained"] = True
        if other.fields.get("strained_since") is not None:
            person["strained_since"] = other.fields["strained_since"]
        filled.append("strained")
    if keep.fields.get("archived_at") is not None and other.fields.get("archived_at") is None:
        person["archived_at"] = None
        filled.append(f"active again ({other.name}'s record was not archived)")
    _plan_health(keep, other, person, filled, conflicts, carried)
    theirs_last = other.fields.get("last_contact_at")
    mine_last = keep.fields.get("last_contact_at")
    if theirs_last is not None and (mine_last is None or theirs_last > mine_last):
        person["last_contact_at"] = theirs_last

    if carried:
        line = f"Merged from {other.name} on {today.isoformat()}: " + "; ".join(carried)
        line += "" if line.endswith(".") else "."
        notes = person.get("notes", keep.fields.get("notes"))
        person["notes"] = f"{notes}\n\n{line}" if notes else line

    preview = MergePreview(
        keep=Side(keep.id, keep.name, _role_words(keep), _has(keep)),
        other=Side(other.id, other.name, _role_words(other), _adds(keep, other)),
        filled=filled,
        conflicts=conflicts,
        score=score,
        evidence=why,
        warning=None if why else unrelated_warning(keep, other),
    )
    writes = MergeWrites(
        person=person,
        roles=roles[0],
        roles_dropped=roles[1],
        dates=dates,
        dates_dropped=dates_dropped,
    )
    return MergePlan(preview, writes)


def _plan_health(
    keep: RecordFacts, other: RecordFacts, person: dict[str, Any], filled: list[str],
    conflicts: list[FieldConflict], carried: list[str],
) -> None:  # fmt: skip
    """A health correction is one fact, the points with their reason: the other's is
    kept when the kept record has none; where both differ, the kept one's stays and
    the other's is written into the notes."""
    theirs, mine = _correction(other), _correction(keep)
    if theirs is None or theirs == mine:
        return
    label = LABELS["health_adjustment"]
    if mine is None:
        person["health_adjustment"] = other.fields["health_adjustment"]
        person["health_adjustment_reason"] = other.fields.get("health_adjustment_reason")
        filled.append(f"{label}: {theirs}")
        return
    conflicts.append(
        FieldConflict(label, mine, theirs, f"{keep.name}'s is kept; {theirs} is written into "
                      "the notes")
    )  # fmt: skip
    carried.append(f"{label} {theirs}")


def _correction(record: RecordFacts) -> str | None:
    """The record's health correction in words ('+10 (we talk weekly)'), or None."""
    points = record.fields.get("health_adjustment")
    if points is None:
        return None
    reason = record.fields.get("health_adjustment_reason")
    return f"{points:+d} ({reason})" if reason else f"{points:+d}"


def _own(record: RecordFacts, partner: RecordFacts, name: str) -> Any:
    """The record's value of a field; an introducer who is the partner counts as none
    (after the merge they would be the person themselves)."""
    value = record.fields.get(name)
    return None if name == "introduced_by_id" and value == partner.id else value


def _shown(record: RecordFacts, name: str, value: Any) -> str:
    if name in record.shown:
        return record.shown[name]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- roles ---------------------------------------------------------------------------------

Role = tuple[int | None, str | None]  # (organization id, title)


def _role_of(record: RecordFacts) -> Role:
    return record.fields.get("organization_id"), record.fields.get("title")


def _covers(big: Role, small: Role) -> bool:
    """Every part `small` has, `big` has the same (titles compared folded)."""
    org_ok = small[0] is None or small[0] == big[0]
    title_ok = small[1] is None or (big[1] is not None and fold(big[1]) == fold(small[1]))
    return org_ok and title_ok


def _same_role(a: Role, b: Role) -> bool:
    return _covers(a, b) or _covers(b, a)


def _role_text(organization: str | None, title: str | None) -> str:
    return " at ".join(p for p in (title, organization) if p) or "no role"


def _role_words(record: RecordFacts) -> str | None:
    org_id, title = _role_of(record)
    if org_id is None and title is None:
        return None
    return _role_text(record.organization, title)


def _plan_roles(
    keep: RecordFacts, other: RecordFacts, today: dt.date, person: dict[str, Any],
    filled: list[str], conflicts: list[FieldConflict], carried: list[str],
) -> tuple[list[RoleWrite], list[int]]:  # fmt: skip
    """The kept person's role after the merge, and the role rows that change."""
    mine, theirs = _role_of(keep), _role_of(other)
    empty: Role = (None, None)
    current = mine
    if theirs != empty and not _covers(mine, theirs):
        if _covers(theirs, mine):  # the other's adds to the kept one's: it wins whole
            current = theirs
            person["organization_id"], person["title"] = theirs
            filled.append(f"role: {_role_text(other.organization, theirs[1])}")
        else:
            had = any(r.ended_on is None and _same_role((r.organization_id, r.title), theirs)
                      for r in other.roles)  # fmt: skip
            what = _role_text(other.organization, theirs[1])
            conflicts.append(
                FieldConflict(
                    "role", _role_text(keep.organization, mine[1]), what,
                    f"{_role_text(keep.organization, mine[1])} stays the current role; "
                    + (f"{what} becomes a past role" if had
                       else f"{what} is written into the notes (it was never in "
                            f"{other.name}'s role history)"),
                )
            )  # fmt: skip
            if not had:
                carried.append(f"role {what}")
    updates: list[RoleWrite] = []
    dropped: list[int] = []
    open_mine = [r for r in keep.roles if r.ended_on is None]
    kept_open = next((r for r in open_mine if _same_role((r.organization_id, r.title), current)),
                     None)  # fmt: skip
    if kept_open is not None and (kept_open.organization_id, kept_open.title) != current:
        updates.append(
            RoleWrite(kept_open.id, {"organization_id": current[0], "title": current[1]})
        )
    ends = kept_open.started_on if kept_open and kept_open.started_on else today
    past_mine = {_past_key(r) for r in keep.roles if r.ended_on is not None}
    for r in other.roles:
        if r.ended_on is not None:
            if _past_key(r) in past_mine:
                dropped.append(r.id)
            continue
        if current != empty and _same_role((r.organization_id, r.title), current):
            if kept_open is None:  # the kept record has no row of it: this one is it
                kept_open = r
                if (r.organization_id, r.title) != current:
                    updates.append(
                        RoleWrite(r.id, {"organization_id": current[0], "title": current[1]})
                    )
                continue
            dropped.append(r.id)
            if kept_open.started_on is None and r.started_on is not None:
                updates.append(RoleWrite(kept_open.id, {"started_on": r.started_on}))
            continue
        # a role the other record held, not the kept one's: it is over now
        end = ends if r.started_on is None or ends >= r.started_on else today
        updates.append(RoleWrite(r.id, {"ended_on": end}))
    return _combined(updates), dropped


def _past_key(r: RoleFacts) -> tuple[Any, ...]:
    return (r.organization_id, fold(r.title or ""), r.started_on, r.ended_on)


def _combined(writes: list[RoleWrite]) -> list[RoleWrite]:
    by_id: dict[int, dict[str, Any]] = {}
    for w in writes:
        by_id.setdefault(w.id, {}).update(w.values)
    return [RoleWrite(i, v) for i, v in by_id.items()]


# --- yearly dates --------------------------------------------------------------------------


def _day_words(d: DateFacts) -> str:
    words = f"{d.day} {calendar.month_name[d.month]}"
    return f"{words} {d.year}" if d.year else words


def _plan_dates(
    keep: RecordFacts, other: RecordFacts, filled: list[str],
    conflicts: list[FieldConflict], carried: list[str],
) -> tuple[list[RoleWrite], list[int]]:  # fmt: skip
    """The same date in both records is kept once (with the year either knew); the
    other's birthday, when the kept record has another, goes into the notes."""
    mine = {(d.kind, d.month, d.day): d for d in keep.dates}
    birthday = next((d for d in keep.dates if d.kind == "birthday"), None)
    updates: list[RoleWrite] = []
    dropped: list[int] = []
    for d in other.dates:
        same = mine.get((d.kind, d.month, d.day))
        if same is not None:
            dropped.append(d.id)
            if same.year is None and d.year is not None:
                updates.append(RoleWrite(same.id, {"year": d.year}))
            continue
        if d.kind == "birthday" and birthday is not None:
            dropped.append(d.id)
            conflicts.append(
                FieldConflict("birthday", _day_words(birthday), _day_words(d),
                              f"{_day_words(birthday)} stays the birthday; {_day_words(d)} "
                              "is written into the notes")
            )  # fmt: skip
            carried.append(f"birthday {_day_words(d)}")
            continue
        if d.kind == "birthday":
            filled.append(f"birthday: {_day_words(d)}")
    return updates, dropped


# --- what each side brings -----------------------------------------------------------------


def _counted(counts: Mapping[str, int], shared: int = 0) -> list[str]:
    out = []
    for name, (one, many) in COUNTED.items():
        n = counts.get(name, 0)
        if n:
            words = f"{n} {one if n == 1 else many}"
            if name == "interactions" and shared:
                words += f" ({shared} with both)"
            out.append(words)
    dates = counts.get("dates", 0)
    if dates:
        out.append(f"{dates} date{'s' if dates != 1 else ''} to remember")
    return out


def _has(record: RecordFacts) -> list[str]:
    out = _counted(record.counts)
    out += [f"email {e}" for e in record.emails.values()]
    out += [f"phone {p}" for p in record.phones.values()]
    out += [f"link {u}" for u in record.urls]
    out += [f"type {t}" for t in record.types]
    out += [f"tag {t}" for t in record.tags]
    past = sum(1 for r in record.roles if r.ended_on is not None)
    if past:
        out.append(f"{past} past role{'s' if past != 1 else ''}")
    return out


def _adds(keep: RecordFacts, other: RecordFacts) -> list[str]:
    """What the other record brings that the kept one has not."""
    out = _counted(other.counts, other.shared_interactions)
    out += [f"email {e}" for k, e in other.emails.items() if k not in keep.emails]
    out += [f"phone {p}" for k, p in other.phones.items() if k not in keep.phones]
    out += [f"link {u}" for u in other.urls if u not in keep.urls]
    out += [f"type {t}" for t in other.types if t not in keep.types]
    tags = {fold(t) for t in keep.tags}
    out += [f"tag {t}" for t in other.tags if fold(t) not in tags]
    past = sum(1 for r in other.roles if r.ended_on is not None)
    if past:
        out.append(f"{past} past role{'s' if past != 1 else ''}")
    return out
