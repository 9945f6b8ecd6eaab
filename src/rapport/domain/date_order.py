"""The order a workspace writes day, month and year in — DMY, MDY or YMD — told
from its time zone's country unless the user chose one, and reading the numeric
dates that need it: '12-10-1985', '12/10/1985', '12.10.85', '12/10'.

A form with one possible reading (13/10/1985, 1985/10/12) is read the same in every
order. With no order known (UTC, an unknown zone), a form with several readings is
refused with a hint to write it in ISO or with the month's name; the one exception
is `MM-DD` with hyphens, the ISO date without its year, read month first as before."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from rapport.domain.date_orders_cldr import MDY_COUNTRIES, YMD_COUNTRIES
from rapport.errors import Invalid

DateOrder = Literal["DMY", "MDY", "YMD"]
ORDERS: tuple[DateOrder, ...] = get_args(DateOrder)
AUTO = "auto"  # the setting that means "from the time zone's country"

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# how each order says itself to a person
ORDER_WORDS: dict[DateOrder, str] = {
    "DMY": "day first (12/10/1985 is 12 October 1985)",
    "MDY": "month first (12/10/1985 is 10 December 1985)",
    "YMD": "year first (1985/10/12 is 12 October 1985)",
}


def order_named(text: str, field: str = "order") -> DateOrder | None:
    """The order `text` names (any case); None for 'auto'. Invalid for anything else."""
    value = text.strip().upper()
    if value == AUTO.upper():
        return None
    for order in ORDERS:
        if value == order:
            return order
    raise Invalid(field, f"{text.strip()!r} is not one of DMY, MDY, YMD, auto")


# --- from the time zone --------------------------------------------------------------


def _zone_tabs() -> list[Path]:
    """Where zone.tab may be: the system's zone directories (the ones zoneinfo reads),
    then the `tzdata` package's copy."""
    import zoneinfo

    found = [Path(base) / "zone.tab" for base in zoneinfo.TZPATH]
    try:
        from importlib.resources import files

        found.append(Path(str(files("tzdata").joinpath("zoneinfo", "zone.tab"))))
    except (ImportError, ModuleNotFoundError):
        pass
    return found


@functools.cache
def zone_countries() -> dict[str, str]:
    """Time zone name -> ISO country code, from tz's zone.tab; empty when no copy of
    it can be read (then no zone has a country and dates are read as ISO only)."""
    for path in _zone_tabs():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        table: dict[str, str] = {}
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and not line.startswith("#"):
                table[parts[2]] = parts[0]
        if table:
            return table
    return {}


def order_for_country(country: str | None) -> DateOrder | None:
    """How `country` writes dates (CLDR); None when there is no country."""
    if not country:
        return None
    if country in MDY_COUNTRIES:
        return "MDY"
    if country in YMD_COUNTRIES:
        return "YMD"
    return "DMY"


def zone_country(zone: str) -> str | None:
    """The ISO country code of `zone`; an old name (US/Eastern, Asia/Calcutta) is
    followed to the zone it links to where the system's zone files are links."""
    table = zone_countries()
    if zone in table:
        return table[zone]
    import zoneinfo

    for base in zoneinfo.TZPATH:
        path = Path(base) / zone
        try:
            target = path.resolve(strict=True)
            name = target.relative_to(Path(base).resolve()).as_posix()
        except (OSError, ValueError):
            continue
        if name in table:
            return table[name]
    return None


def order_for_zone(zone: str) -> DateOrder | None:
    """The order of the country `zone` lies in (Europe/Lisbon: DMY, America/New_York:
    MDY, Asia/Tokyo: YMD); None for UTC and zones with no country."""
    return order_for_country(zone_country(zone))


# --- reading numbers -----------------------------------------------------------------

_NUMERIC = re.compile(r"(\d{1,4})([-/.])(\d{1,2})(?:\2(\d{1,4}))?\.?")


@dataclass(frozen=True)
class NumericDate:
    """A numeric date as read: `year` None when it was not written."""

    year: int | None
    month: int
    day: int
    ambiguous: bool  # another order reads it as another date


def full_year(digits: str, today: dt.date | None) -> int | None:
    """A year from 4 digits, or from 2: the year ending so within 80 years before and
    20 after `today` (without `today`, 1969–2068, as strptime's %y)."""
    if len(digits) == 4:
        return int(digits)
    if len(digits) != 2:
        return None
    two = int(digits)
    if today is None:
        return two + (1900 if two >= 69 else 2000)
    year = today.year - today.year % 100 + two
    return year - 100 if year > today.year + 20 else year


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        dt.date(year or 2000, month, day)  # 2000: a leap year, 29 February exists
    except ValueError:
        return False
    return True


def _readings(
    text: str, today: dt.date | None
) -> tuple[dict[DateOrder, tuple[int | None, int, int]], str] | None:
    """Each order's reading of a numeric date (valid ones only) and its separator;
    None when `text` is not a numeric date."""
    match = _NUMERIC.fullmatch(text.strip())
    if match is None:
        return None
    a, sep, b, c = match.groups()
    found: dict[DateOrder, tuple[int | None, int, int]] = {}
    if len(a) > 2:  # a year written first: year first in every order
        year = full_year(a, today)
        if c is not None and year is not None and _valid(year, int(b), int(c)):
            found = {order: (year, int(b), int(c)) for order in ORDERS}
        return found, sep
    if c is None:
        candidates: dict[DateOrder, tuple[int | None, int, int]] = {
            "DMY": (None, int(b), int(a)),
            "MDY": (None, int(a), int(b)),
            "YMD": (None, int(a), int(b)),
        }
    else:
        last = full_year(c, today)
        first = full_year(a, today) if len(c) <= 2 else None
        candidates = {}
        if last is not None:
            candidates["DMY"] = (last, int(b), int(a))
            candidates["MDY"] = (last, int(a), int(b))
        if first is not None:
            candidates["YMD"] = (first, int(b), int(c))
    found = {order: r for order, r in candidates.items() if _valid(*r)}
    return found, sep


def read_numeric(
    text: str, order: DateOrder | None, *, today: dt.date | None = None, field: str = "date"
) -> NumericDate | None:
    """`text` read as a numeric date by `order`; None when it is not one (a phrase,
    a month's name). A form only one order can read is read so whatever `order` is.
    Invalid when no order can read it, or when several can and `order` is None."""
    readings = _readings(text, today)
    if readings is None:
        return None
    found, sep = readings
    distinct = set(found.values())
    if not distinct:
        raise Invalid(field, f"{text.strip()!r} is not a day of the calendar")
    ambiguous = len(distinct) > 1
    if order is None and sep == "-" and text.count("-") == 1:
        # MM-DD: the ISO date without its year, the one numeric form ISO reads
        if "MDY" not in found:
            raise Invalid(field, f"{text.strip()!r} is not a day of the calendar (MM-DD)")
        order = "MDY"
    if order is not None and order in found:
        chosen = found[order]
    elif not ambiguous:
        chosen = next(iter(distinct))
    else:
        raise Invalid(field, f"{text.strip()!r} could be {_either(found)}: {_hint(found)}")
    year, month, day = chosen
    return NumericDate(year, month, day, ambiguous)


def _either(found: dict[DateOrder, tuple[int | None, int, int]]) -> str:
    words = list(dict.fromkeys(in_words(m, d, y) for y, m, d in found.values()))
    return " or ".join(words)


def _hint(found: dict[DateOrder, tuple[int | None, int, int]]) -> str:
    year, month, day = next(iter(found.values()))
    iso = f"{year:04d}-{month:02d}-{day:02d} or " if year is not None else ""
    return (
        f"write it as {iso}'{in_words(month, day, year)}', or set the order you write "
        "dates in, in Settings (rapport settings dates --order DMY, MDY or YMD)"
    )


def in_words(month: int, day: int, year: int | None = None) -> str:
    """'12 October 1985', or '12 October' without a year: a date no order misreads."""
    text = f"{day} {MONTH_NAMES[month - 1]}"
    return f"{text} {year}" if year is not None else text


def day_in_words(day: dt.date) -> str:
    return in_words(day.month, day.day, day.year)


def needs_echo(text: str, today: dt.date | None = None) -> bool:
    """Whether `text` is a numeric date another order would read as another date:
    the answer should say the date in words, so a misreading shows at once."""
    readings = _readings(text, today)
    return readings is not None and len(set(readings[0].values())) > 1
