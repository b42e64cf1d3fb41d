"""Reading the dates people type: ISO, and UK day-first forms such as ``21/11/2026`` or ``21 Nov 2026``."""

from __future__ import annotations

import re
from datetime import date, datetime

_HINT = "use 2026-11-21, 21/11/2026 or 21 Nov 2026"
# dateutil fills any missing part from its default, so "Nov 2026" would silently gain a day.
# Parsing against two defaults that differ in every field shows whether a part was missing.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 2, 2))
# Year first is always year-month-day; dayfirst would read 2026-13-01 as 13 January.
_YEAR_FIRST = r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\Z"
# All-numeric day-first dates are read strictly: dateutil would quietly read 11/21/2025 month first.
_DAY_FIRST = r"(\d{1,2})[-/.](\d{1,2})[-/.](\d+)\Z"
# (Both compiled when first needed, by re's own cache: an ISO date, as ``--as-of`` is given, needs neither.)


def _day_first(raw: str, day: int, month: int, year: int, *, year_digits: int) -> date:
    if year_digits != 4:
        raise ValueError(f"'{raw}' needs the year in full, four digits ({_HINT})")
    if month > 12 and day <= 12:
        raise ValueError(
            f"'{raw}' is ambiguous: dates are day first, and {month} is not a month "
            f"(for {_MONTHS[day - 1]} {month} write {year}-{day:02d}-{month:02d})"
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{raw}' is not a real date ({_HINT})") from None


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
"""The years a portfolio's dates lie in. Typed or stored, a date outside them is a typo or a hand edit
("9999-12-31" for "no end yet"), and near the ends of Python's calendar the timeline's sums (an end plus
breaks plus a milestone's offset) overflow: inside them, no sum the app makes can."""


def in_years(day: date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def parse_date(text: str) -> date:
    """Parse a date, day first, between :data:`EARLIEST_YEAR` and :data:`LATEST_YEAR`; raise ``ValueError``
    with a readable message for anything else."""
    day = _parse_date(text)
    if not in_years(day):
        raise ValueError(f"'{day.isoformat()}' is not a plausible date (years {EARLIEST_YEAR} to {LATEST_YEAR})")
    return day


def _parse_date(text: str) -> date:
    raw = " ".join(text.split())  # a no-break space pasted from a document is a space
    if not raw:
        raise ValueError("a date is required")
    if not raw.isascii():  # date.fromisoformat and int() read any script's digits: "٢٠٢٦-١١-٢٠" is not meant
        raise ValueError(f"'{raw}' is not a real date ({_HINT})")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    if year_first := re.match(_YEAR_FIRST, raw):
        try:
            return date(*map(int, year_first.groups()))
        except ValueError:
            raise ValueError(f"'{raw}' is not a real date ({_HINT})") from None
    if day_first := re.match(_DAY_FIRST, raw):
        return _day_first(raw, *map(int, day_first.groups()), year_digits=len(day_first.group(3)))
    from dateutil import parser

    try:
        first, second = (parser.parse(raw, dayfirst=True, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError):
        raise ValueError(f"'{raw}' is not a real date ({_HINT})") from None
    if first != second:
        raise ValueError(f"'{raw}' needs a day, a month and a year ({_HINT})")
    if first.time() != datetime.min.time():
        raise ValueError(f"'{raw}' has a time in it; give just the date ({_HINT})")
    return first.date()
