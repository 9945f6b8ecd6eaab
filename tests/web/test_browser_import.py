"""The import page in Chromium, over the demo network: a CSV's columns mapped on the
preview of its first rows, then imported; a dry run that shows its counts and saves
nothing, then the real import without choosing the file again; a broken file's
message in the result area (htmx swaps this form's refusals)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.test_browser import (
    SIZES,
    Live,
    _page,
    _shoot,
    _sign_in,
    browser,
    live_on_each_backend,
)

__all__ = ["browser"]  # Chromium, launched once for the module


live = live_on_each_backend()


pytestmark = pytest.mark.browser

CRM = (
    "Kontakt;E-Mail-Adresse;Firma;Position;Telefon\n"
    "Ingrid Solberg;ingrid@fjord.example;Fjord Analytics;Head of Data;+47 22 11 22 33\n"
    "Mateus Pereira;mateus@lisboa.example;;Consultant;\n"
)
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Noor Haddad\r\nEMAIL:noor@cedar.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kenji Watanabe\r\nEMAIL:kenji@sakura.example\r\nEND:VCARD\r\n"
)


def _open_import(browser: Any, live: Live) -> Any:
    page = _page(browser, live, "desktop")
    _sign_in(page, live)
    page.goto(live.url + "/io")
    return page


def _found(page: Any, live: Live, name: str) -> bool:
    page.goto(live.url + "/search?q=" + name.replace(" ", "+"))
    return page.locator("main a", has_text=name).count() > 0


def _refusals_only(problems: list[str]) -> list[str]:
    """The console's problems but Chromium's own note of a refused request (the form's
    4xx answers, which the page shows as messages)."""
    return [p for p in problems if "the server responded with a status of 4" not in p]


def test_map_a_csvs_columns_from_the_preview_and_import(
    browser: Any, live: Live, tmp_path: Path
) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text(CRM, encoding="utf-8")
    page = _open_import(browser, live)
    page.set_input_files("input[name=file]", str(crm))
    page.click("#import-form button:has-text('Import')")
    page.wait_for_selector("#mapping-form")
    table = page.locator("#mapping-form table")
    assert table.locator("tbody tr").count() == 2
    assert "Ingrid Solberg" in table.inner_text()
    assert page.locator("select[aria-label='Column Position holds']").input_value() == "title"
    page.select_option("select[aria-label='Column Kontakt holds']", "name")
    page.select_option("select[aria-label='Column E-Mail-Adresse holds']", "email")
    page.select_option("select[aria-label='Column Firma holds']", "organization")
    _shoot(page, live, "import-mapping", "desktop")
    page.set_viewport_size(SIZES["phone"])  # the table scrolls inside its card, not the page
    _shoot(page, live, "import-mapping", "phone")
    page.set_viewport_size(SIZES["desktop"])
    page.click("#mapping-form button:has-text('Import with these columns')")
    summary = page.wait_for_selector("#import-result .import-summary")
    assert "Imported crm.csv" in summary.inner_text()
    assert "2 people added" in summary.inner_text()
    assert _found(page, live, "Ingrid Solberg") and _found(page, live, "Mateus Pereira")
    page.context.close()
    assert not live.problems, live.problems


def test_a_dry_run_shows_counts_and_saves_nothing(browser: Any, live: Live, tmp_path: Path) -> None:
    card = tmp_path / "new-contacts.vcf"
    card.write_text(VCARD, encoding="utf-8")
    page = _open_import(browser, live)
    page.set_input_files("input[name=file]", str(card))
    page.check("input[name=dry_run]")
    page.click("#import-form button:has-text('Import')")
    summary = page.wait_for_selector("#import-result .import-summary")
    text = summary.inner_text()
    assert "Preview of new-contacts.vcf" in text and "Nothing was saved" in text
    assert "2 people would be added" in text
    _shoot(page, live, "import-dry-run", "desktop")
    assert not _found(page, live, "Noor Haddad")
    # the preview's own button imports the file held for it: no second pick
    page.goto(live.url + "/io")
    page.set_input_files("input[name=file]", str(card))
    page.check("input[name=dry_run]")
    page.click("#import-form button:has-text('Import')")
    page.click("#import-result button:has-text('Import new-contacts.vcf')")
    page.wait_for_selector("#import-result .import-summary:has-text('Imported new-contacts.vcf')")
    assert "2 people added" in page.locator("#import-result").inner_text()
    assert _found(page, live, "Noor Haddad") and _found(page, live, "Kenji Watanabe")
    page.context.close()
    assert not live.problems, live.problems


def test_a_broken_file_shows_its_message(browser: Any, live: Live, tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 40)
    page = _open_import(browser, live)
    page.set_input_files("input[name=file]", str(photo))
    page.click("#import-form button:has-text('Import')")
    error = page.wait_for_selector("#import-result .flash-error")
    assert error.inner_text().startswith("Nothing was imported from photo.jpg: binary data")
    # a bad row under "stop at the first bad row": the line, and the box still ticked
    rows = tmp_path / "people.csv"
    rows.write_text("name,email\nAna Souza,ana@x.example\nBo,bo@x.example,extra\n", "utf-8")
    page.set_input_files("input[name=file]", str(rows))
    page.check("input[name=strict]")
    page.click("#import-form button:has-text('Import')")
    page.wait_for_selector("#mapping-form")
    page.click("#mapping-form button:has-text('Import with these columns')")
    page.wait_for_selector("#import-result .flash-error:has-text('line 3')")
    message = page.locator("#import-result .flash-error").inner_text()
    assert message == (
        "Nothing was imported from people.csv: line 3: 3 fields where the header has 2 "
        "(stopped at the first bad row: nothing imported)"
    )
    assert page.locator("#mapping-form").count() == 1  # the columns stay as chosen
    assert page.is_checked("input[name=strict]")
    _shoot(page, live, "import-refused", "desktop")
    page.context.close()
    assert not _refusals_only(live.problems), live.problems
