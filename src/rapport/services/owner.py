"""Who the user is: the workspace's own email addresses, in one place.

Imports read them to leave the user out of contacts and meetings and to tell who
reached out; `rapport init --email`, Settings, the CLI and API, and an import's
`--me` (or "is this you?" answered yes) add to them. They are kept in the workspace's
settings: `own_emails` (the addresses), `own_email_origins` (where each came from) and
`not_own_emails` (addresses the user said are not theirs, so they are not asked about
again). Mail and calendar accounts, when Rapport has them, add their address with
`add(ctx, address, origin="account")`: everything that asks who the user is calls
`addresses` and sees it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from rapport.domain.names import email_key, looks_like_email
from rapport.errors import Invalid, NotFound
from rapport.services.context import Ctx
from rapport.storage.schema import Person, PersonEmail, User, Workspace

# where an address came from, in words for the Settings page and `rapport settings me`
ORIGINS = {
    "sign-in": "your sign-in address",
    "init": "rapport init --email",
    "settings": "added in Settings",
    "import": "said on an import",
    "account": "a mail or calendar account",
}

# "Is this you?": an address Rapport does not know (not yours, on no one in your
# network) on at least this share of a file's meetings or messages, and on at least
# this many, is asked about before anything is imported. With no address of yours
# known at all, the file's most frequent address is asked about (on half, two or more).
MOST_ITEMS = 0.6
AT_LEAST_ITEMS = 3


@dataclass(frozen=True)
class OwnAddress:
    """One of the user's addresses, and the contact it is also stored on, if any
    (that record is probably the user: archive it)."""

    address: str
    origin: str  # a key of ORIGINS
    person_id: int | None = None
    person_name: str | None = None
    hint: str | None = None  # what to do about that contact, in words


@dataclass(frozen=True)
class Owner:
    """The user's addresses, and those they said are not theirs."""

    addresses: list[OwnAddress]
    not_me: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """An address that may be the user's: on `seen` of a file's `total` items."""

    address: str
    seen: int
    total: int


def _workspace(ctx: Ctx) -> Workspace:
    ws = ctx.session.get(Workspace, ctx.workspace_id)
    assert ws is not None
    return ws


def _settings(ctx: Ctx) -> dict[str, object]:
    # the row, not ctx.settings: another service may have changed it in this transaction
    return dict(_workspace(ctx).settings or {})


def _stored(ctx: Ctx, key: str) -> list[str]:
    found = _settings(ctx).get(key)
    return [a for a in found if isinstance(a, str)] if isinstance(found, list) else []


def addresses(ctx: Ctx) -> list[str]:
    """The user's own addresses (case-folded), in the order they were added."""
    return list(dict.fromkeys(email_key(a) for a in _stored(ctx, "own_emails")))


def not_me(ctx: Ctx) -> list[str]:
    """Addresses the user said are not theirs."""
    return list(dict.fromkeys(email_key(a) for a in _stored(ctx, "not_own_emails")))


def checked(raw: str, field_name: str = "address") -> str:
    """`raw` as stored: trimmed and case-folded; Invalid when it is no email address."""
    address = email_key(raw)
    if not looks_like_email(address):
        raise Invalid(field_name, f"{raw.strip()!r} is not an email address")
    return address


def _save(ctx: Ctx, own: Sequence[str], origins: dict[str, str], others: Sequence[str]) -> None:
    ws = _workspace(ctx)
    settings = dict(ws.settings or {})
    settings["own_emails"] = list(own)
    settings["own_email_origins"] = {a: o for a, o in origins.items() if a in own}
    settings["not_own_emails"] = [a for a in others if a not in own]
    ws.settings = settings
    ctx.settings = dict(settings)
    ctx.session.flush()


def _origins(ctx: Ctx) -> dict[str, str]:
    found = _settings(ctx).get("own_email_origins")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def add(ctx: Ctx, raw: str | Iterable[str], origin: str = "settings") -> Owner:
    """Remember `raw` (one address or several) as the user's; an address already
    known keeps where it came from. It stops being one the user said is not theirs."""
    if origin not in ORIGINS:
        raise Invalid("origin", f"{origin!r} is not one of {', '.join(ORIGINS)}")
    given = [raw] if isinstance(raw, str) else list(raw)
    new = [checked(a) for a in given if a.strip()]
    own = addresses(ctx)
    origins = _origins(ctx)
    for address in new:
        if address not in own:
            own.append(address)
            origins[address] = origin
    _save(ctx, own, origins, [a for a in not_me(ctx) if a not in new])
    return describe(ctx)


def remove(ctx: Ctx, raw: str) -> Owner:
    """Forget `raw` as the user's address (or, if it is one they said is not theirs,
    forget that). NotFound when it is neither."""
    address = email_key(raw)
    own, others = addresses(ctx), not_me(ctx)
    if address not in own and address not in others:
        raise NotFound(f"{raw.strip()} is not one of your addresses")
    _save(ctx, [a for a in own if a != address], _origins(ctx), [a for a in others if a != address])
    return describe(ctx)


def replace(ctx: Ctx, raw: Iterable[str]) -> Owner:
    """The user's addresses become exactly `raw` (Settings' list, the API's PATCH)."""
    own = list(dict.fromkeys(checked(a, "own_emails") for a in raw if a.strip()))
    origins = _origins(ctx)
    for address in own:
        origins.setdefault(address, "settings")
    _save(ctx, own, origins, not_me(ctx))
    return describe(ctx)


def add_not_me(ctx: Ctx, raw: Iterable[str]) -> None:
    """Remember that `raw` are not the user's addresses ("is this you?" answered no),
    so an import does not ask about them again. Invalid for one of the user's own."""
    given = [checked(a, "not_me") for a in raw if a.strip()]
    own = addresses(ctx)
    for address in given:
        if address in own:
            raise Invalid(
                "not_me",
                f"{address} is one of your addresses; to say it is not, remove it first "
                f"(rapport settings me --remove {address})",
            )
    others = not_me(ctx)
    if any(a not in others for a in given):
        _save(ctx, own, _origins(ctx), list(dict.fromkeys([*others, *given])))


def contacts_with(ctx: Ctx, keys: Iterable[str]) -> dict[str, tuple[int, str]]:
    """For each of `keys` stored on a person not archived: that person's id and name."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    rows = ctx.session.execute(
        select(PersonEmail.address_key, Person.id, Person.full_name)
        .join(Person, Person.id == PersonEmail.person_id)
        .where(
            PersonEmail.workspace_id == ctx.workspace_id,
            PersonEmail.address_key.in_(wanted),
            Person.archived_at.is_(None),
        )
        .order_by(Person.id)
    ).all()
    found: dict[str, tuple[int, str]] = {}
    for key, pid, name in rows:
        found.setdefault(key, (pid, name))
    return found


def hint(address: str, person_id: int, name: str) -> str:
    """What to do when one of the user's addresses is on a contact."""
    return (
        f"{address} is on {name} (#{person_id}): if that record is you, archive it "
        f"with `rapport person archive {person_id}`"
    )


def describe(ctx: Ctx) -> Owner:
    """The user's addresses, where each came from, and any contact that has one."""
    own = addresses(ctx)
    origins = _origins(ctx)
    on = contacts_with(ctx, own)
    # an account's address is added when it signs up, where no origin was written
    accounts = set(
        ctx.session.scalars(
            select(func.lower(User.email)).where(User.workspace_id == ctx.workspace_id)
        )
    )
    return Owner(
        addresses=[
            OwnAddress(
                address=a,
                origin=origins.get(a, "sign-in" if a in accounts else "settings"),
                person_id=on[a][0] if a in on else None,
                person_name=on[a][1] if a in on else None,
                hint=hint(a, *on[a]) if a in on else None,
            )
            for a in own
        ],
        not_me=not_me(ctx),
    )


def maybe_you(
    ctx: Ctx,
    appearances: Sequence[set[str]],
    own: set[str],
    said_not: Iterable[str] = (),
    guess: str | None = None,
) -> list[Candidate]:
    """The address that is probably the user's (none or one: the most frequent, so
    each question is about one address): not theirs yet, not said to be someone
    else's, on no one in the network, and on most of the file's items, when none of
    the user's known addresses is on most of them (else it is a close colleague).

    `appearances` holds each meeting's or message's addresses (organizer and sender
    included); `said_not` more addresses the user said are not theirs. With `own`
    empty, `guess` (the adapter's guess of the file's owner, wherever it is stored)
    is the one candidate: Rapport asks rather than assume who the user is."""
    total = len(appearances)
    said_not = {*said_not, *not_me(ctx)}
    if not own:
        if guess is None or guess in said_not:
            return []
        return [Candidate(guess, sum(guess in a for a in appearances), total)]
    if sum(bool(found & own) for found in appearances) >= MOST_ITEMS * total:
        return []  # the user is on most items already: a frequent address is a colleague
    counts: dict[str, int] = {}
    for found in appearances:
        for key in found:
            counts[key] = counts.get(key, 0) + 1
    likely = {
        key: seen
        for key, seen in counts.items()
        if seen >= AT_LEAST_ITEMS
        and seen >= MOST_ITEMS * total
        and key not in own
        and key not in said_not
    }
    if likely:
        stored = ctx.session.scalars(
            select(PersonEmail.address_key).where(
                PersonEmail.workspace_id == ctx.workspace_id,
                PersonEmail.address_key.in_(list(likely)),
            )
        )
        for key in stored:
            likely.pop(key, None)
    ranked = sorted(likely.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Candidate(address, seen, total) for address, seen in ranked[:1]]


def question(candidate: Candidate, noun: str) -> str:
    """'sam@example.com is on 41 of 45 meetings. Is this you?'"""
    return f"{candidate.address} is on {candidate.seen} of {candidate.total} {noun}. Is this you?"
