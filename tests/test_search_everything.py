"""Search over every record (issue 19, part 1): promises, favours, feedback, events
and who was met there, mentorships, milestones, past roles; one tokenisation on both
backends (plurals, accents, unspaced scripts); filters, order, "did you mean"."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from rapport.errors import Invalid
from rapport.services import events, favours, mentoring, milestones, promises, search
from rapport.services import journal as journal_service
from rapport.services.context import Rapport
from rapport.settings import Settings
from rapport.storage import search as storage
from rapport.storage.schema import SearchDoc, Workspace
from tests.conftest import TODAY
from tests.factories import make_interaction, make_person


def _found(ctx, query: str, **options) -> list[tuple[str, str]]:
    return [(h.kind, h.title) for h in search.answer(ctx, query, **options).results]


def _network(ctx):
    ana = make_person(ctx, "Ana Lima", organization="Acme", types=["client"], tags=["angel"])
    bruce = make_person(ctx, "李小龙", organization="Globex")
    bruno = make_person(ctx, "Bruno Souza", organization="Initech")
    summit = events.create(ctx, "WebSummit 2025", TODAY - dt.timedelta(days=30), place="Lisbon")
    events.met(ctx, summit.id, ana.id, note="Building voice agents for call centres")
    promises.promise(ctx, bruno.id, "Send the pilots report", due_on=TODAY)
    favours.record(ctx, bruno.id, "given", "intro", note="Introduced him to a tech lead")
    mentoring.record_feedback(ctx, None, "Your demos run long; cut the preamble")
    mentoring.start_mentorship(ctx, bruce.id, "mentee", goals="Become a staff engineer")
    milestones.add(ctx, bruno.id, "custom", 3, 14, label="Company anniversary")
    return ana, bruce, bruno, summit


def test_every_kind_of_record_is_found_and_says_where_it_lives(ctx) -> None:
    ana, _bruce, bruno, summit = _network(ctx)
    hits = {(h.kind, h.title): h for h in search.answer(ctx, "websummit").results}
    assert hits[("event", "WebSummit 2025")].href == f"/events/{summit.id}"
    assert hits[("person", "Ana Lima")].href == f"/people/{ana.id}"  # met there
    assert ("person", "Ana Lima") in _found(ctx, "voice agents")  # the met note
    assert ("event", "WebSummit 2025") in _found(ctx, "voice agents")
    assert ("favour", "Introduced him to a tech lead") in _found(ctx, "tech lead")
    promise = search.answer(ctx, "pilot report").results
    assert [(h.kind, h.title, h.href) for h in promise] == [
        ("promise", "Send the pilots report", f"/people/{bruno.id}")
    ]
    assert _found(ctx, "preamble") == [("feedback", "Your demos run long; cut the preamble")]
    assert _found(ctx, "staff engineer") == [("mentorship", "Become a staff engineer")]
    assert _found(ctx, "anniversary") == [("milestone", "Company anniversary")]
    assert ("event", "WebSummit 2025") in _found(ctx, "lisbon")


def test_results_are_grouped_by_kind(ctx) -> None:
    bruno = make_person(ctx, "Bruno Pilot")
    promises.promise(ctx, bruno.id, "Pilot plan")
    make_interaction(ctx, [bruno.id], on=TODAY, summary="Pilot kickoff")
    kinds = [k for k, _ in _found(ctx, "pilot")]
    assert kinds == ["person", "interaction", "promise"]


def test_edits_and_undo_keep_the_documents_current(open_ctx) -> None:
    with open_ctx() as ctx:
        bruno = make_person(ctx, "Bruno Souza")
    with open_ctx() as ctx:
        out = promises.promise(ctx, bruno.id, "Send the quarterly numbers")
    with open_ctx() as ctx:
        assert _found(ctx, "quarterly") == [("promise", "Send the quarterly numbers")]
    with open_ctx() as ctx:
        promises.resolve(ctx, out.id, "kept")
    with open_ctx() as ctx:
        assert "(kept)" in search.answer(ctx, "quarterly").results[0].detail
        journal_service.undo(ctx)  # the resolution
    with open_ctx() as ctx:
        assert "(kept)" not in search.answer(ctx, "quarterly").results[0].detail
        journal_service.undo(ctx)  # the promise
    with open_ctx() as ctx:
        assert _found(ctx, "quarterly") == []
        assert ctx.session.scalar(select(SearchDoc).where(SearchDoc.kind == "promise")) is None


def test_event_renamed_renames_what_its_people_are_found_by(open_ctx) -> None:
    with open_ctx() as ctx:
        ana = make_person(ctx, "Ana Lima")
        summit = events.create(ctx, "Pitch Night", TODAY)
        events.met(ctx, summit.id, ana.id, note="loves sailing")
    with open_ctx() as ctx:
        assert ("person", "Ana Lima") in _found(ctx, "pitch night")
        assert ("person", "Ana Lima") in _found(ctx, "sailing")


def test_plurals_accents_and_unspaced_scripts(ctx) -> None:
    make_person(ctx, "Bruno Souza", notes="Runs three pilots with utilities companies")
    make_person(ctx, "李小龙")
    make_person(ctx, "Zoë Müller")
    for query in ("pilot", "pilots", "PILOTS", "utility", "company"):
        assert _found(ctx, query) == [("person", "Bruno Souza")], query
    for query in ("小龙", "李小", "李小龙", "龙", "李"):
        assert _found(ctx, query) == [("person", "李小龙")], query
    assert _found(ctx, "龍") == []  # another character
    assert _found(ctx, "zoe muller") == [("person", "Zoë Müller")]


def test_tokens_and_query_terms() -> None:
    assert storage.tokens("李小龙 and Ana's pilots") == [
        "李小",
        "小龙",
        "龙",
        "and",
        "ana",
        "s",
        "pilot",
    ]
    assert storage.query_terms("李小龙") == ["李小", "小龙"]
    assert storage.query_terms("龙") == ["龙"]
    assert storage.query_terms("business status analysis") == ["business", "status", "analysis"]
    assert storage.query_terms("snake_case") == ["snake", "case"]


def test_filters(ctx) -> None:
    _network(ctx)
    make_person(ctx, "Ana Costa", organization="Globex")
    assert _found(ctx, "ana type:client") == [("person", "Ana Lima")]
    assert _found(ctx, "ana org:acme") == [("person", "Ana Lima"), ("organization", "Acme")][:1]
    assert _found(ctx, "ana tag:ANGEL") == [("person", "Ana Lima")]
    assert ("person", "Ana Lima") in _found(ctx, "met:websummit")
    assert ("person", "Ana Costa") not in _found(ctx, "ana met:websummit")
    assert _found(ctx, "kind:promise") == [("promise", "Send the pilots report")]
    assert _found(ctx, "report kind:favour") == []
    assert _found(ctx, "pilots", kinds=["promise"]) == [("promise", "Send the pilots report")]
    future = (TODAY + dt.timedelta(days=400)).isoformat()[:7]
    assert _found(ctx, f"ana since:{future}") == []
    assert ("person", "Ana Lima") in _found(ctx, f"ana since:{TODAY.year - 1}")
    assert _found(ctx, 'org:"acme" ana') == [("person", "Ana Lima")]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("ana colour:red", "unknown filter colour:"),
        ("kind:unicorn", "unknown kind 'unicorn'"),
        ("since:yesterday", "since:yesterday is not a date"),
        ("since:2025-13", "since:2025-13 is not a date"),
        ("type:", "the filter type: needs a value"),
    ],
)
def test_a_bad_filter_is_one_clear_line(ctx, query: str, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        search.answer(ctx, query)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_newest_first(ctx) -> None:
    ana = make_person(ctx, "Ana Lima")
    make_interaction(ctx, [ana.id], on=TODAY - dt.timedelta(days=90), summary="Budget talk one")
    make_interaction(ctx, [ana.id], on=TODAY - dt.timedelta(days=3), summary="Budget talk two")
    newest = [t for k, t in _found(ctx, "budget", sort="newest")]
    assert newest == ["Budget talk two", "Budget talk one"]
    with pytest.raises(Invalid, match="relevance or newest"):
        search.answer(ctx, "budget", sort="oldest")


def test_did_you_mean_a_name(ctx) -> None:
    make_person(ctx, "Bruno Souza")
    found = search.answer(ctx, "Bruno Suoza")
    assert found.results == [] and found.did_you_mean == "Bruno Souza"
    assert search.answer(ctx, "zzzz qqqq").did_you_mean is None
    assert search.answer(ctx, "bruno").did_you_mean is None  # found: nothing to suggest


def test_marks_highlight_the_matching_words() -> None:
    terms = storage.query_terms("pilot 小龙")
    pieces = search.marks("Send <b>pilots</b> to 李小龙", terms)
    assert [p for p, hit in pieces if hit] == ["pilots", "李小龙"]


def test_reindex_rebuilds_every_document(ctx) -> None:
    _network(ctx)
    ctx.session.flush()
    search.answer(ctx, "x")  # brings the documents current
    before = sorted(ctx.session.execute(select(SearchDoc.kind, SearchDoc.ref_id, SearchDoc.title,
                                               SearchDoc.body)).all())  # fmt: skip
    storage.remove_workspace(ctx.session, ctx.workspace_id)
    counts = search.reindex(ctx)
    after = sorted(ctx.session.execute(select(SearchDoc.kind, SearchDoc.ref_id, SearchDoc.title,
                                              SearchDoc.body)).all())  # fmt: skip
    assert after == before
    assert counts["promise"] == 1 and counts["event"] == 1 and counts["person"] == 3


# --- the two backends agree ------------------------------------------------------------

WORDS = ["pilot", "pilots", "Pilot's", "café", "CAFE", "naïve", "utilities", "utility",
         "status", "李小龙", "小龙", "東京都", "ข้าวผัด", "rock_n_roll", "e-mail", "2025",
         "B2B", "Straße", "résumé", "analysis", "companies", "ano", "año"]  # fmt: skip


@pytest.fixture
def both(sqlite_template: Path, postgres_url: str, tmp_path: Path):
    path = tmp_path / "agree.db"
    shutil.copy(sqlite_template, path)
    apps = [
        Rapport(Settings(database_url=f"sqlite:///{path}", data_dir=tmp_path)),
        Rapport(Settings(database_url=postgres_url, data_dir=tmp_path)),
    ]
    contexts = [a.open(write=True) for a in apps]
    ctxs = [c.__enter__() for c in contexts]
    yield ctxs
    for c in contexts:
        with contextlib.suppress(ValueError):
            c.__exit__(ValueError, ValueError("rolled back"), None)
    for a in apps:
        a.dispose()


@pytest.mark.postgres
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(WORDS) | st.text(min_size=1, max_size=8), max_size=6).map(
            " ".join
        ),
        min_size=1,
        max_size=8,
    ),
    query=st.lists(
        st.sampled_from(WORDS) | st.text(min_size=1, max_size=4), min_size=1, max_size=3
    ).map(" ".join),
)
def test_sqlite_and_postgresql_find_the_same_documents(both, texts: list[str], query: str) -> None:
    answers = []
    for ctx in both:
        ws = ctx.session.scalar(select(Workspace.id))
        storage.remove_workspace(ctx.session, ws)
        ctx.session.flush()
        storage.put_many(
            ctx.session,
            ws,
            [("interaction", i + 1, storage.index_text(t), "") for i, t in enumerate(texts)],
        )
        hits = storage.find(ctx.session, ws, query, limit=100)
        answers.append(sorted(h.ref_id for h in hits))
    assert answers[0] == answers[1], (texts, query)


def test_an_older_database_is_reindexed_when_first_opened(database_url: str, tmp_path) -> None:
    """A database from before migration 0015 has its documents rebuilt once, when
    opened: its promises become searchable without a `rapport reindex`."""
    first = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    with first.open(write=True) as ctx:
        bruno = make_person(ctx, "Bruno Souza")
        promises.promise(ctx, bruno.id, "Send the quarterly numbers")
    with first.engine.begin() as conn:
        conn.execute(text("DELETE FROM search_doc WHERE kind = 'promise'"))
        conn.execute(text("DROP TABLE person_vector"))  # as it was before 0016
        conn.execute(text("UPDATE alembic_version SET version_num = '0014'"))
    first.dispose()
    again = Rapport(Settings(database_url=database_url, data_dir=tmp_path))
    with again.open() as ctx:
        assert _found(ctx, "quarterly") == [("promise", "Send the quarterly numbers")]
    again.dispose()
