"""Hypothesis strategies shared by the adapter and backup tests."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from rapport.adapters.records import ContactRecord, PartialDate
from rapport.domain.vocabulary import RelationshipType

# text people really type: letters of many scripts, digits, punctuation, inner spaces
_ALPHABET = st.characters(
    whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Pd", "Po", "Zs"),
    blacklist_characters=";\u2028\u2029\x85",
)


def words(max_size: int = 30) -> st.SearchStrategy[str]:
    return (
        st.text(_ALPHABET, min_size=1, max_size=max_size)
        .map(lambda t: " ".join(t.split()))
        .filter(bool)
    )


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.none() | strategy


emails = st.builds(
    lambda user, host: f"{user}@{host}.example",
    st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,12}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
)
phones = st.from_regex(r"\+[1-9][0-9]{1,2} [0-9]{3} [0-9]{3} [0-9]{3,4}", fullmatch=True)
urls = st.from_regex(r"https://(www\.)?[a-z]{3,10}\.example/[a-z0-9-]{1,12}", fullmatch=True)
partial_dates = st.builds(
    lambda day, known: PartialDate(day.month, day.day, day.year if known else None),
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
    st.booleans(),
)
zones = st.sampled_from(["Europe/Lisbon", "America/Sao_Paulo", "Asia/Tokyo", "UTC"])
notes = st.lists(words(40), min_size=1, max_size=3).map("\n".join)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


@st.composite
def contact_records(draw: st.DrawFn) -> ContactRecord:
    given = draw(words(20))
    family = draw(optional(words(20)))
    return ContactRecord(
        line=1,
        full_name=" ".join(p for p in (given, family) if p),
        given_name=given,
        family_name=family,
        nickname=draw(optional(words(15))),
        organization=draw(optional(words(30))),
        title=draw(optional(words(30))),
        emails=_unique(draw(st.lists(emails, max_size=3))),
        phones=_unique(draw(st.lists(phones, max_size=2))),
        urls=_unique(draw(st.lists(urls, max_size=2))),
        location=draw(optional(words(40))),
        timezone=draw(optional(zones)),
        notes=draw(optional(notes)),
        tags=_unique(draw(st.lists(words(12), max_size=3))),
        types=sorted(
            set(draw(st.lists(st.sampled_from([t.value for t in RelationshipType]), max_size=2)))
        ),
        birthday=draw(st.none() | partial_dates),
        anniversary=draw(st.none() | partial_dates),
        met_on=draw(st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1))),
        how_met=draw(optional(words(40))),
    )
