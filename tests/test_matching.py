"""Duplicate scoring that knows names: nicknames, CJK spacing, transliteration,
similar spellings, each score explained; symmetric whatever the order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.matching import MatchFacts, compare
from rapport.domain.names import compact, fold, latin
from rapport.domain.nicknames import relation


def _pair(a: str, b: str) -> tuple[int, tuple[str, ...]] | None:
    found = compare(MatchFacts(1, a), MatchFacts(2, b))
    return (found.score, found.reasons) if found else None


def test_nicknames_are_explained() -> None:
    assert _pair("Kate Smith", "Katherine Smith") == (
        82, ("Kate is short for Katherine", "same family name Smith"),
    )  # fmt: skip
    assert _pair("Robert Jones", "Bob Jones") == (
        82, ("Bob is short for Robert", "same family name Jones"),
    )  # fmt: skip
    assert relation("bill", "william") == "Bill is short for William"
    assert _pair("Kate Smith", "Katherine Jones") is None  # another family


def test_spacing_spelling_and_alphabets() -> None:
    assert _pair("李小龙", "李 小龙") == (84, ("same name written with and without spaces",))
    assert _pair("李小龙", "李晓龙") is None  # both 'Li Xiaolong' in Latin letters, not one name
    assert _pair("Jörg Weber", "Joerg Weber") == (
        84, ("same name spelled two ways (Joerg Weber / Jörg Weber)",),
    )  # fmt: skip
    assert _pair("Иван Петров", "Ivan Petrov") is not None
    assert latin("Łukasz") == {"lukasz"} and latin("Jörg") == {"jorg", "joerg"}


def test_other_organizations_and_emails_lower_a_name() -> None:
    a = MatchFacts(1, "John Smith", 1, "Acme", frozenset({"john@acme.com"}))
    b = MatchFacts(2, "John Smith", 2, "Initech", frozenset({"js@initech.com"}))
    found = compare(a, b)
    assert found is not None and found.score < 80
    assert found.reasons == (
        "same name", "but at different organizations (Acme, Initech)", "different emails",
    )  # fmt: skip
    shared = compare(a, MatchFacts(3, "J. Smith", None, None, frozenset({"john@acme.com"})))
    assert shared is not None and shared.score == 100


NAMES = st.sampled_from(
    ["Kate Smith", "Katherine Smith", "李小龙", "李 小龙", "Jörg Weber", "Joerg Weber",
     "Jorg Weber", "Bill Gates", "William Gates", "Ana Lima", "Ana  Lima", "Иван Петров",
     "Ivan Petrov", "Łukasz Nowak", "Lukasz Nowak"]
) | st.text(max_size=30)  # fmt: skip
ORGS = st.sampled_from([(None, None), (1, "Acme"), (2, "Initech")])
KEYS = st.frozensets(st.sampled_from(["a@x.com", "b@y.com"]), max_size=2)


@given(NAMES, NAMES, ORGS, ORGS, KEYS, KEYS)
def test_scoring_is_symmetric_and_bounded(
    a: str, b: str, oa: tuple[int | None, str | None], ob: tuple[int | None, str | None],
    ea: frozenset[str], eb: frozenset[str],
) -> None:  # fmt: skip
    x, y = MatchFacts(1, a, *oa, ea), MatchFacts(2, b, *ob, eb)
    one, other = compare(x, y), compare(y, x)
    assert one == other
    if one is not None:
        assert 0 <= one.score <= 100 and one.reasons


@given(st.text(max_size=40))
def test_fold_and_compact_are_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert compact(compact(text)) == compact(text)
