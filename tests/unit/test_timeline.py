"""EPA timeline: milestone dates counted from the seeds' plans, month ends, leap years and breaks in learning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from portfolio_tui import catalog
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import BreakInLearning, MilestoneDone
from portfolio_tui.domain.timeline import effective_end, milestones, next_milestone, shift_for_breaks

ODO = catalog.get("odo-l3")
CSP = catalog.get("csp-l2")
ILM = catalog.get("ilm-l5-si-2011")


def learner(start: date, end: date, **kw: object) -> Learner:
    return Learner("Ann Apprentice", "odo-l3", "1", start, end, **kw)


def dates(standard, portfolio: Portfolio, as_of: date) -> dict[str, date]:
    return {m.key: m.date for m in milestones(standard, portfolio, as_of)}


# --- ODO (seed 002): counted back from planned completion ------------------------------------------------


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        # 31 Aug minus 6 months is 29 Feb in a leap year and 28 Feb otherwise.
        (
            date(2028, 8, 31),
            {
                "plan-review": date(2028, 2, 29),
                "line-manager-review": date(2028, 5, 31),
                "completion-window": date(2028, 5, 31),
                "submission": date(2028, 7, 31),
                "presentation": date(2028, 8, 31),
            },
        ),
        (
            date(2027, 8, 31),
            {
                "plan-review": date(2027, 2, 28),
                "line-manager-review": date(2027, 5, 31),
                "completion-window": date(2027, 5, 31),
                "submission": date(2027, 7, 31),
                "presentation": date(2027, 8, 31),
            },
        ),
        # 31 Mar minus 1 month is the end of February; minus 3 months is 31 Dec; minus 6 is 30 Sep.
        (
            date(2028, 3, 31),
            {
                "plan-review": date(2027, 9, 30),
                "line-manager-review": date(2027, 12, 31),
                "completion-window": date(2027, 12, 31),
                "submission": date(2028, 2, 29),
                "presentation": date(2028, 3, 31),
            },
        ),
        (
            date(2027, 3, 31),
            {
                "plan-review": date(2026, 9, 30),
                "line-manager-review": date(2026, 12, 31),
                "completion-window": date(2026, 12, 31),
                "submission": date(2027, 2, 28),
                "presentation": date(2027, 3, 31),
            },
        ),
    ],
)
def test_odo_milestones_count_back_from_the_planned_end(end: date, expected: dict[str, date]) -> None:
    portfolio = Portfolio(learner(end - relativedelta(months=18), end))
    assert dates(ODO, portfolio, date(2025, 1, 1)) == expected


def test_milestones_are_sorted_by_date_with_plan_order_on_ties() -> None:
    portfolio = Portfolio(learner(date(2026, 3, 1), date(2027, 8, 31)))
    keys = [m.key for m in milestones(ODO, portfolio, date(2026, 3, 1))]
    assert keys == ["plan-review", "line-manager-review", "completion-window", "submission", "presentation"]


def test_a_break_moves_the_end_and_every_milestone() -> None:
    brk = BreakInLearning(1, date(2026, 1, 10), date(2026, 2, 9))  # 30 days away
    portfolio = Portfolio(learner(date(2026, 3, 1), date(2027, 8, 31)), breaks=(brk,))
    assert effective_end(portfolio.learner, portfolio.breaks, date(2026, 6, 1)) == date(2027, 9, 30)
    assert dates(ODO, portfolio, date(2026, 6, 1)) == {
        "plan-review": date(2027, 3, 30),
        "line-manager-review": date(2027, 6, 30),
        "completion-window": date(2027, 6, 30),
        "submission": date(2027, 8, 30),
        "presentation": date(2027, 9, 30),
    }


def test_an_ongoing_break_counts_up_to_the_as_of_date() -> None:
    person = learner(date(2026, 3, 1), date(2027, 8, 31))
    brk = (BreakInLearning(1, date(2026, 5, 1)),)
    assert effective_end(person, brk, date(2026, 4, 1)) == date(2027, 8, 31)
    assert effective_end(person, brk, date(2026, 5, 16)) == date(2027, 9, 15)


def test_a_booked_presentation_date_anchors_submission_and_presentation_only() -> None:
    person = learner(date(2026, 3, 1), date(2027, 8, 31), epa_presentation=date(2027, 10, 15))
    got = dates(
        ODO, Portfolio(person, breaks=(BreakInLearning(1, date(2026, 6, 1), date(2026, 6, 11)),)), date(2026, 7, 1)
    )
    # Plan and line-manager reviews follow the end (moved 10 days by the break); the booking does not move.
    assert got["plan-review"] == date(2027, 3, 10)
    assert got["submission"] == date(2027, 9, 15)
    assert got["presentation"] == date(2027, 10, 15)


# --- statuses ---------------------------------------------------------------------------------------------


def _status(as_of: date, done: tuple[MilestoneDone, ...] = ()) -> dict[str, str]:
    portfolio = Portfolio(learner(date(2026, 3, 1), date(2027, 8, 31)), milestones_done=done)
    return {m.key: m.status for m in milestones(ODO, portfolio, as_of)}


def test_status_due_soon_within_30_days_then_overdue_the_day_after() -> None:
    # plan-review falls on 2027-02-28.
    assert _status(date(2027, 1, 28))["plan-review"] == "upcoming"  # 31 days ahead
    assert _status(date(2027, 1, 29))["plan-review"] == "due-soon"  # 30 days ahead
    assert _status(date(2027, 2, 28))["plan-review"] == "due-soon"  # due today
    assert _status(date(2027, 3, 1))["plan-review"] == "overdue"


def test_done_records_who_and_when_and_only_counts_once_it_has_happened() -> None:
    record = MilestoneDone("plan-review", date(2027, 2, 20), recorded_by="tutor1")
    portfolio = Portfolio(learner(date(2026, 3, 1), date(2027, 8, 31)), milestones_done=(record,))
    done = next(m for m in milestones(ODO, portfolio, date(2027, 3, 1)) if m.key == "plan-review")
    assert (done.status, done.done_on, done.done_by) == ("done", date(2027, 2, 20), "tutor1")
    assert _status(date(2027, 2, 19), (record,))["plan-review"] == "due-soon"


def test_a_window_opening_is_upcoming_then_open_never_overdue() -> None:
    # completion-window opens on 2027-05-31.
    assert _status(date(2027, 4, 30))["completion-window"] == "upcoming"
    assert _status(date(2027, 5, 30))["completion-window"] == "due-soon"
    assert _status(date(2027, 5, 31))["completion-window"] == "open"
    assert _status(date(2027, 8, 1))["completion-window"] == "open"
    done = (MilestoneDone("completion-window", date(2027, 7, 1)),)
    assert _status(date(2027, 8, 1), done)["completion-window"] == "done"


@pytest.mark.parametrize("as_of", [date(2027, 4, 30), date(2027, 5, 1), date(2027, 5, 30)])
def test_milestones_on_one_date_read_the_same_until_it_comes(as_of: date) -> None:
    """ODO's line manager review (a deadline) and completion window (when work may start) are both three
    months before the end: before that day one date has one status, never "due-soon" beside "upcoming"."""
    portfolio = Portfolio(learner(date(2026, 3, 1), date(2027, 8, 31)))
    by_date: dict[date, set[str]] = {}
    for m in milestones(ODO, portfolio, as_of):
        by_date.setdefault(m.date, set()).add(m.status)
    assert by_date[date(2027, 5, 31)] in ({"upcoming"}, {"due-soon"})
    assert all(len(statuses) == 1 for statuses in by_date.values()), by_date


def test_next_milestone_is_the_earliest_still_to_do() -> None:
    portfolio = Portfolio(learner(date(2026, 3, 1), date(2027, 8, 31)))
    nxt = next_milestone(milestones(ODO, portfolio, date(2027, 3, 15)))
    assert (nxt.key, nxt.status) == ("plan-review", "overdue")
    done = (MilestoneDone("plan-review", date(2027, 3, 1)),)
    nxt = next_milestone(milestones(ODO, Portfolio(portfolio.learner, milestones_done=done), date(2027, 3, 15)))
    assert nxt.key == "line-manager-review"


# --- CSP (seed 003) and ILM (seed 001): counted from the start -------------------------------------------


def test_csp_showcase_compiled_after_12_months_of_learning() -> None:
    person = learner(date(2025, 8, 31), date(2026, 11, 30))
    assert dates(CSP, Portfolio(person), date(2025, 9, 1)) == {
        "showcase-compiled": date(2026, 8, 31),
        "end": date(2026, 11, 30),
    }
    brk = BreakInLearning(1, date(2026, 2, 1), date(2026, 3, 1))  # 28 days
    got = dates(CSP, Portfolio(person, breaks=(brk,)), date(2026, 4, 1))
    assert got == {"showcase-compiled": date(2026, 9, 28), "end": date(2026, 12, 28)}


def test_start_anchored_dates_pause_for_every_break_reached_in_learning_time() -> None:
    start = date(2025, 1, 15)
    first = BreakInLearning(1, date(2025, 6, 1), date(2025, 7, 1))  # 30 days: 2026-01-15 -> 2026-02-14
    second = BreakInLearning(2, date(2026, 2, 1), date(2026, 2, 11))  # now before the date: 10 more days
    later = BreakInLearning(3, date(2026, 3, 1), date(2026, 3, 20))  # after it: no effect
    raw = start + relativedelta(months=12)
    assert shift_for_breaks(raw, (later, second, first), date(2026, 4, 1)) == date(2026, 2, 24)


def test_ilm_completed_within_three_years_of_a_leap_day_start() -> None:
    person = learner(date(2024, 2, 29), date(2025, 2, 28))
    assert dates(ILM, Portfolio(person), date(2024, 3, 1)) == {
        "end": date(2025, 2, 28),
        "completion-deadline": date(2027, 2, 28),
    }
    kinds = {m.key: m.kind for m in milestones(ILM, Portfolio(person), date(2027, 3, 1))}
    assert kinds["completion-deadline"] == "deadline"
    assert _deadline_status(person, date(2027, 3, 1)) == "overdue"


def _deadline_status(person: Learner, as_of: date) -> str:
    return next(m.status for m in milestones(ILM, Portfolio(person), as_of) if m.key == "completion-deadline")


# --- properties ----------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@st.composite
def programmes(draw: st.DrawFn) -> tuple[Learner, tuple[BreakInLearning, ...]]:
    start = draw(days)
    end = start + timedelta(days=draw(st.integers(240, 1100)))
    breaks = []
    for i in range(draw(st.integers(0, 3))):
        b_start = start + timedelta(days=draw(st.integers(0, (end - start).days)))
        breaks.append(BreakInLearning(i, b_start, b_start + timedelta(days=draw(st.integers(1, 200)))))
    return learner(start, end), tuple(breaks)


@given(programmes())
def test_the_end_moves_exactly_by_the_length_of_the_breaks(programme: tuple[Learner, tuple]) -> None:
    person, breaks = programme
    moved = effective_end(person, breaks, date(2040, 1, 1)) - person.planned_end
    assert moved.days == sum((b.end - b.start).days for b in breaks)


@given(programmes())
def test_odo_milestones_are_never_after_the_effective_end(programme: tuple[Learner, tuple]) -> None:
    person, breaks = programme
    portfolio = Portfolio(person, breaks=breaks)
    end = effective_end(person, breaks, person.start)
    got = milestones(ODO, portfolio, person.start)
    assert all(m.date <= end for m in got)
    assert [m.date for m in got] == sorted(m.date for m in got)


@given(days)
def test_six_months_before_the_31st_is_the_last_day_of_that_month(end: date) -> None:
    last = end + relativedelta(day=31)
    assume(last.day == 31)
    review = dates(ODO, Portfolio(learner(last - relativedelta(years=1), last)), last)["plan-review"]
    assert review == last - relativedelta(months=6)
    assert (review + timedelta(days=1)).day == 1
