"""Progress-review cadence: when three-way reviews fall due, and which are overdue, as of a date.

Rules (chosen, so written down):

* Due dates run from the learner's start, never the start itself: every 12 weeks (``"12-weeks"``, the
  2022/23 rule) or every 3 calendar months (``"3-months"``, the 2025/26 rule), from ``dateutil.rrule``.
  A start on the 29th to 31st falls due on the last day of shorter months (31 Aug -> 30 Nov -> 28/29 Feb).
* Breaks in learning pause the clock: each due date is counted in learning time and moved on by every
  break that begins on or before it (:func:`timeline.shift_for_breaks`). While a break goes on, nothing
  falls due.
* A review satisfies the due date of its window: held on or before that date and after the previous due
  date (the first window starts on the start date itself). Reviews dated after ``as_of`` are ignored.
* A due date before ``as_of`` whose window holds no review is *missed*; that stays on record. A missed date
  is *overdue* until a review is held after it: a late review brings the learner back up to date, but does
  not un-miss the date. ``up_to_date`` means nothing is overdue.
* ``next_due`` is the first due date on or after ``as_of`` whose window holds no review yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.rrule import MONTHLY, WEEKLY, rrule

from portfolio_tui.domain.learner import REVIEW_CADENCES, Learner
from portfolio_tui.domain.progress import BreakInLearning, Review
from portfolio_tui.domain.timeline import shift_for_breaks


@dataclass(frozen=True)
class ReviewStatus:
    cadence: str
    cadence_label: str
    due: tuple[date, ...]
    """Due dates on or before ``as_of``."""
    next_due: date | None
    missed: tuple[date, ...]
    overdue: tuple[date, ...]
    last_review: date | None
    held: int
    """Reviews held on or before ``as_of``."""

    @property
    def up_to_date(self) -> bool:
        return not self.overdue


def _schedule(start: date, cadence: str) -> rrule:
    first = datetime(start.year, start.month, start.day)
    if cadence == "12-weeks":
        return rrule(WEEKLY, interval=12, dtstart=first)
    if cadence == "3-months":
        if start.day <= 28:
            return rrule(MONTHLY, interval=3, dtstart=first, bymonthday=start.day)
        # The last of the days 28..start.day that the month has: 31 -> 30 Nov, 28/29 Feb.
        return rrule(MONTHLY, interval=3, dtstart=first, bymonthday=tuple(range(28, start.day + 1)), bysetpos=-1)
    raise ValueError(f"unknown review cadence '{cadence}' (expected one of {', '.join(REVIEW_CADENCES)})")


def due_dates(learner: Learner, breaks: Iterable[BreakInLearning], as_of: date) -> Iterator[date]:
    """Every review due date after the start, moved by breaks; an endless, increasing sequence."""
    breaks = tuple(breaks)
    for moment in _schedule(learner.start, learner.review_cadence):
        day = moment.date()
        if day > learner.start:
            yield shift_for_breaks(day, breaks, as_of)


def review_status(
    learner: Learner, reviews: Iterable[Review], breaks: Iterable[BreakInLearning], as_of: date
) -> ReviewStatus:
    held = sorted(r.date for r in reviews if r.date <= as_of)
    due: list[date] = []
    missed: list[date] = []
    previous = None
    next_due = None
    for day in due_dates(learner, breaks, as_of):
        in_window = any((previous is None or previous < r) and r <= day and r >= learner.start for r in held)
        if day <= as_of:
            due.append(day)
        if day < as_of:
            if not in_window:
                missed.append(day)
        elif not in_window:
            next_due = day
            break
        previous = day
    last = held[-1] if held else None
    overdue = [d for d in missed if last is None or last < d]
    return ReviewStatus(
        cadence=learner.review_cadence,
        cadence_label=REVIEW_CADENCES[learner.review_cadence],
        due=tuple(due),
        next_due=next_due,
        missed=tuple(missed),
        overdue=tuple(overdue),
        last_review=last,
        held=len(held),
    )
