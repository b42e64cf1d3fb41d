"""Progress-review cadence both ways (12 weeks, 3 calendar months), overdue reviews and breaks."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.progress import BreakInLearning, Review
from portfolio_tui.domain.reviews import due_dates, review_status


def learner(start: date, cadence: str) -> Learner:
    return Learner("Ann Apprentice", "csp-l2", "1", start, start + relativedelta(months=18), review_cadence=cadence)


def reviews(*days: date) -> tuple[Review, ...]:
    return tuple(Review(i, d) for i, d in enumerate(days, 1))


def first(n: int, person: Learner, breaks: tuple[BreakInLearning, ...] = (), as_of: date = date(2030, 1, 1)) -> list:
    return list(islice(due_dates(person, breaks, as_of), n))


def test_every_12_weeks_from_the_start() -> None:
    assert first(3, learner(date(2025, 1, 6), "12-weeks")) == [date(2025, 3, 31), date(2025, 6, 23), date(2025, 9, 15)]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2025, 1, 15), [date(2025, 4, 15), date(2025, 7, 15), date(2025, 10, 15), date(2026, 1, 15)]),
        # A start on the 31st falls due on the last day of shorter months, and keeps coming back to the 31st.
        (date(2024, 8, 31), [date(2024, 11, 30), date(2025, 2, 28), date(2025, 5, 31), date(2025, 8, 31)]),
        (date(2023, 8, 31), [date(2023, 11, 30), date(2024, 2, 29), date(2024, 5, 31), date(2024, 8, 31)]),
        (date(2023, 11, 30), [date(2024, 2, 29), date(2024, 5, 30), date(2024, 8, 30), date(2024, 11, 30)]),
    ],
)
def test_every_3_calendar_months_from_the_start(start: date, expected: list[date]) -> None:
    assert first(4, learner(start, "3-months")) == expected


def test_a_missed_review_is_overdue_until_a_later_review_is_held() -> None:
    person = learner(date(2025, 1, 6), "12-weeks")  # due 03-31, 06-23, 09-15, 12-08
    status = review_status(person, reviews(date(2025, 3, 28)), (), date(2025, 7, 1))
    assert status.due == (date(2025, 3, 31), date(2025, 6, 23))
    assert status.missed == status.overdue == (date(2025, 6, 23),)
    assert status.next_due == date(2025, 9, 15)
    assert not status.up_to_date

    # Held late, on 30 June: it falls in the next window, so 23 June stays missed but no longer overdue.
    status = review_status(person, reviews(date(2025, 3, 28), date(2025, 6, 30)), (), date(2025, 7, 1))
    assert status.missed == (date(2025, 6, 23),)
    assert status.overdue == ()
    assert status.next_due == date(2025, 12, 8)
    assert status.last_review == date(2025, 6, 30)
    assert status.up_to_date


def test_a_review_on_the_due_date_meets_it_and_the_day_after_does_not() -> None:
    person = learner(date(2025, 1, 15), "3-months")  # due 04-15, 07-15
    on_time = review_status(person, reviews(date(2025, 4, 15)), (), date(2025, 5, 1))
    assert (on_time.missed, on_time.next_due) == ((), date(2025, 7, 15))
    late = review_status(person, reviews(date(2025, 4, 16)), (), date(2025, 5, 1))
    assert late.missed == (date(2025, 4, 15),)
    assert late.next_due == date(2025, 10, 15)


def test_a_review_on_the_start_day_counts_for_the_first_window() -> None:
    person = learner(date(2025, 1, 15), "3-months")
    status = review_status(person, reviews(date(2025, 1, 15)), (), date(2025, 5, 1))
    assert status.missed == ()


def test_due_today_is_not_yet_overdue() -> None:
    person = learner(date(2025, 1, 15), "3-months")
    status = review_status(person, (), (), date(2025, 4, 15))
    assert status.due == (date(2025, 4, 15),)
    assert status.overdue == ()
    assert status.next_due == date(2025, 4, 15)
    assert review_status(person, (), (), date(2025, 4, 16)).overdue == (date(2025, 4, 15),)


def test_reviews_dated_after_as_of_are_ignored() -> None:
    person = learner(date(2025, 1, 15), "3-months")
    status = review_status(person, reviews(date(2025, 4, 10)), (), date(2025, 4, 1))
    assert (status.held, status.last_review, status.next_due) == (0, None, date(2025, 4, 15))


def test_a_break_moves_the_schedule_by_its_length() -> None:
    person = learner(date(2025, 1, 6), "12-weeks")
    brk = (BreakInLearning(1, date(2025, 3, 1), date(2025, 3, 31)),)  # 30 days
    assert first(2, person, brk) == [date(2025, 4, 30), date(2025, 7, 23)]


def test_nothing_falls_due_during_an_ongoing_break() -> None:
    person = learner(date(2025, 1, 6), "12-weeks")
    brk = (BreakInLearning(1, date(2025, 3, 1)),)
    status = review_status(person, (), brk, date(2025, 5, 1))  # 61 days away so far
    assert status.overdue == ()
    assert status.next_due == date(2025, 5, 31)


def test_an_unknown_cadence_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown review cadence 'monthly'"):
        first(1, learner(date(2025, 1, 6), "monthly"))


starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


@given(starts)
def test_12_weekly_due_dates_are_84_days_apart(start: date) -> None:
    got = first(6, learner(start, "12-weeks"))
    assert [b - a for a, b in zip([start, *got], got, strict=False)] == [timedelta(weeks=12)] * 6


@given(starts)
def test_3_monthly_due_dates_agree_with_calendar_month_arithmetic(start: date) -> None:
    assert first(8, learner(start, "3-months")) == [start + relativedelta(months=3 * k) for k in range(1, 9)]
