"""The journal of actions: each write one entry, undo puts back exactly what was
there, and refuses when a later action is in the way."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.errors import Conflict, NotFound
from rapport.services import (
    backup,
    bulk_edit,
    favours,
    imports,
    journal,
    merge,
    people,
    promises,
)
from tests.cli_runner import Cli
from tests.conftest import TODAY, OpenCtx
from tests.factories import make_interaction, make_person

SAMPLES = Path(__file__).parent / "samples"
VCARD = b"""BEGIN:VCARD\r
VERSION:3.0\r
FN:Vera Card\r
EMAIL:vera@example.org\r
ORG:Cardco\r
TITLE:Founder\r
CATEGORIES:friends\r
END:VCARD\r
"""


def snapshot(open_ctx: OpenCtx) -> dict[str, Any]:
    """The full JSON backup, without its export moment; search documents compared by
    content (an undo rebuilds them, under new row ids)."""
    with open_ctx(write=False) as ctx:
        out = io.StringIO()
        backup.export(ctx, out)
    data = json.loads(out.getvalue())
    data.pop("meta", None)
    tables = data["tables"]
    docs = tables.get("search_doc")
    if docs:
        docs["rows"] = sorted(row[2:] for row in docs["rows"])
    return data


def test_an_action_is_one_entry_named_in_words(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", emails=["ana@example.org"])
    with open_ctx() as ctx:
        make_interaction(ctx, [ana.id], summary="Coffee")
    with open_ctx(write=False) as ctx:
        entries = journal.history(ctx)
    assert [e.action for e in entries] == ["log", "add"]
    assert entries[0].summary == "Logged a meeting: Coffee"
    assert entries[0].changed == "1 interaction added, 1 person changed, 1 participant added"
    assert entries[1].changed == "1 person added, 1 email address added"


def test_a_read_or_an_empty_write_records_nothing(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ctx.journal("nothing", "changed nothing")
    with open_ctx(write=False) as ctx:
        assert journal.history(ctx) == []


def test_undo_puts_back_an_edit_and_a_deletion(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima", organization="Acme", tags=["vip"])
    before = snapshot(open_ctx)
    with open_ctx() as ctx:
        people.edit(ctx, ana.id, {"organization": "Globex", "title": "CTO", "tags": []})
    with open_ctx() as ctx:
        undone = journal.undo(ctx)
    assert undone.summary == "Undid #2: Edited Ana Lima"
    assert snapshot(open_ctx) == before
    with open_ctx(write=False) as ctx:
        assert people.show(ctx, ana.id).organization == "Acme"


def test_undoing_kept_reopens_the_promise(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx)
        promise = promises.promise(ctx, ana.id, "send the deck")
    with open_ctx() as ctx:
        promises.resolve(ctx, promise.id, "kept")
    with open_ctx() as ctx:
        journal.undo(ctx)
        assert promises.listing(ctx)[0].status == "open"
    with open_ctx() as ctx:
        promises.resolve(ctx, promise.id, "broken")
    with open_ctx() as ctx:
        reopened = promises.resolve(ctx, promise.id, "open")
    assert reopened.status == "open" and reopened.resolved_at is None


def test_undo_refuses_when_a_later_action_is_in_the_way(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx)
    with open_ctx() as ctx:
        make_interaction(ctx, [ana.id])
    with open_ctx() as ctx, pytest.raises(Conflict, match="undo #2 first"):
        journal.undo(ctx, 1)
    with open_ctx() as ctx:
        journal.undo(ctx)  # the conversation
    with open_ctx() as ctx:
        journal.undo(ctx)  # now Ana
    with open_ctx() as ctx, pytest.raises(Conflict, match="already undone"):
        journal.undo(ctx, 1)
    with open_ctx() as ctx, pytest.raises(Conflict, match="itself an undo"):
        journal.undo(ctx, 4)
    with open_ctx() as ctx, pytest.raises(NotFound, match="nothing to undo"):
        journal.undo(ctx)


def test_undo_refuses_when_something_refers_to_what_it_added(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx)
    with open_ctx() as ctx:
        promises.promise(ctx, ana.id, "call back")  # does not change Ana's row
    with open_ctx() as ctx, pytest.raises(Conflict, match="undo #2 first"):
        journal.undo(ctx, 1)


def test_an_import_is_one_entry_and_undone_whole(open_ctx: OpenCtx) -> None:
    with open_ctx() as ctx:
        make_person(ctx, "Ana Lima")
    before = snapshot(open_ctx)
    with open_ctx() as ctx:
        imports.run(ctx, SAMPLES / "linkedin-Connections.csv")
    with open_ctx(write=False) as ctx:
        entry = journal.history(ctx)[0]
    assert entry.action == "import" and "people added" in entry.changed
    with open_ctx() as ctx:
        journal.undo(ctx)
    assert snapshot(open_ctx) == before


# --- the property: any actions, all undone in reverse, leave the backup as it was -------

ACTIONS = (
    "add",
    "edit",
    "log",
    "promise-kept",
    "favour-thank",
    "archive",
    "bulk-tag",
    "merge",
    "vcard",
)


def _act(ctx: Any, action: str, n: int) -> None:
    everyone = [p.id for p in people.listing(ctx, limit=1000)[0]]
    some = everyone[n % len(everyone)] if everyone else None
    if action == "add" or some is None:
        make_person(ctx, f"Person {n}", emails=[f"p{n}@example.org"], tags=["new"])
    elif action == "edit":
        people.edit(ctx, some, {"title": f"Title {n}", "organization": f"Org {n % 3}"})
    elif action == "log":
        make_interaction(ctx, everyone[:2], summary=f"Talk {n}")
    elif action == "promise-kept":
        row = promises.promise(ctx, some, f"promise {n}")
        promises.resolve(ctx, row.id, "kept")
    elif action == "favour-thank":
        row = favours.record(ctx, some, "received", "advice")
        favours.thank(ctx, row.id)
    elif action == "archive":
        people.archive(ctx, some, archived=n % 2 == 0)
    elif action == "bulk-tag":
        bulk_edit.apply(ctx, everyone[:3], "tag", f"t{n % 2}")
    elif action == "merge" and len(everyone) >= 2:
        merge.merge(ctx, everyone[0], everyone[-1])
    elif action == "vcard":
        imports.run(ctx, VCARD.replace(b"Vera", f"Vera{n % 2}".encode()))


@settings(
    max_examples=10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 20)), max_size=6))
def test_undoing_every_action_in_reverse_restores_the_backup(
    open_ctx: OpenCtx, steps: list[tuple[str, int]]
) -> None:
    # each example starts where the last one ended, which is the property itself
    with open_ctx() as ctx:
        if not people.listing(ctx, limit=1)[0]:
            make_person(ctx, "Base One", organization="Acme", tags=["base"])
            make_person(ctx, "Base Two", emails=["two@example.org"])
    before = snapshot(open_ctx)
    done = 0
    for action, n in steps:
        with open_ctx() as ctx:
            _act(ctx, action, n)
        done += ctx.entry_id is not None
    for _ in range(done):
        with open_ctx() as ctx:
            journal.undo(ctx)
    assert snapshot(open_ctx) == before


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, TODAY.isoformat(), str(tmp_path))


def test_history_and_undo_from_the_command_line(cli: Cli) -> None:
    cli("person", "add", "Ana Lima")
    cli("promise", "Ana", "send the deck")
    cli("promises", "kept", "1")
    listed = cli("history", "--json").json()
    assert [e["action"] for e in listed] == ["kept", "promise", "add"]
    assert "Undid #3: Promise kept: send the deck" in cli("undo").stdout
    assert cli("promises", "list", "--json").json()[0]["status"] == "open"
    assert "Undid #2" in cli("undo", "2").stdout
    refused = cli("undo", "2", ok=False)
    assert refused.exit_code == 4 and "already undone" in refused.stderr
    assert "Undid #2" in cli("history", "--limit", "1").stdout
    made = str(cli("promise", "Ana", "call", "--json").json()["id"])
    cli("promises", "broken", made)
    assert cli("promises", "reopen", made, "--json").json()["status"] == "open"


def test_entries_are_dated_by_the_context(open_ctx: OpenCtx) -> None:
    with open_ctx(today=dt.date(2026, 1, 5)) as ctx:
        make_person(ctx)
    with open_ctx(write=False) as ctx:
        assert journal.history(ctx)[0].at.date() == dt.date(2026, 1, 5)
