"""Calendar months with no learning activity: where the funding rules want a break in learning recorded.

Learning activity is a piece of evidence, off-the-job hours (any category) or a progress review dated in the
month. Only whole calendar months inside the practical period count (from the first month that starts on
or after the start, to the last month ended before ``as_of`` and the end of the practical period); a month
that any recorded break touches is not flagged. See ``funding_rules`` rule ``break-calendar-month``.

Months are counted as whole numbers (``year * 12 + month - 1``), so the scan is set arithmetic over the
distinct days of activity and the months each break touches, not date arithmetic month by month: a
caseload check runs it for every learner.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date, timedelta
from operator import attrgetter

from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import BreakInLearning

_DATE = attrgetter("date")
_ONE_DAY = timedelta(days=1)


def month_number(day: date) -> int:
    """The calendar month ``day`` falls in, as a whole number that grows by one a month."""
    return day.year * 12 + day.month - 1


def first_day(number: int) -> date:
    """The first day of the month :func:`month_number` numbers ``number``."""
    return date(number // 12, number % 12 + 1, 1)


def _months(days: Iterable[date]) -> set[int]:
    return {day.year * 12 + day.month - 1 for day in set(days)}  # each distinct day once


def activity_months(portfolio: Portfolio) -> set[int]:
    """The months with learning activity in them (:func:`month_number`), whatever the day."""
    live = (e for e in portfolio.evidence if not e.deleted)
    return _months(map(_DATE, live)) | _months(map(_DATE, portfolio.otj)) | _months(map(_DATE, portfolio.reviews))


def quiet_months(portfolio: Portfolio, as_of: date, practical_end: date) -> Iterator[date]:
    """The first day of each whole month with no learning activity and no break recorded."""
    start = portfolio.learner.start
    if month_number(start) + (start.day != 1) >= month_number(min(as_of, practical_end + _ONE_DAY)):
        return iter(())  # (no month over yet: the activity is not looked at)
    return quiet_in(start, activity_months(portfolio), portfolio.breaks, as_of, practical_end)


def quiet_in(
    start: date, active: Collection[int], breaks: Iterable[BreakInLearning], as_of: date, practical_end: date
) -> Iterator[date]:
    """:func:`quiet_months` of a learner who started on ``start``, with learning activity in the months ``active``
    (:func:`activity_months`, which no day changes) and ``breaks`` recorded."""
    first = month_number(start) + (start.day != 1)
    # A month counts once it is over, before ``as_of`` and within the practical period: when its successor
    # starts on or before the earlier of ``as_of`` and the day after the practical end (the month ``stop``).
    stop = month_number(min(as_of, practical_end + _ONE_DAY))
    if first >= stop:
        return
    quiet = set(range(first, stop)).difference(active)
    for b in breaks:
        # A break touches a month when it starts before the month ends and ends after the month starts.
        last_touched = month_number(b.end - _ONE_DAY) if b.end is not None else stop
        quiet.difference_update(range(month_number(b.start), last_touched + 1))
    for number in sorted(quiet):
        yield first_day(number)
