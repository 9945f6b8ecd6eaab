"""The CardDAV address book's rules that need no database: card names, ETags,
sync-tokens (RFC 6578) and which vCard version a client is sent.

A sync-token is the book's change number as a URI: every card records the number at
which it last changed (or was deleted), so "what changed since token N" is the cards
numbered above N. A number above the book's own was never given out: invalid."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rapport.errors import Invalid

TOKEN_PREFIX = "urn:rapport:carddav:sync:"
PERSON_UID_PREFIX = "urn:rapport:person:"  # services.exports writes the same UIDs
# a card's file name (the last segment of its href): what phones make ("<uuid>.vcf")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+=~-]{0,250}$")
_VERSION = re.compile(r"version\s*=\s*\"?([34]\.0)", re.IGNORECASE)
DEFAULT_VERSION = "3.0"  # iOS asks for no version and reads only 3.0 (SabreDAV does the same)


@dataclass(frozen=True)
class CardRef:
    """A card's file name and ETag (quoted, as HTTP writes it)."""

    name: str
    etag: str


@dataclass(frozen=True)
class CardOut:
    name: str
    etag: str
    text: str  # the vCard, in the version asked for


@dataclass(frozen=True)
class BookOut:
    """The address book as PROPFIND describes it."""

    change: int
    token: str
    cards: int


@dataclass(frozen=True)
class SyncChanges:
    """What changed since a token: cards changed or added, names deleted, and the
    token to ask from next time."""

    changed: list[CardRef]
    deleted: list[str]
    token: str


@dataclass(frozen=True)
class PutResult:
    name: str
    etag: str
    created: bool
    # the card as stored is what the client sent (byte for byte): only then may the
    # response carry the ETag (RFC 7231 4.3.4); otherwise the client fetches it
    verbatim: bool


def person_uid(person_id: int) -> str:
    return f"{PERSON_UID_PREFIX}{person_id}"


def person_card_name(person_id: int) -> str:
    return f"rapport-{person_id}.vcf"


def check_name(name: str) -> str:
    """`name` if it can be a card's file name here; Invalid otherwise."""
    if not _NAME.match(name) or name in (".", ".."):
        raise Invalid("href", f"{name[:80]!r} is not a card name this server accepts")
    return name


def etag_of(text: str) -> str:
    """A strong ETag: a digest of the card as version 4.0 (the same for both
    versions served, as clients keep one ETag per resource)."""
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def token_of(change: int) -> str:
    return f"{TOKEN_PREFIX}{change}"


def parse_token(token: str, current: int) -> int | None:
    """The change number of `token`; None when this book never gave it out."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    digits = token[len(TOKEN_PREFIX) :]
    if not digits.isdigit() or len(digits) > 18:
        return None
    number = int(digits)
    return number if number <= current else None


def negotiated_version(accept: str | None) -> str:
    """The vCard version asked for by an Accept header or the content-type/version
    of CARDDAV:address-data: "4.0" when 4.0 is asked for (and 3.0 is not preferred
    before it), else 3.0."""
    if not accept:
        return DEFAULT_VERSION
    for part in accept.split(","):
        found = _VERSION.search(part)
        if found:
            return found.group(1)
    return DEFAULT_VERSION


def etag_matches(header: str, etag: str | None) -> bool:
    """Whether an If-Match / If-None-Match header's list names `etag` ("*": any)."""
    if etag is None:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in tags or etag in (t.removeprefix("W/") for t in tags)


@dataclass(frozen=True)
class PhoneSetup:
    """How to add the address book to a phone: what `rapport carddav`, the Settings
    page and docs/carddav.md say, from one place."""

    url: str  # the server's /dav/ address
    username: str  # the account's email
    password: str  # what to use as the password (an API token)
    steps: dict[str, list[str]]  # per client: the steps, in order


def phone_setup(base_url: str, email: str) -> PhoneSetup:
    """The setup for an account `email` on a server reachable at `base_url`."""
    url = base_url.rstrip("/") + "/dav/"
    host = base_url.split("://", 1)[-1].rstrip("/")
    password = "an API token: Settings › API tokens, or `rapport token create --name phone`"
    return PhoneSetup(
        url=url,
        username=email,
        password=password,
        steps={
            "iPhone / iPad (Contacts)": [
                "Settings › Apps › Contacts › Contacts Accounts › Add Account › Other › "
                "Add CardDAV Account",
                f"Server: {host}; User name: {email}; Password: the API token",
                "Without TLS (a server on your own network): Advanced Settings › Use SSL off, "
                f"Port {host.rsplit(':', 1)[-1] if ':' in host else '80'}, "
                f"Account URL {url}",
            ],
            "Android (DAVx5)": [
                "DAVx5 › + › Login with URL and user name",
                f"Base URL: {url}; User name: {email}; Password: the API token",
                "Create the account, tick the address book “Rapport”, and sync",
            ],
            "vdirsyncer and other clients": [
                f"A CardDAV storage with url {url}, username {email}, password the API token "
                "(the address book is found from there: RFC 6764 discovery)",
            ],
        },
    )
