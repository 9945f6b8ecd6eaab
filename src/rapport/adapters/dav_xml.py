"""WebDAV's XML for the CardDAV server: the request bodies read (PROPFIND, REPORT
addressbook-multiget and sync-collection) and the 207 Multi-Status written.
RFC 4918 (WebDAV), RFC 6352 (CardDAV), RFC 6578 (sync-collection). No HTTP here.

Bodies are small and hostile input: the caller caps their size (`MAX_XML_BYTES`),
and a body declaring a DTD or an entity is refused before parsing, so no entity
expansion (an XML bomb) or external entity ever happens (the standard library's
expat also caps amplification since 2.4.1)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from rapport.errors import Invalid

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
MAX_XML_BYTES = 1024 * 1024  # a multiget of 10,000 hrefs is under half of it
MAX_HREFS = 10_000
PREFIXES = {DAV: "d", CARDDAV: "card", CS: "cs"}

Prop = tuple[str, str]  # (namespace, local name)


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _split(tag: str) -> Prop:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def parse(body: bytes) -> ET.Element | None:
    """The root element of a request body (None when empty); Invalid when it is
    not XML, or declares a DTD or an entity."""
    if not body.strip():
        return None
    head = body[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in body.upper():
        raise Invalid("body", "DTDs and entities are not accepted")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise Invalid("body", f"not well-formed XML ({exc})") from exc


@dataclass
class PropRequest:
    """What a PROPFIND or REPORT asks for: every property (`allprop`), their names,
    or the properties listed; `version` is the vCard version address-data asks for."""

    props: list[Prop] = field(default_factory=list)
    allprop: bool = False
    propname: bool = False
    version: str | None = None


def _props(parent: ET.Element | None) -> PropRequest:
    found = PropRequest()
    if parent is None:
        found.allprop = True
        return found
    if parent.find(q(DAV, "allprop")) is not None:
        found.allprop = True
    if parent.find(q(DAV, "propname")) is not None:
        found.propname = True
    prop = parent.find(q(DAV, "prop"))
    if prop is not None:
        for child in prop:
            found.props.append(_split(child.tag))
            if child.tag == q(CARDDAV, "address-data"):
                # the version as an attribute (RFC 6352 10.4) or, as DAVx5 writes
                # it, on an address-data-type inside
                for element in (child, *child.iter(q(CARDDAV, "address-data-type"))):
                    version = element.get("version")
                    if version:
                        found.version = f"version={version}"
                    elif "version" in (element.get("content-type") or ""):
                        found.version = element.get("content-type")
    if not (found.props or found.allprop or found.propname):
        found.allprop = True
    return found


def propfind(body: bytes) -> PropRequest:
    root = parse(body)
    if root is not None and root.tag != q(DAV, "propfind"):
        raise Invalid("body", "a PROPFIND body is a DAV:propfind element")
    return _props(root)


@dataclass
class Report:
    """A REPORT: `kind` its element's local name, with what each kind carries."""

    kind: str
    ns: str
    request: PropRequest
    hrefs: list[str] = field(default_factory=list)  # addressbook-multiget
    sync_token: str | None = None  # sync-collection ("" or None: the first)
    sync_level: str = "1"


def report(body: bytes) -> Report:
    root = parse(body)
    if root is None:
        raise Invalid("body", "a REPORT needs a body")
    ns, kind = _split(root.tag)
    found = Report(kind=kind, ns=ns, request=_props(root))
    if kind == "addressbook-multiget":
        found.hrefs = [(h.text or "").strip() for h in root.iter(q(DAV, "href"))]
        if len(found.hrefs) > MAX_HREFS:
            raise Invalid("body", f"at most {MAX_HREFS} hrefs per multiget")
    elif kind == "sync-collection":
        token = root.find(q(DAV, "sync-token"))
        found.sync_token = (token.text or "").strip() if token is not None else None
        level = root.find(q(DAV, "sync-level"))
        found.sync_level = (level.text or "1").strip() if level is not None else "1"
    return found


# --- writing -------------------------------------------------------------------------------

PropValue = str | None  # XML already escaped (a fragment); None: not found (404)


def _tag(prop: Prop) -> str:
    ns, name = prop
    prefix = PREFIXES.get(ns)
    return f"{prefix}:{name}" if prefix else f'x:{name} xmlns:x="{escape(ns)}"'


def _close(prop: Prop) -> str:
    ns, name = prop
    prefix = PREFIXES.get(ns)
    return f"{prefix}:{name}" if prefix else f"x:{name}"


def response(href: str, found: dict[Prop, str], missing: list[Prop] | None = None) -> str:
    """One DAV:response: the properties found (values as XML fragments) with 200,
    those asked for and not found with 404."""
    parts = [f"<d:response><d:href>{escape(href)}</d:href>"]
    if found:
        props = "".join(
            f"<{_tag(p)}/>" if not value else f"<{_tag(p)}>{value}</{_close(p)}>"
            for p, value in found.items()
        )
        parts.append(f"<d:propstat><d:prop>{props}</d:prop>")
        parts.append("<d:status>HTTP/1.1 200 OK</d:status></d:propstat>")
    if missing:
        props = "".join(f"<{_tag(p)}/>" for p in missing)
        parts.append(f"<d:propstat><d:prop>{props}</d:prop>")
        parts.append("<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>")
    parts.append("</d:response>")
    return "".join(parts)


def status_response(href: str, status: str) -> str:
    """A DAV:response with a status only (a card deleted, a href not found)."""
    return (
        f"<d:response><d:href>{escape(href)}</d:href>"
        f"<d:status>HTTP/1.1 {status}</d:status></d:response>"
    )


def proppatch_props(body: bytes) -> list[Prop]:
    """The properties a PROPPATCH sets or removes."""
    root = parse(body)
    found: list[Prop] = []
    if root is not None:
        for prop in root.iter(q(DAV, "prop")):
            found.extend(_split(child.tag) for child in prop)
    return found


def refused(href: str, props: list[Prop]) -> str:
    """A DAV:response refusing to change `props` (403 each)."""
    names = "".join(f"<{_tag(p)}/>" for p in props)
    return (
        f"<d:response><d:href>{escape(href)}</d:href><d:propstat><d:prop>{names}</d:prop>"
        "<d:status>HTTP/1.1 403 Forbidden</d:status></d:propstat></d:response>"
    )


def multistatus(responses: list[str], sync_token: str | None = None) -> str:
    token = f"<d:sync-token>{escape(sync_token)}</d:sync-token>" if sync_token else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<d:multistatus xmlns:d="{DAV}" xmlns:card="{CARDDAV}" xmlns:cs="{CS}">'
        + "".join(responses)
        + token
        + "</d:multistatus>"
    )


def error(condition: Prop) -> str:
    """A DAV:error body naming a failed precondition (RFC 4918 16)."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<d:error xmlns:d="{DAV}" '
        f'xmlns:card="{CARDDAV}"><{_tag(condition)}/></d:error>'
    )


def href(path: str) -> str:
    return f"<d:href>{escape(path)}</d:href>"


def text(value: str) -> str:
    """`value` as XML character data; carriage returns as references, so a vCard's
    CRLF line ends survive the parser's end-of-line handling (XML 1.0 2.11)."""
    return escape(value).replace("\r", "&#13;")
