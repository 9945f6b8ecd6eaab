"""An organisation's industry, website and notes corrected, on SQLite and
PostgreSQL: what is given changes, "" clears, the rest stays; a website gets
https://; bad values are refused whole; the edit is found by search and undone."""

from __future__ import annotations

import pytest

from rapport.errors import Invalid, NotFound
from rapport.services import journal, organizations, search
from rapport.services.organizations import OrganizationDetails
from tests.conftest import OpenCtx
from tests.factories import make_person


def test_details_are_set_cleared_and_kept(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima", organization="Acme")
        shown = organizations.edit(ctx, "acme", OrganizationDetails("Fintech", "acme.com", "HQ"))
    assert (shown.organization.industry, shown.organization.website, shown.notes) == (
        "Fintech", "https://acme.com", "HQ",
    )  # fmt: skip
    with open_ctx() as ctx:
        again = organizations.edit(
            ctx, "acme", OrganizationDetails(industry="  Banking ", notes="")
        )
        found = {h.title for h in search.find(ctx, "banking") if h.kind == "organization"}
    assert (again.organization.industry, again.organization.website, again.notes) == (
        "Banking", "https://acme.com", None,
    )  # fmt: skip
    assert found == {"Acme"}
    assert [m.name for m in again.now] == ["Ana Lima"]


def test_bad_values_are_refused_and_nothing_changes(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima", organization="Acme")
        organizations.edit(ctx, "acme", OrganizationDetails(industry="Fintech"))
    for details, field in (
        (OrganizationDetails(industry="Banking", website="not a site"), "website"),
        (OrganizationDetails(industry="x" * 201), "industry"),
        (OrganizationDetails(notes="a\x00b"), "notes"),
    ):
        with pytest.raises(Invalid) as refused, open_ctx() as ctx:
            organizations.edit(ctx, "acme", details)
        assert refused.value.field == field
    with open_ctx(write=False) as ctx:
        assert organizations.profile(ctx, "acme").organization.industry == "Fintech"
        with pytest.raises(NotFound):
            organizations.edit(ctx, "Initech", OrganizationDetails(industry="x"))


def test_an_edit_is_one_journal_entry_that_undo_takes_back(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima", organization="Acme")
    with open_ctx() as ctx:
        organizations.edit(ctx, "acme", OrganizationDetails("Fintech", "acme.com"))
    with open_ctx() as ctx:
        assert journal.history(ctx, limit=1)[0].summary == "Edited Acme: industry, website"
        journal.undo(ctx)
    with open_ctx(write=False) as ctx:
        o = organizations.profile(ctx, "acme").organization
        assert (o.industry, o.website) == (None, None)
    with open_ctx() as ctx:  # nothing new: nothing journaled
        before = len(journal.history(ctx, limit=50))
        organizations.edit(ctx, "acme", OrganizationDetails(industry=None))
    with open_ctx(write=False) as ctx:
        assert len(journal.history(ctx, limit=50)) == before
