"""Name folding: the ASCII shortcut must fold exactly as the full decomposition."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.names import fold


def _decomposed(text: str) -> str:
    """The definition: NFKD, combining marks dropped, case-folded, spaces squeezed."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def test_examples() -> None:
    assert fold("José  Ñúñez") == fold("jose nunez") == "jose nunez"
    assert fold("  ÉABHA\tKarlsson ") == "eabha karlsson"
    assert fold("Straße") == "strasse"


@given(st.text() | st.text(st.characters(max_codepoint=127)))
def test_fold_is_the_decomposition(text: str) -> None:
    assert fold(text) == _decomposed(text)


def test_a_name_that_starts_with_what_was_typed_ranks_first() -> None:
    from rapport.domain.names import name_rank

    assert name_rank("Ana Lima", "ana") == 0
    assert name_rank("Lima, Ána", "ana") == 0  # a word of it, accents folded
    assert name_rank("Anabela Costa", "ana") == 1
    assert name_rank("Jean-Anaïs Roux", "anai") == 2
    assert name_rank("Diana Prince", "ana") == 3
    assert name_rank("Yara Haddad", "ana") == 4  # found by her title, "Analyst"
    assert name_rank("李小龙", "小龙") == 3
