"""Quiet months (no learning activity, no break) as whole-number month arithmetic, checked against the
rule read literally: every whole calendar month walked one by one with real dates."""

from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.learning_months import first_day, month_number, quiet_months
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import BreakInLearning, OtjEntry, Review


def literal_quiet_months(portfolio: Portfolio, as_of: date, practical_end: date) -> list[date]:
    """The rule as the module's docstring states it, month by month (slow, obviously right)."""
    start = portfolio.learner.start
    active = {d.replace(day=1) for d in [e.date for e in portfolio.live_evidence]
              + [o.date for o in portfolio.otj] + [r.date for r in portfolio.reviews]}
    month = start.replace(day=1) if start.day == 1 else start.replace(day=1) + relativedelta(months=1)
    last = min(as_of, practical_end + timedelta(days=1))
    out = []
    while month + relativedelta(months=1) <= last:
        month_end = month + relativedelta(months=1)
        on_break = any(b.start < month_end and (b.end is None or b.end > month) for b in portfolio.breaks)
        if month not in active and not on_break:
            out.append(month)
        month = month_end
    return out


def _day(rng: random.Random, low: date, span: int) -> date:
    return low + timedelta(days=rng.randrange(span))


def test_month_numbers_round_trip_and_count_months() -> None:
    assert month_number(date(2025, 12, 31)) + 1 == month_number(date(2026, 1, 1))
    assert first_day(month_number(date(2024, 2, 29))) == date(2024, 2, 1)


def test_quiet_months_agree_with_the_rule_walked_month_by_month() -> None:
    rng = random.Random(15)
    low = date(2024, 1, 1)
    for _ in range(400):
        start = _day(rng, low, 400)
        if rng.random() < 0.2:
            start = start.replace(day=1)
        learner = Learner("Olu", "odo-l3", "1.0", start, start + timedelta(days=rng.randrange(200, 900)))
        evidence = tuple(
            Evidence(i, "piece", _day(rng, start - timedelta(days=30), 900), "product", deleted=rng.random() < 0.2)
            for i in range(rng.randrange(0, 12))
        )
        otj = tuple(OtjEntry(i, _day(rng, start, 900), 1.0, "teaching") for i in range(rng.randrange(0, 4)))
        reviews = tuple(Review(i, _day(rng, start, 900)) for i in range(rng.randrange(0, 3)))
        breaks = []
        for i in range(rng.randrange(0, 3)):
            b_start = _day(rng, start - timedelta(days=40), 900)
            b_end = None if rng.random() < 0.2 else b_start + timedelta(days=rng.randrange(-3, 120))
            if rng.random() < 0.2 and b_end is not None:
                b_end = b_end.replace(day=1)  # ends on a month's first day: that month is not touched
            breaks.append(BreakInLearning(i, b_start, b_end))
        portfolio = Portfolio(learner, evidence=evidence, otj=otj, reviews=reviews, breaks=tuple(breaks))
        as_of = _day(rng, start - timedelta(days=20), 1000)
        practical_end = _day(rng, start, 1000)
        expected = literal_quiet_months(portfolio, as_of, practical_end)
        assert list(quiet_months(portfolio, as_of, practical_end)) == expected, (portfolio, as_of, practical_end)
