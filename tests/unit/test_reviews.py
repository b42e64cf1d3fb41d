"""Progress reviews by the rule in force at the start, the whole history judged, breaks and agreed frequencies.

Hand computations are in the comments: 12 weeks is 84 days; "3 calendar months" runs to the last day of the
third calendar month after the previous review's month (the 2025/26 rules' example: 1 Aug 2025 -> 30 Nov 2025).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain import employer_decisions
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.progress import BreakInLearning, Review
from portfolio_tui.domain.reviews import MissedReview, next_due, review_status


def learner(start: date, cadence: str = "3-months", agreed_by: str = "") -> Learner:
    return Learner(
        "Ann Apprentice", "csp-l2", "1", start, start + relativedelta(months=18),
        review_cadence=cadence, review_cadence_agreed_by=agreed_by,
    )  # fmt: skip


def reviews(*days: date) -> tuple[Review, ...]:
    return tuple(Review(i, d) for i, d in enumerate(days, 1))


def test_the_2025_26_rules_own_example() -> None:
    # "if a progress review takes place on 1 August 2025, the next review must take place on or before 30 Nov 2025"
    assert next_due(date(2025, 8, 1), "3-months") == date(2025, 11, 30)
    person = learner(date(2025, 8, 1))
    on_time = review_status(person, reviews(date(2025, 8, 1), date(2025, 11, 30)), (), date(2025, 12, 1))
    assert on_time.missed == () and on_time.up_to_date
    assert on_time.rule.id == "reviews-3-calendar-months"
    late = review_status(person, reviews(date(2025, 8, 1), date(2025, 12, 1)), (), date(2025, 12, 2))
    assert late.gaps == (MissedReview(date(2025, 11, 30), date(2025, 12, 1)),)


@pytest.mark.parametrize(
    ("previous", "due"),
    [
        (date(2025, 8, 31), date(2025, 11, 30)),  # month ends: 31 Aug -> end of November
        (date(2023, 11, 30), date(2024, 2, 29)),  # leap year: end of February 2024 is the 29th
        (date(2024, 11, 30), date(2025, 2, 28)),  # and 28th in 2025
        (date(2025, 12, 15), date(2026, 3, 31)),  # across a year end
    ],
)
def test_three_calendar_months_end_on_the_last_day_of_the_third_month(previous: date, due: date) -> None:
    assert next_due(previous, "3-months") == due


def test_start_on_31_july_2025_follows_12_weeks_and_1_august_follows_3_calendar_months() -> None:
    old = review_status(learner(date(2025, 7, 31)), (), (), date(2025, 8, 1))
    new = review_status(learner(date(2025, 8, 1)), (), (), date(2025, 8, 1))
    assert (old.rule.id, old.cadence, old.next_due) == ("reviews-12-weeks", "12-weeks", date(2025, 10, 23))  # +84 d
    assert (new.rule.id, new.cadence, new.next_due) == ("reviews-3-calendar-months", "3-months", date(2025, 11, 30))


def test_a_stored_cadence_without_the_employers_agreement_does_not_override_the_rule() -> None:
    # A 2023 start created with the old default of 3 months still follows the 12-week rule.
    status = review_status(learner(date(2023, 9, 4), "3-months"), (), (), date(2023, 9, 5))
    assert (status.cadence, status.next_due) == ("12-weeks", date(2023, 11, 27))


def test_an_alternative_frequency_applies_once_the_employer_confirms_it_and_names_who_did() -> None:
    proposed = learner(date(2025, 9, 1), "4-months", agreed_by="Bea Employer")
    waiting = review_status(proposed, reviews(date(2025, 12, 20)), (), date(2026, 1, 10))
    assert (waiting.rule.id, waiting.agreed_by, waiting.proposed) == ("reviews-3-calendar-months", "", "4-months")
    person = employer_decisions.confirmed(proposed, "review-cadence", "mona", "2025-09-02T10:00:00Z")
    status = review_status(person, reviews(date(2025, 12, 20)), (), date(2026, 1, 10))
    assert (status.rule.id, status.agreed_by, status.missed, status.proposed) == (
        "reviews-agreed-frequency", "mona", (), "")
    assert status.next_due == date(2026, 4, 30)  # end of the 4th month after December
    other = review_status(replace(person, review_cadence="6-months"), (), (), date(2026, 1, 10))
    assert (other.rule.id, other.proposed) == ("reviews-3-calendar-months", "6-months")  # confirmed was 4 months


def test_every_long_gap_in_the_history_is_listed_and_a_late_review_does_not_clear_it() -> None:
    # 12-week rule (start 6 Jan 2025): due 31 Mar; review 28 Mar -> due 20 Jun; six months to the next review.
    person = learner(date(2025, 1, 6))
    history = reviews(date(2025, 3, 28), date(2025, 9, 30), date(2025, 12, 1))
    status = review_status(person, history, (), date(2025, 12, 10))
    assert status.gaps == (MissedReview(date(2025, 6, 20), date(2025, 9, 30)),)
    assert status.missed == (date(2025, 6, 20),)
    assert status.overdue == ()
    assert not status.up_to_date
    assert status.next_due == date(2026, 2, 23)  # 1 Dec + 84 days


def test_an_overdue_review_is_missed_until_held_and_stays_missed_after() -> None:
    person = learner(date(2025, 1, 6))
    waiting = review_status(person, reviews(date(2025, 3, 28)), (), date(2025, 7, 1))
    assert waiting.overdue == (date(2025, 6, 20),)
    assert waiting.gaps == (MissedReview(date(2025, 6, 20), None),)
    assert review_status(person, reviews(date(2025, 3, 28)), (), date(2025, 6, 20)).overdue == ()  # due today


def test_a_break_spanning_a_review_due_date_moves_it() -> None:
    # 12 weeks from a review on 20 Mar 2023 is 12 Jun; a break 1 May to 1 Jul (61 days) moves it to 12 Aug.
    person = learner(date(2023, 1, 2))
    brk = (BreakInLearning(1, date(2023, 5, 1), date(2023, 7, 1)),)
    status = review_status(person, reviews(date(2023, 3, 20), date(2023, 8, 10)), brk, date(2023, 8, 20))
    assert status.missed == ()
    assert status.due[1] == date(2023, 8, 12)
    without = review_status(person, reviews(date(2023, 3, 20), date(2023, 8, 10)), (), date(2023, 8, 20))
    assert without.missed == (date(2023, 6, 12),)


def test_nothing_falls_due_during_an_ongoing_break() -> None:
    person = learner(date(2025, 1, 6))
    status = review_status(person, (), (BreakInLearning(1, date(2025, 3, 1)),), date(2025, 5, 1))
    assert status.overdue == ()
    assert status.next_due > date(2025, 5, 1)


def test_nothing_falls_due_after_the_practical_period() -> None:
    person = learner(date(2025, 1, 6))
    status = review_status(person, reviews(date(2025, 3, 28)), (), date(2025, 7, 1), practical_end=date(2025, 6, 1))
    assert (status.missed, status.next_due) == ((), None)


def test_reviews_dated_after_as_of_or_before_the_start_are_ignored() -> None:
    person = learner(date(2025, 1, 15))
    status = review_status(person, reviews(date(2024, 12, 1), date(2025, 4, 10)), (), date(2025, 4, 1))
    assert (status.held, status.last_review) == (0, None)


def test_an_unknown_cadence_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown review cadence 'monthly'"):
        next_due(date(2025, 1, 6), "monthly")


starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


@given(starts)
def test_12_weeks_is_84_days(start: date) -> None:
    assert next_due(start, "12-weeks") - start == timedelta(days=84)


@given(starts)
def test_3_calendar_months_is_the_day_before_the_first_of_the_fourth_month(start: date) -> None:
    assert next_due(start, "3-months") == start + relativedelta(day=1, months=4) - timedelta(days=1)
