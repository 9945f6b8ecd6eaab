"""CalDAV, as a calendar sync needs it: find the user's calendars from a base URL,
ask what changed since a sync-token, and fetch events in batches. No database here.

The requests, and why each (every one a round trip, counted in `round_trips`):
- discovery (RFC 6764 §6, RFC 5397, RFC 4791 §6.2.1): PROPFIND the well-known URI
  `/.well-known/caldav` (or the base URL itself) for the current-user-principal, the
  principal for its calendar-home-set, then the home at Depth 1 for each calendar's
  name, ctag and sync-token. The home is remembered, so a later sync starts with that
  last PROPFIND alone: a calendar whose sync-token (or ctag) has not moved is not
  asked anything more.
- changes (RFC 6578 §3.2): REPORT sync-collection with the last token, ETags only;
  a server that forgot the token says so (DAV:valid-sync-token), and the caller
  starts over from an empty token, comparing ETags. Without sync-collection, a
  PROPFIND Depth 1 lists every event's ETag (the ctag/etag fallback).
- events (RFC 4791 §7.9): REPORT calendar-multiget, many hrefs per request.

The `caldav` library discovers the same way but loads each changed event with its
own GET (5,000 requests for a 5,000-event calendar's first sync), so the requests
are written here, over the standard library's HTTP client: one kept-alive
connection per server, Basic authentication sent with each request.
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

from rapport.errors import SyncFailed

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CS = "http://calendarserver.org/ns/"
TIMEOUT = 60  # seconds a server may take to answer one request
MAX_REDIRECTS = 5

_PROPFIND_PRINCIPAL = (
    '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>'
)
_PROPFIND_HOME = (
    '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
    "<d:prop><c:calendar-home-set/></d:prop></d:propfind>"
)
_PROPFIND_CALENDARS = (
    '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" '
    'xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:resourcetype/><d:displayname/>'
    "<cs:getctag/><d:sync-token/><c:supported-calendar-component-set/></d:prop></d:propfind>"
)
_PROPFIND_ETAGS = (
    '<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getetag/></d:prop></d:propfind>'
)


class TokenInvalid(Exception):
    """The server no longer knows the sync-token (RFC 6578 §3.2, valid-sync-token)."""


@dataclass(frozen=True)
class CalendarInfo:
    url: str  # absolute
    name: str
    ctag: str | None
    sync_token: str | None  # None: the server offers no sync-collection here


@dataclass
class Changes:
    """What changed in a calendar: hrefs with their new ETag, hrefs deleted, and the
    token to ask from next time."""

    changed: dict[str, str | None] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    token: str | None = None


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def shown(url: str) -> str:
    """`url` without any user:password@ part, for a message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return parts._replace(netloc=host).geturl()


class CalDAVClient:
    """One signed-in conversation with a CalDAV server (Basic auth, sent with each
    request; never shown in a message)."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.username = username
        self.round_trips = 0
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"
        self._connections: dict[tuple[str, str], http.client.HTTPConnection] = {}

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def __enter__(self) -> CalDAVClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the wire ---------------------------------------------------------------------

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        """One kept-alive connection per server (a sync's requests reuse it)."""
        key = (scheme, netloc)
        if key not in self._connections:
            if scheme == "https":
                self._connections[key] = http.client.HTTPSConnection(
                    netloc, timeout=TIMEOUT, context=ssl.create_default_context()
                )
            else:
                self._connections[key] = http.client.HTTPConnection(netloc, timeout=TIMEOUT)
        return self._connections[key]

    def _exchange(
        self, method: str, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        """One request and its answer; a kept-alive connection the server closed
        meanwhile is opened again once."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            connection = self._connection(parts.scheme, parts.netloc)
            try:
                connection.request(method, target, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()
                del self._connections[(parts.scheme, parts.netloc)]
                if attempt == 2:
                    raise
                continue
            self.round_trips += 1
            if response.will_close:
                connection.close()
                del self._connections[(parts.scheme, parts.netloc)]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        raise AssertionError("unreachable")

    def _send(
        self, method: str, url: str, body: str, depth: str | None, ok: Iterable[int] = (207,)
    ) -> tuple[int, str, ET.Element | None]:
        """(status, final URL, parsed multistatus or None), following redirects (the
        well-known URI is one). SyncFailed in words when the server cannot be reached
        or refuses the sign-in. The password goes only where the user pointed, or over
        TLS to where that server redirects."""
        headers = {
            "Content-Type": 'application/xml; charset="utf-8"',
            "User-Agent": "Rapport CalDAV sync",
            "Authorization": self._authorization,
        }
        if depth is not None:
            headers["Depth"] = depth
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                status, answer, content = self._exchange(method, url, body.encode(), headers)
                location = answer.get("location")
                if status not in (301, 302, 303, 307, 308) or not location:
                    break
                before, url = urlsplit(url), urljoin(url, location)
                after = urlsplit(url)
                if after.netloc != before.netloc and after.scheme != "https":
                    headers.pop("Authorization", None)
        except TimeoutError as exc:
            raise SyncFailed(f"{shown(url)} did not answer within {TIMEOUT} seconds") from exc
        except ssl.SSLError as exc:
            raise SyncFailed(
                f"cannot reach {shown(self.base_url)} securely: {exc.reason or 'TLS failed'}"
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise SyncFailed(
                f"cannot reach {shown(self.base_url)}: {_why(exc)} "
                "(is the address right, and the server up?)"
            ) from exc
        if status == 401:
            raise SyncFailed(
                f"the server refused the sign-in for {self.username}: check the user name and "
                "password (an app password for iCloud, Fastmail or Google)"
            )
        final = url
        if status not in ok:
            return status, final, None
        try:
            root = ET.fromstring(content)
        except ET.ParseError:
            return status, final, None
        return status, final, root

    def _responses(self, root: ET.Element, base: str) -> list[tuple[str, dict[str, Any], int]]:
        """Each <response> as (absolute URL, its 200 properties, its status)."""
        found = []
        for response in root.findall(_q(DAV, "response")):
            href = response.findtext(_q(DAV, "href"), "").strip()
            props: dict[str, Any] = {}
            status = 200
            whole = response.findtext(_q(DAV, "status"))
            if whole:
                status = _status(whole)
            for propstat in response.findall(_q(DAV, "propstat")):
                if _status(propstat.findtext(_q(DAV, "status"), "")) != 200:
                    continue
                prop = propstat.find(_q(DAV, "prop"))
                for element in prop if prop is not None else []:
                    props[element.tag] = element
            found.append((urljoin(base, href), props, status))
        return found

    # --- discovery --------------------------------------------------------------------

    def discover(self, home: str | None = None) -> tuple[str, list[CalendarInfo]]:
        """The calendar home and its calendars. Given the home found last time, one
        request; else the principal is found first (well-known URI, then the base URL)."""
        if home:
            listed = self._calendars(home)
            if listed is not None:
                return home, listed
        principal = self._principal()
        _status, final, root = self._send("PROPFIND", principal, _PROPFIND_HOME, "0")
        homes = self._hrefs(root, final, _q(CALDAV, "calendar-home-set"))
        if not homes:
            raise SyncFailed(
                f"{shown(self.base_url)} is not a CalDAV server: it names no calendar home "
                f"for {self.username}"
            )
        listed = self._calendars(homes[0])
        if listed is None:
            raise SyncFailed(f"the calendar home {shown(homes[0])} cannot be listed")
        return homes[0], listed

    def _principal(self) -> str:
        parts = urlsplit(self.base_url)
        tries = [self.base_url]
        if parts.path in ("", "/"):  # RFC 6764 §5: a bare host: ask its well-known URI first
            tries.insert(0, urljoin(self.base_url, "/.well-known/caldav"))
        for url in tries:
            status, final, root = self._send("PROPFIND", url, _PROPFIND_PRINCIPAL, "0")
            found = self._hrefs(root, final, _q(DAV, "current-user-principal"))
            if found:
                return found[0]
        raise SyncFailed(
            f"{shown(self.base_url)} is not a CalDAV server (it names no principal for "
            f"{self.username}; the answer was HTTP {status})"
        )

    def _hrefs(self, root: ET.Element | None, base: str, prop: str) -> list[str]:
        if root is None:
            return []
        found = []
        for _url, props, _status in self._responses(root, base):
            element = props.get(prop)
            if element is not None:
                found += [
                    urljoin(base, h.text.strip())
                    for h in element.findall(_q(DAV, "href"))
                    if h.text and h.text.strip()
                ]
        return found

    def _calendars(self, home: str) -> list[CalendarInfo] | None:
        _status, final, root = self._send("PROPFIND", home, _PROPFIND_CALENDARS, "1")
        if root is None:
            return None
        found = []
        for url, props, _status in self._responses(root, final):
            kind = props.get(_q(DAV, "resourcetype"))
            if kind is None or kind.find(_q(CALDAV, "calendar")) is None:
                continue
            components = props.get(_q(CALDAV, "supported-calendar-component-set"))
            if (
                components is not None
                and len(components)
                and not any(c.get("name", "").upper() == "VEVENT" for c in components)
            ):
                continue  # a task list, not a calendar of events
            name = _text(props.get(_q(DAV, "displayname"))) or unquote(
                url.rstrip("/").rsplit("/", 1)[-1]
            )
            found.append(
                CalendarInfo(
                    url=url,
                    name=name,
                    ctag=_text(props.get(_q(CS, "getctag"))),
                    sync_token=_text(props.get(_q(DAV, "sync-token"))),
                )
            )
        return found

    # --- changes and events -----------------------------------------------------------

    def changes_since(self, calendar: str, token: str | None) -> Changes:
        """RFC 6578 sync-collection from `token` (None: everything there is), ETags
        only, following a truncated answer (§3.6) to its end. TokenInvalid when the
        server no longer knows the token."""
        changes = Changes(token=token)
        for _page in range(1000):
            body = (
                '<d:sync-collection xmlns:d="DAV:">'
                f"<d:sync-token>{escape(changes.token or '')}</d:sync-token>"
                "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
            )
            status, final, root = self._send("REPORT", calendar, body, "0", ok=(207, 403, 409))
            if status in (403, 409):
                raise TokenInvalid(calendar)
            if root is None:
                raise self._gone_or_odd(calendar, status, "sync-collection")
            truncated = False
            for url, props, code in self._responses(root, final):
                if url.rstrip("/") == calendar.rstrip("/"):
                    truncated = truncated or code == 507
                    continue
                if code == 404:
                    changes.deleted.append(url)
                    changes.changed.pop(url, None)
                else:
                    changes.changed[url] = _text(props.get(_q(DAV, "getetag")))
            changes.token = root.findtext(_q(DAV, "sync-token"), changes.token or "").strip()
            if not truncated:
                return changes
        return changes

    def etags(self, calendar: str) -> dict[str, str | None]:
        """Every event's ETag (servers without sync-collection)."""
        status, final, root = self._send("PROPFIND", calendar, _PROPFIND_ETAGS, "1")
        if root is None:
            raise self._gone_or_odd(calendar, status, "PROPFIND")
        found: dict[str, str | None] = {}
        for url, props, _code in self._responses(root, final):
            kind = props.get(_q(DAV, "resourcetype"))
            if url.rstrip("/") == calendar.rstrip("/") or (
                kind is not None and kind.find(_q(DAV, "collection")) is not None
            ):
                continue
            found[url] = _text(props.get(_q(DAV, "getetag")))
        return found

    def fetch(self, calendar: str, hrefs: Sequence[str]) -> list[tuple[str, str | None, str]]:
        """(href, ETag, iCalendar text) of each event of `hrefs` still there, in one
        calendar-multiget."""
        if not hrefs:
            return []
        wanted = "".join(f"<d:href>{escape(urlsplit(h).path)}</d:href>" for h in hrefs)
        body = (
            '<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
            f"<d:prop><d:getetag/><c:calendar-data/></d:prop>{wanted}</c:calendar-multiget>"
        )
        status, final, root = self._send("REPORT", calendar, body, None)
        if root is None:
            raise self._gone_or_odd(calendar, status, "calendar-multiget")
        found = []
        for url, props, code in self._responses(root, final):
            data = _text(props.get(_q(CALDAV, "calendar-data")))
            if code == 200 and data:
                found.append((url, _text(props.get(_q(DAV, "getetag"))), data))
        return found

    def _gone_or_odd(self, calendar: str, status: int, what: str) -> SyncFailed:
        if status in (404, 410):
            return SyncFailed(f"the calendar {shown(calendar)} is gone from the server")
        return SyncFailed(
            f"{shown(calendar)} did not answer the CalDAV {what} request (HTTP {status})"
        )


def _why(exc: BaseException) -> str:
    """Why a connection failed, in words (never the request, so never the password)."""
    if isinstance(exc, socket.gaierror):
        return "no such host"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, ConnectionResetError | http.client.RemoteDisconnected):
        return "the server closed the connection"
    return type(exc).__name__


def _status(line: str) -> int:
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None
