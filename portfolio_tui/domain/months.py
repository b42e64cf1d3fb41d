"""Calendar months added to a date, as ``dateutil.relativedelta`` adds them: the plans' spans ("one month before
the EPA"), the funding rules' minimum durations, the reviews' cadences in months.

Month arithmetic is all the domain asked of dateutil, and importing it (with :mod:`calendar` and :mod:`locale`
behind it) cost every ``portfolio gateway`` run on one file some 2 ms of its start-up (issue 15), so the few
lines it takes are here. ``tests/unit/test_months.py`` holds each equal to relativedelta over many dates, month
ends and leap years, forwards and back.
"""

from __future__ import annotations

from datetime import date, timedelta

_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_days(year: int, month: int) -> int:
    """How many days ``month`` of ``year`` has (``calendar.monthrange(year, month)[1]``)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS[month - 1]


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (back, if negative): the same day of the month, or that month's
    last day where it has fewer (31 January + 1 month is 28 or 29 February), as ``day + relativedelta(months=months)``.
    A year out of the calendar raises ``ValueError``, as there."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, month_days(year, month)))


class Span:
    """A span of years, months, weeks and days, added to (or taken from) a date as
    ``relativedelta(years=, months=, weeks=, days=)`` is: the months first (the day kept, or the month's last), then
    the days. ``date + span`` and ``date - span`` give a date."""

    __slots__ = ("months", "days")

    def __init__(self, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0) -> None:
        self.months = years * 12 + months
        self.days = weeks * 7 + days

    def __radd__(self, day: date) -> date:
        return add_months(day, self.months) + timedelta(days=self.days)

    def __rsub__(self, day: date) -> date:
        return add_months(day, -self.months) - timedelta(days=self.days)

    def __repr__(self) -> str:
        return f"Span(months={self.months}, days={self.days})"
