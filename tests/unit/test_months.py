"""``domain.months`` adds calendar months as ``dateutil.relativedelta`` does (the domain's month arithmetic, without
importing dateutil on a gateway run's way in): held equal over many dates, month ends and leap years."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.learner import REVIEW_CADENCES
from portfolio_tui.domain.months import Span, add_months, month_days
from portfolio_tui.domain.reviews import next_due

DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
MONTH_ENDS = st.builds(lambda y, m: date(y, m, calendar.monthrange(y, m)[1]),
                       st.integers(1, 9999), st.integers(1, 12))
LEAP_DAYS = st.integers(1, 9999).filter(calendar.isleap).map(lambda year: date(year, 2, 29))
ANY_DAY = st.one_of(DATES, MONTH_ENDS, LEAP_DAYS)


def _same(ours, theirs) -> None:
    """Both give the same date, or both refuse with the same kind of error (a year out of the calendar)."""
    try:
        expected = theirs()
    except (ValueError, OverflowError) as exc:
        kind = ArithmeticError if isinstance(exc, OverflowError) else ValueError
        with pytest.raises(kind):
            ours()
        return
    assert ours() == expected


@given(ANY_DAY, st.integers(-120_000, 120_000))
def test_add_months_is_relativedeltas(day: date, months: int) -> None:
    _same(lambda: add_months(day, months), lambda: day + relativedelta(months=months))


@given(ANY_DAY, st.integers(-40, 40), st.integers(-40, 40), st.integers(-60, 60), st.integers(-400, 400))
def test_a_span_added_and_taken_is_relativedeltas(day: date, years: int, months: int, weeks: int, days: int) -> None:
    ours = Span(years, months, weeks, days)
    theirs = relativedelta(years=years, months=months, weeks=weeks, days=days)
    _same(lambda: day + ours, lambda: day + theirs)
    _same(lambda: day - ours, lambda: day - theirs)


@given(st.integers(1, 9999), st.integers(1, 12))
def test_month_days_is_calendars(year: int, month: int) -> None:
    assert month_days(year, month) == calendar.monthrange(year, month)[1]


def test_month_ends_and_leap_years() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2028, 2, 29), 48) == date(2032, 2, 29)
    assert add_months(date(2100, 3, 31), -1) == date(2100, 2, 28)  # not a leap year
    assert add_months(date(2000, 3, 31), -1) == date(2000, 2, 29)  # a leap year
    assert date(2026, 8, 31) - Span(months=6) == date(2026, 2, 28)
    assert date(2026, 8, 31) + Span(months=-6) == date(2026, 2, 28)
    assert date(2026, 1, 31) + Span(months=1, days=1) == date(2026, 3, 1)  # the months first, then the days
    assert date(2026, 12, 15) + Span(years=1, months=1, weeks=1) == date(2028, 1, 22)


MONTHLY = sorted(cadence for cadence in REVIEW_CADENCES if cadence.endswith("-months"))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)), st.sampled_from(MONTHLY))
def test_a_review_due_in_months_is_the_month_end_relativedelta_gives(previous: date, cadence: str) -> None:
    month = previous + relativedelta(day=1, months=int(cadence.split("-")[0]))
    assert next_due(previous, cadence) == month.replace(day=calendar.monthrange(month.year, month.month)[1])
