"""Calendar months with no learning activity: where the funding rules want a break in learning recorded.

Learning activity is a piece of evidence, off-the-job hours (any category) or a progress review dated in the
month. Only whole calendar months inside the practical period count (from the first month that starts on
or after the start, to the last month ended before ``as_of`` and the end of the practical period); a month
that any recorded break touches is not flagged. See ``funding_rules`` rule ``break-calendar-month``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from portfolio_tui.domain.portfolio import Portfolio


def _month(day: date) -> date:
    return day.replace(day=1)


def quiet_months(portfolio: Portfolio, as_of: date, practical_end: date) -> Iterator[date]:
    """The first day of each whole month with no learning activity and no break recorded."""
    start = portfolio.learner.start
    active = {_month(e.date) for e in portfolio.live_evidence}
    active |= {_month(o.date) for o in portfolio.otj}
    active |= {_month(r.date) for r in portfolio.reviews}
    month = _month(start) if start.day == 1 else _month(start) + relativedelta(months=1)
    last = min(as_of, practical_end + timedelta(days=1))
    while month + relativedelta(months=1) <= last:
        month_end = month + relativedelta(months=1)
        on_break = any(b.start < month_end and (b.end is None or b.end > month) for b in portfolio.breaks)
        if month not in active and not on_break:
            yield month
        month = month_end
