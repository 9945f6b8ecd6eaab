"""`rapport import FILE`: read any supported file into the network, in the caller's
one transaction, and say what happened.

The format is told from the content (`adapters.detect`) unless given. Contacts go
through `imports.contacts`, meetings and emails through `imports.activity`, a JSON
backup through `backup.restore`. A file the adapter cannot read raises
ImportFailed and, the transaction being the caller's, leaves the database as it
was; a bad row is reported with its line and the rest imported, unless `strict`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rapport.adapters import detect
from rapport.adapters.limits import Budget
from rapport.adapters.records import ContactRecord, MeetingRecord, R, Skipped, cleaned
from rapport.adapters.text import Source, source_name
from rapport.errors import ImportFailed, Invalid, NotFound
from rapport.services import date_order, owner
from rapport.services.context import Ctx
from rapport.services.cycle_collection import fewer_collections
from rapport.services.imports import activity as import_activity
from rapport.services.imports import contacts as import_contacts

# (phase, done, total): phases are "reading" (total None) and "importing"
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class Problem:
    line: int | None
    reason: str


@dataclass
class ImportOptions:
    format: str | None = None  # None: told from the content
    strict: bool = False  # stop at the first bad row
    mapping: Mapping[str, str] | None = None  # generic CSV: column -> field
    add_people: bool | None = None  # None: yes for email, no (offer) for calendars
    # the user's own addresses, besides the workspace's: remembered once the import runs
    me: Sequence[str] = ()
    # addresses the user said are not theirs ("is this you?": no): imported as anyone
    # else's, and remembered so the question is not asked again
    not_me: Sequence[str] = ()


@dataclass
class ImportSummary:
    source: str
    format: str
    kind: str  # what was counted: "people", "interactions" or "rows"
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)  # bad rows, with the reason
    ignored: list[Problem] = field(default_factory=list)  # left out on purpose
    warnings: list[str] = field(default_factory=list)
    role_changes: int = 0  # people whose organization or title changed
    organizations_created: int = 0  # from organisation cards (vCard KIND:org)
    people_created: int = 0  # people added from meeting attendees or correspondents
    offered: list[str] = field(default_factory=list)  # unknown attendees, not added
    dropped: dict[str, int] = field(default_factory=dict)  # e.g. {"photo": 12}
    own_addresses: list[str] = field(default_factory=list)
    # name-only (or otherwise unsure) matches: kept for review, nothing applied
    proposed: int = 0
    # an unknown address on most meetings or messages (the most frequent, so one at
    # a time): probably the user's own; nothing was imported. The interfaces ask "is
    # this you?" and import again with it in `me` (yes) or `not_me` (no)
    maybe_you: list[str] = field(default_factory=list)
    # with maybe_you, the question in words ("… is on 41 of 45 meetings. Is this you?")
    question: str | None = None
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.people_created or self.organizations_created
        )

    def ignored_reasons(self) -> dict[str, int]:
        """How many parts were left out for each (generalised) reason."""
        counts: Counter[str] = Counter(p.reason.split(": ")[0] for p in self.ignored)
        return dict(counts.most_common())


def _cleaned(item: R | Skipped) -> R | Skipped:
    return item if isinstance(item, Skipped) else cleaned(item)


def _problems(items: Sequence[Skipped]) -> list[Problem]:
    return [Problem(s.line, s.reason) for s in items]


def _check_own_fields(ctx: Ctx, names: Sequence[str], source: str) -> None:
    """NotFound, before anything is read, for a column mapped to a field of the
    user's own that is not defined: it is not made up (its type would be a guess)."""
    from rapport.domain.custom_fields import Target
    from rapport.services import custom_fields

    for name in names:
        try:
            custom_fields.find(ctx, name, Target.PEOPLE)
        except NotFound:
            raise NotFound(
                f"{source}: a column is mapped to field:{name}, but you have no field "
                f"{name!r} for people: add it first (rapport field add {name!r} --type text)"
            ) from None


def _check_strict(skipped: Sequence[Skipped], options: ImportOptions, source: str) -> None:
    if options.strict and skipped:
        first = skipped[0]
        raise ImportFailed(
            f"{first.reason} (stopped at the first bad row: nothing imported)", first.line, source
        )


def run(
    ctx: Ctx, source: Source, options: ImportOptions | None = None, progress: Progress | None = None
) -> ImportSummary:
    """Import `source` (a path, bytes or binary stream) into the workspace."""
    with fewer_collections():
        return _run(ctx, source, options, progress)


def _run(
    ctx: Ctx, source: Source, options: ImportOptions | None, progress: Progress | None
) -> ImportSummary:
    opts = options or ImportOptions()
    name = source_name(source)
    fmt = detect.canonical(opts.format) if opts.format else detect.detect(source)
    if fmt == "backup":
        # a restore fills an empty network: its entry would hold a copy of every row
        # (gigabytes at two million conversations), to undo what a new database undoes
        ctx.unjournaled()
    else:
        ctx.journal("import", f"Imported {name} ({fmt})")
    if progress:
        progress("reading", 0, None)
    budget = Budget()  # the time reading the file may take, whatever its kind
    if fmt in detect.CONTACT_FORMATS or fmt in ("ics", "mail"):
        _check_addresses(ctx, opts)
        if fmt in detect.CONTACT_FORMATS:
            summary = _contacts(ctx, source, fmt, name, opts, progress, budget)
        else:
            summary = _activity(ctx, source, fmt, name, opts, progress, budget)
        if not summary.maybe_you:  # the import ran: what the user said about themselves sticks
            if opts.me:
                said = {owner.checked(a, "me") for a in opts.me if a.strip()}
                known = owner.add(ctx, opts.me, origin="import").addresses
                summary.warnings += [a.hint for a in known if a.hint and a.address in said]
            owner.add_not_me(ctx, opts.not_me)
        return summary
    from rapport.adapters import backup as backup_file
    from rapport.services import backup

    with backup_file.stream(source, budget) as streamed:
        restored = backup.restore(
            ctx, streamed, (lambda done: progress("importing", done, None)) if progress else None
        )
    settings = restored.pop("workspace", 0)  # the network's own row: updated, not created
    summary = ImportSummary(name, fmt, "rows", created=sum(restored.values()), updated=settings)
    if progress:
        progress("importing", summary.created, summary.created)
    return summary


def _contacts(
    ctx: Ctx,
    source: Source,
    fmt: str,
    name: str,
    opts: ImportOptions,
    progress: Progress | None,
    budget: Budget,
) -> ImportSummary:
    if fmt == "vcard":
        from rapport.adapters import vcard

        parsed = [
            _cleaned(r) for r in vcard.parse(source, budget, date_order=date_order.order(ctx))
        ]
    else:
        from rapport.adapters import csv_contacts

        flavour = "rapport" if fmt == "rapport-csv" else fmt
        _check_own_fields(ctx, csv_contacts.own_fields_mapped(opts.mapping), name)
        parsed = [
            _cleaned(r)
            for r in csv_contacts.parse(
                source,
                flavour=None if flavour == "csv" else flavour,
                mapping=opts.mapping,
                budget=budget,
                date_order=date_order.order(ctx),
            )
        ]
    records = [r for r in parsed if isinstance(r, ContactRecord)]
    bad = [r for r in parsed if isinstance(r, Skipped)]
    records, yours = _not_you(records, own_addresses(ctx, opts.me))
    _check_strict([b for b in bad if b.invalid], opts, name)
    total = len(records)
    result = import_contacts.load(
        ctx,
        records,
        fmt,
        (lambda done: progress("importing", done, total)) if progress else None,
        name=name,
    )
    _check_strict(result.skipped, opts, name)
    dropped: Counter[str] = Counter(d for r in records for d in dict.fromkeys(r.dropped))
    return ImportSummary(
        source=name,
        format=fmt,
        kind="people",
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        skipped=_problems([b for b in bad if b.invalid] + result.skipped),
        ignored=_problems([b for b in bad if not b.invalid] + yours + result.ignored),
        warnings=result.warnings,
        role_changes=result.role_changes,
        organizations_created=result.organizations_created,
        dropped=dict(dropped),
        proposed=result.proposed,
    )


def own_addresses(ctx: Ctx, extra: Sequence[str] = ()) -> set[str]:
    """The user's own email addresses: the workspace's (`services.owner`) and `extra`."""
    from rapport.domain.names import email_key

    return {*owner.addresses(ctx), *(email_key(a) for a in extra if a.strip())}


def _check_addresses(ctx: Ctx, opts: ImportOptions) -> None:
    """`me` and `not_me` are email addresses, and say no address is both."""
    me = {owner.checked(a, "me") for a in opts.me if a.strip()}
    not_me = {owner.checked(a, "not_me") for a in opts.not_me if a.strip()}
    both = sorted(me & not_me) or sorted(not_me & set(owner.addresses(ctx)))
    if both:
        raise Invalid(
            "not_me",
            f"{both[0]} is one of your addresses; to say it is not, remove it first "
            f"(rapport settings me --remove {both[0]})"
            if both[0] not in me
            else f"{both[0]} is given as both yours (me) and not yours (not_me)",
        )


def _not_you(
    records: list[ContactRecord], own: set[str]
) -> tuple[list[ContactRecord], list[Skipped]]:
    """The records that are someone else, and those left out for being the user."""
    from rapport.domain.names import email_key

    others: list[ContactRecord] = []
    yours: list[Skipped] = []
    for record in records:
        mine = next((e for e in record.emails if email_key(e) in own), None)
        if mine is None:
            others.append(record)
        else:
            yours.append(Skipped(record.line, f"that is you ({email_key(mine)})", invalid=False))
    return others, yours


def _until(ctx: Ctx) -> dt.datetime:
    """Now, or the end of `ctx.today` when today is pinned in the past."""
    end_of_today = dt.datetime.combine(ctx.today + dt.timedelta(days=1), dt.time(0), ctx.tz)
    return min(ctx.now(), end_of_today)


def _asking(name: str, fmt: str, asked: Sequence[owner.Candidate], noun: str) -> ImportSummary:
    """The summary of an import that wrote nothing and asks "is this you?"."""
    return ImportSummary(
        name, fmt, "interactions", maybe_you=[c.address for c in asked],
        question=owner.question(asked[0], noun),
    )  # fmt: skip


def _activity(
    ctx: Ctx,
    source: Source,
    fmt: str,
    name: str,
    opts: ImportOptions,
    progress: Progress | None,
    budget: Budget,
) -> ImportSummary:
    own = own_addresses(ctx, opts.me)
    bad: list[Skipped] = []
    items: list[import_activity.Item] = []
    if fmt == "ics":
        from rapport.adapters import ical

        meetings: list[MeetingRecord] = []
        for n, rec in enumerate(ical.parse(source, until=_until(ctx), tz=ctx.tz, budget=budget)):
            if progress and n % 1000 == 0:
                progress("reading", n, None)
            rec = _cleaned(rec)
            (meetings if isinstance(rec, MeetingRecord) else bad).append(rec)  # type: ignore[arg-type]
        appearances = [
            {a.key for a in m.attendees} | ({m.organizer.key} if m.organizer else set())
            for m in meetings
        ]
        asked = _ask(ctx, appearances, own, opts, ical.guess_own(meetings) if not own else None)
        if asked:
            return _asking(name, fmt, asked, "meetings")
        items = [meeting_item(m, own) for m in meetings]
        del meetings, appearances  # the items hold what is imported
        add_people = bool(opts.add_people)
    else:
        from rapport.adapters import mail
        from rapport.adapters.records import MessageRecord

        messages: list[MessageRecord] = []
        for n, message in enumerate(mail.parse(source, budget)):
            if progress and n % 1000 == 0:
                progress("reading", n, None)
            message = _cleaned(message)
            (messages if isinstance(message, MessageRecord) else bad).append(message)  # type: ignore[arg-type]
        appearances = [
            {m.sender.key, *(a.key for a in m.recipients), *m.delivered_to} for m in messages
        ]
        asked = _ask(ctx, appearances, own, opts, mail.guess_own(messages) if not own else None)
        if asked:
            return _asking(name, fmt, asked, "messages")
        from rapport.services import mail_threads

        # thread roots remembered from earlier files and syncs: the same conversation
        # keeps its external id, so a mailbox read again (or synced) does not double
        threads = mail_threads.threaded(ctx, messages)
        conversations, left_out = mail.conversations(messages, own, ctx.tz, threads.roots)
        mail_threads.remember(ctx, threads, messages)
        bad.extend(left_out)
        items = [import_activity.mail_item(c) for c in conversations]
        add_people = True if opts.add_people is None else opts.add_people
    until = _until(ctx)
    for item in items:
        if item.occurred_at > until:
            bad.append(Skipped(item.line, "dated in the future", invalid=False))
    items = [i for i in items if i.occurred_at <= until]
    _check_strict([b for b in bad if b.invalid], opts, name)
    total = len(items)
    result = import_activity.load(
        ctx,
        items,
        fmt,
        own,
        add_people=add_people,
        progress=(lambda done: progress("importing", done, total)) if progress else None,
    )
    _check_strict(result.skipped, opts, name)
    return ImportSummary(
        source=name,
        format=fmt,
        kind="interactions",
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        skipped=_problems([b for b in bad if b.invalid] + result.skipped),
        ignored=_problems([b for b in bad if not b.invalid] + result.ignored),
        people_created=result.people_created,
        offered=result.offered,
        own_addresses=sorted(own),
    )


def _ask(
    ctx: Ctx, appearances: list[set[str]], own: set[str], opts: ImportOptions, guess: str | None
) -> list[owner.Candidate]:
    """The addresses to ask "is this you?" about before importing (none: go on)."""
    from rapport.domain.names import email_key

    said_not = {email_key(a) for a in opts.not_me if a.strip()}
    return owner.maybe_you(ctx, appearances, own, said_not, guess)


def meeting_item(rec: MeetingRecord, own: set[str]) -> import_activity.Item:
    """A past meeting as the interaction it makes: the organizer and attendees other
    than the user (`own`), the direction from who organised it. The .ics importer
    and the calendar sync (`services.calendar_sync`) both go through here."""
    people = [a for a in rec.attendees if a.key not in own]
    organizer = rec.organizer
    if organizer is not None and organizer.key not in own:
        people.insert(0, organizer)
    direction = "mutual" if organizer is None else "me" if organizer.key in own else "them"
    notes = "\n\n".join(p for p in (rec.location, rec.description) if p) or None
    return import_activity.Item(
        line=rec.line,
        external_id=rec.external_id,
        occurred_at=rec.starts_at,
        kind=rec.kind,
        summary=rec.summary or "(no title)",
        direction=direction,
        people=list({a.key: a for a in people}.values()),
        notes=notes,
    )
