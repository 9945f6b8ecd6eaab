"""The CardDAV server (RFC 6352, with RFC 6578 sync-collection and RFC 6764
discovery): a thin shell over `services.carddav`, under /dav/.

    /.well-known/carddav            → 301 to /dav/
    /dav/                           the root: where the principal is
    /dav/principal/                 the signed-in account: its address book home
    /dav/addressbooks/              the home: one address book
    /dav/addressbooks/contacts/     the workspace's people as cards
    /dav/addressbooks/contacts/X    one card (GET, PUT, DELETE)

Authentication is HTTP Basic with the account's email and an API token as the
password (phones have no other way), or a bearer token; every request works in that
account's workspace. No cookie is read here, so the CSRF check does not apply
(web.csrf lets these methods through under /dav/).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from rapport.adapters import dav_xml as x
from rapport.adapters.dav_xml import CARDDAV, CS, DAV, Prop, PropRequest
from rapport.domain import carddav as rules
from rapport.domain.accounts import UserOut
from rapport.errors import (
    Conflict,
    Contradicts,
    Invalid,
    NotFound,
    PreconditionFailed,
    RapportError,
)
from rapport.services import carddav, tokens
from rapport.services.context import Ctx, Rapport
from rapport.web.deps import rapport_of

ROOT = "/dav/"
PRINCIPAL = "/dav/principal/"
HOME = "/dav/addressbooks/"
BOOK = "/dav/addressbooks/contacts/"
METHODS = ["OPTIONS", "PROPFIND", "PROPPATCH", "REPORT", "GET", "HEAD", "PUT", "DELETE"]
MAX_CARD_BYTES = 10 * 1024 * 1024  # a card with a large photo is a few hundred KB
REALM = 'Basic realm="Rapport CardDAV", charset="UTF-8"'
XML = "application/xml; charset=utf-8"
DAV_HEADER = "1, 3, addressbook"
VCARD_TYPES = ("text/vcard", "text/x-vcard", "text/directory")

router = APIRouter(include_in_schema=False)


class _Refused(Exception):
    """An answer other than 207/200, already decided."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _xml(body: str, status: int = 207, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=XML, headers=headers)


def _error(status: int, condition: Prop, message: str) -> Response:
    message_xml = f"<d:message>{x.text(message)}</d:message></d:error>"
    return _xml(x.error(condition).replace("</d:error>", message_xml), status)


def _unauthorized(why: str) -> Response:
    return PlainTextResponse(why, status_code=401, headers={"WWW-Authenticate": REALM})


def _user(request: Request) -> UserOut:
    """The account of the request's Basic (email, token) or Bearer credentials."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    app = rapport_of(request)
    if scheme.lower() == "bearer" and value.strip():
        user = tokens.authenticate(app, value.strip())
        if user is None:
            raise _Refused(_unauthorized("the API token is wrong or revoked"))
        return user
    if scheme.lower() != "basic":
        raise _Refused(_unauthorized("sign in with your email and an API token"))
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _Refused(_unauthorized("the Basic credentials are not readable")) from None
    email, _, secret = decoded.partition(":")
    user = tokens.authenticate(app, secret)
    if user is None or user.email.casefold() != email.strip().casefold():
        raise _Refused(_unauthorized("the email or the API token is wrong (or revoked)"))
    return user


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _Refused(PlainTextResponse("the request body is too large", status_code=413))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refused(PlainTextResponse("the request body is too large", status_code=413))
        chunks.append(chunk)
    return b"".join(chunks)


def _depth(request: Request) -> int:
    raw = (request.headers.get("depth") or "infinity").strip().lower()
    return 0 if raw == "0" else 1  # "infinity" is answered as 1: nothing is deeper here


def _card_name(path: str) -> str | None:
    """The card's name when `path` is one of the book's cards, else None."""
    if path.startswith(BOOK) and len(path) > len(BOOK) and "/" not in path[len(BOOK) :]:
        return unquote(path[len(BOOK) :])
    return None


def _normalized(path: str) -> str:
    """The request path, with a trailing slash for the collections."""
    if _card_name(path) is None and not path.endswith("/"):
        return path + "/"
    return path


# --- properties --------------------------------------------------------------------------

_PRIVILEGES = (
    "<d:privilege><d:read/></d:privilege><d:privilege><d:write/></d:privilege>"
    "<d:privilege><d:write-content/></d:privilege><d:privilege><d:bind/></d:privilege>"
    "<d:privilege><d:unbind/></d:privilege><d:privilege><d:read-current-user-privilege-set/>"
    "</d:privilege>"
)


def _common(user: UserOut) -> dict[Prop, str]:
    return {
        (DAV, "current-user-principal"): x.href(PRINCIPAL),
        (DAV, "owner"): x.href(PRINCIPAL),
        (DAV, "current-user-privilege-set"): _PRIVILEGES,
    }


def _collection_props(ctx: Ctx, path: str, user: UserOut) -> dict[Prop, str]:
    props = _common(user)
    if path == PRINCIPAL:
        props |= {
            (DAV, "resourcetype"): "<d:principal/>",
            (DAV, "displayname"): x.text(user.display_name or user.email),
            (DAV, "principal-URL"): x.href(PRINCIPAL),
            (CARDDAV, "addressbook-home-set"): x.href(HOME),
            (CARDDAV, "principal-address"): "",
        }
    elif path in (ROOT, HOME):
        props |= {
            (DAV, "resourcetype"): "<d:collection/>",
            (DAV, "displayname"): "Rapport" if path == ROOT else "Address books",
        }
        if path == ROOT:
            props[(DAV, "principal-URL")] = x.href(PRINCIPAL)
            props[(CARDDAV, "addressbook-home-set")] = x.href(HOME)
    elif path == BOOK:
        book = carddav.book(ctx)
        props |= {
            (DAV, "resourcetype"): "<d:collection/><card:addressbook/>",
            (DAV, "displayname"): x.text(carddav.DISPLAY_NAME),
            (CARDDAV, "addressbook-description"): "The people of your Rapport network",
            (CS, "getctag"): x.text(book.token),
            (DAV, "sync-token"): x.text(book.token),
            (DAV, "supported-report-set"): (
                "<d:supported-report><d:report><card:addressbook-multiget/></d:report>"
                "</d:supported-report><d:supported-report><d:report><d:sync-collection/>"
                "</d:report></d:supported-report>"
            ),
            (CARDDAV, "supported-address-data"): (
                '<card:address-data-type content-type="text/vcard" version="3.0"/>'
                '<card:address-data-type content-type="text/vcard" version="4.0"/>'
            ),
            (CARDDAV, "max-resource-size"): str(MAX_CARD_BYTES),
        }
    else:
        raise NotFound(f"nothing at {path}")
    return props


def _card_props(ref: rules.CardRef, size: int | None = None) -> dict[Prop, str]:
    props: dict[Prop, str] = {
        (DAV, "resourcetype"): "",
        (DAV, "getetag"): x.text(ref.etag),
        (DAV, "getcontenttype"): "text/vcard; charset=utf-8",
    }
    if size is not None:
        props[(DAV, "getcontentlength")] = str(size)
    return props


def _chosen(props: dict[Prop, str], asked: PropRequest) -> tuple[dict[Prop, str], list[Prop]]:
    if asked.propname:
        return dict.fromkeys(props, ""), []
    if asked.allprop:
        return props, [p for p in asked.props if p not in props]
    found = {p: props[p] for p in asked.props if p in props}
    return found, [p for p in asked.props if p not in props]


# --- the methods ----------------------------------------------------------------------------


def _propfind(ctx: Ctx, path: str, depth: int, asked: PropRequest, user: UserOut) -> Response:
    name = _card_name(path)
    responses: list[str] = []
    if name is not None:
        found = carddav.card(ctx, name, "4.0")
        ref = rules.CardRef(found.name, found.etag)
        props = _card_props(ref, len(found.text.encode("utf-8")))
        if (CARDDAV, "address-data") in asked.props:
            version = rules.negotiated_version(asked.version)
            text = found.text if version == "4.0" else carddav.card(ctx, name, version).text
            props[(CARDDAV, "address-data")] = x.text(text)
        responses.append(x.response(path, *_chosen(props, asked)))
        return _xml(x.multistatus(responses))
    responses.append(x.response(path, *_chosen(_collection_props(ctx, path, user), asked)))
    if depth == 1:
        if path == ROOT:
            for child in (PRINCIPAL, HOME):
                props = _collection_props(ctx, child, user)
                responses.append(x.response(child, *_chosen(props, asked)))
        elif path == HOME:
            responses.append(x.response(BOOK, *_chosen(_collection_props(ctx, BOOK, user), asked)))
        elif path == BOOK:
            for ref in carddav.listing(ctx):
                href = BOOK + quote(ref.name)
                responses.append(x.response(href, *_chosen(_card_props(ref), asked)))
    return _xml(x.multistatus(responses))


def _report(ctx: Ctx, path: str, report: x.Report) -> Response:
    if path != BOOK:
        return _error(403, (DAV, "supported-report"), "REPORTs are asked of the address book")
    asked = report.request
    version = rules.negotiated_version(asked.version)
    with_data = (CARDDAV, "address-data") in asked.props
    responses: list[str] = []
    if report.kind == "addressbook-multiget":
        names: dict[str, str] = {}
        for href in report.hrefs:
            name = _card_name(urlsplit(href).path)
            names[href] = name or ""
        found = carddav.cards(ctx, [n for n in names.values() if n], version)
        for href, name in names.items():
            card = found.get(name)
            if card is None:
                responses.append(x.status_response(href, "404 Not Found"))
                continue
            props = _card_props(rules.CardRef(card.name, card.etag))
            props[(CARDDAV, "address-data")] = x.text(card.text)
            responses.append(x.response(href, *_chosen(props, asked)))
        return _xml(x.multistatus(responses))
    if report.kind == "sync-collection":
        changes = carddav.changes_since(ctx, report.sync_token or None)
        texts = carddav.cards(ctx, [c.name for c in changes.changed], version) if with_data else {}
        for ref in changes.changed:
            props = _card_props(ref)
            if ref.name in texts:
                props[(CARDDAV, "address-data")] = x.text(texts[ref.name].text)
            responses.append(x.response(BOOK + quote(ref.name), *_chosen(props, asked)))
        for name in changes.deleted:
            responses.append(x.status_response(BOOK + quote(name), "404 Not Found"))
        return _xml(x.multistatus(responses, changes.token))
    return _error(403, (DAV, "supported-report"), f"the {report.kind} report is not supported")


def _proppatch(path: str, body: bytes) -> Response:
    """Nothing here is changed by PROPPATCH: every property is refused (403)."""
    return _xml(x.multistatus([x.refused(path, x.proppatch_props(body))]))


def _get(ctx: Ctx, path: str, accept: str | None, head: bool) -> Response:
    name = _card_name(path)
    if name is None:
        if path in (ROOT, PRINCIPAL, HOME, BOOK):
            return PlainTextResponse("Rapport's CardDAV address book: add it to a phone.\n")
        raise NotFound(f"nothing at {path}")
    version = rules.negotiated_version(accept)
    card = carddav.card(ctx, name, version)
    return Response(
        b"" if head else card.text.encode("utf-8"),
        media_type=f"text/vcard; charset=utf-8; version={version}",
        headers={"ETag": card.etag},
    )


def _put(ctx: Ctx, path: str, request: Request, body: bytes) -> Response:
    name = _card_name(path)
    if name is None:
        return PlainTextResponse("cards are put in the address book", status_code=405)
    kind = (request.headers.get("content-type") or "text/vcard").split(";")[0].strip().lower()
    if kind not in VCARD_TYPES:
        return _error(415, (CARDDAV, "supported-address-data"), "send a text/vcard")
    result = carddav.put(
        ctx, name, body,
        if_match=request.headers.get("if-match"),
        if_none_match=request.headers.get("if-none-match"),
    )  # fmt: skip
    headers = {"ETag": result.etag} if result.verbatim else {}
    return Response(status_code=201 if result.created else 204, headers=headers)


def _delete(ctx: Ctx, path: str, request: Request) -> Response:
    name = _card_name(path)
    if name is None:
        return PlainTextResponse("only cards are deleted", status_code=403)
    carddav.delete(ctx, name, if_match=request.headers.get("if-match"))
    return Response(status_code=204)


def _mapped(exc: RapportError) -> Response:
    """The error tree as WebDAV answers it."""
    if isinstance(exc, PreconditionFailed):
        if exc.condition == "valid-sync-token":
            return _error(403, (DAV, "valid-sync-token"), exc.message)
        return PlainTextResponse(exc.message, status_code=412)
    if isinstance(exc, NotFound):
        return PlainTextResponse(exc.message, status_code=404)
    if isinstance(exc, Conflict) and exc.message.startswith("no-uid-conflict"):
        return _error(409, (CARDDAV, "no-uid-conflict"), exc.message)
    if isinstance(exc, Conflict | Contradicts):
        return PlainTextResponse(exc.message, status_code=409)
    if isinstance(exc, Invalid) and exc.field == "card":
        return _error(403, (CARDDAV, "valid-address-data"), exc.message)
    if isinstance(exc, Invalid):
        return PlainTextResponse(exc.message, status_code=400)
    return PlainTextResponse(exc.message, status_code=exc.http_status)


def _options() -> Response:
    return Response(status_code=200, headers={"DAV": DAV_HEADER, "Allow": ", ".join(METHODS)})


def _serve(app: Rapport, user: UserOut, today: Any, work: Callable[[Ctx], Response]) -> Response:
    """`work` in one writing transaction of the user's workspace (reading the book
    first brings its cards in step with the people, which writes)."""
    try:
        with app.open(
            write=True, today=today, workspace_id=user.workspace_id, user_id=user.id
        ) as ctx:
            return work(ctx)
    except RapportError as exc:
        return _mapped(exc)


@router.api_route("/.well-known/carddav", methods=METHODS)
async def well_known() -> Response:
    """RFC 6764 §5: the well-known URI points at the root."""
    return Response(status_code=301, headers={"Location": ROOT})


@router.api_route("/dav", methods=METHODS)
@router.api_route("/dav/{rest:path}", methods=METHODS)
async def dav(request: Request) -> Response:
    method = request.method
    if method == "OPTIONS":
        return _options()
    try:
        user = await run_in_threadpool(_user, request)
        path = _normalized(request.url.path)
        limit = MAX_CARD_BYTES if method == "PUT" else x.MAX_XML_BYTES
        body = await _body(request, limit)
    except _Refused as refused:
        return refused.response
    app = rapport_of(request)
    today = request.app.state.today
    depth = _depth(request)
    try:
        if method == "PROPFIND":
            asked = x.propfind(body)

            def work(ctx: Ctx) -> Response:
                return _propfind(ctx, path, depth, asked, user)

        elif method == "REPORT":
            report = x.report(body)

            def work(ctx: Ctx) -> Response:
                return _report(ctx, path, report)

        elif method == "PROPPATCH":
            return _proppatch(path, body)
        elif method in ("GET", "HEAD"):
            accept = request.headers.get("accept")

            def work(ctx: Ctx) -> Response:
                return _get(ctx, path, accept, method == "HEAD")

        elif method == "PUT":

            def work(ctx: Ctx) -> Response:
                return _put(ctx, path, request, body)

        else:  # DELETE

            def work(ctx: Ctx) -> Response:
                return _delete(ctx, path, request)

    except RapportError as exc:
        return _mapped(exc)
    return await run_in_threadpool(_serve, app, user, today, work)


def url(base: str) -> str:
    """The address to give a phone, from the server's base URL."""
    return base.rstrip("/") + ROOT
