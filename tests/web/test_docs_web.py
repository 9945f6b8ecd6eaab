"""The web's docs kept honest: docs/api.md is generated and current, docs/web.md names
every page, and the vendored htmx is the file its notes describe."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rapport.web import api_docs, pages
from rapport.web.templating import HERE, HTMX
from tests.web.conftest import all_routes

ROOT = Path(__file__).resolve().parents[2]


def test_api_reference_is_current() -> None:
    current = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert current == api_docs.render(), (
        "docs/api.md is out of date: run `python -m rapport.web.api_docs > docs/api.md`"
    )


def test_every_page_is_in_the_web_docs() -> None:
    text = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    pages_shown = {
        path
        for method, path in all_routes([pages.private, pages.public])
        if method == "GET"
        and path not in ("/command", "/agenda/draft")
        and not path.startswith("/io/export")
        and "{secret}" not in path
    }
    missing = sorted(p for p in pages_shown if f"`{p.split('{')[0].rstrip('/')}" not in text)
    assert not missing, f"pages missing from docs/web.md: {missing}"


def test_vendored_htmx_is_pinned_with_its_license() -> None:
    static = HERE / "static"
    script = static / HTMX
    notes = (static / "VENDORED.md").read_text(encoding="utf-8")
    version = re.search(r"htmx-(\d+\.\d+\.\d+)\.min\.js", HTMX)
    assert version
    assert (static / f"htmx-{version.group(1)}.LICENSE").is_file()
    assert hashlib.sha256(script.read_bytes()).hexdigest() in notes
    base = (HERE / "templates" / "base.html").read_text(encoding="utf-8")
    assert "/static/{{ htmx }}" in base
    assert "http" not in re.sub(
        r"https?://(localhost|127\.0\.0\.1)",
        "",
        "".join(re.findall(r'(?:src|href)="([^"]+)"', base)),
    )
