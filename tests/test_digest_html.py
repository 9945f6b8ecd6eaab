"""The digest's HTML is a whole standards-mode document: mail clients render a page
without `<!DOCTYPE html>` in quirks mode (odd spacing, tables that ignore styles)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from rapport.domain.digest import DigestContent, compose
from rapport.domain.records import AgendaEntry, AgendaReason, CommitmentOut

VOID = {"meta", "br", "hr", "img", "link", "input"}
DAY = dt.date(2026, 11, 23)


class Outline(HTMLParser):
    """The document's declarations, and its elements checked for balance."""

    def __init__(self) -> None:
        super().__init__()
        self.first: str | None = None
        self.open: list[str] = []
        self.seen: dict[str, dict[str, str | None]] = {}
        self.title = ""
        self.problems: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.first = self.first or decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.first = self.first or f"<{tag}>"
        self.seen.setdefault(tag, dict(attrs))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> does not close what is open")

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "title":
            self.title += data


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    parser.close()
    return parser


def content(**changes: object) -> DigestContent:
    reason = AgendaReason("promise", "promise:1", "you promised to <send> the deck", "Do it", 0.9)
    values: dict[str, object] = {
        "day": DAY,
        "name": "Sam",
        "base_url": "https://rapport.example.org",
        "entries": [AgendaEntry(1, 7, "Ana & Co", "Acme", "promise", [reason], "Do it", 0.9)],
        "total": 2,
        "milestones": [],
        "promises": [
            CommitmentOut(1, "me", "Ana", 7, "send the deck", DAY, "open", dt.datetime.now(), None)
        ],
        "drifting": [],
        "thanks_owed": 1,
    }
    values.update(changes)
    return DigestContent(**values)  # type: ignore[arg-type]


def test_the_digest_is_a_standards_mode_document() -> None:
    digest = compose(content())
    found = outline(digest.html)
    assert found.first is not None and found.first.lower() == "doctype html"
    assert found.seen["html"].get("lang") == "en"
    assert found.seen["meta"].get("charset") == "utf-8"
    assert found.title == digest.subject
    assert "head" in found.seen and "body" in found.seen


def test_the_digest_html_is_balanced_and_escaped() -> None:
    for c in (content(), content(entries=[], total=0, promises=[], thanks_owed=0)):
        found = outline(compose(c).html)
        assert found.problems == [] and found.open == []
    html = compose(content()).html
    assert "Ana &amp; Co" in html and "&lt;send&gt;" in html
