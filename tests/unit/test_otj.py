"""Off-the-job hours under each start-date regime, exclusions, and progress against the pro-rata expectation.

Hand computation: a 364-day (52-week) plan has 52 - 5.6 = 46.4 working weeks after statutory leave.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui import catalog
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.otj import otj_status, regime_for
from portfolio_tui.domain.progress import BreakInLearning, OtjEntry
from tests.unit.otj_days import day_by_day

CSP = catalog.get("csp-l2")


def learner(start: date, hours: float = 30.0, weeks: int = 52, target: float | None = None) -> Learner:
    end = start + timedelta(weeks=weeks)
    return Learner("Ann", "csp-l2", "1", start, end, contracted_hours_per_week=hours, otj_target_hours=target)


def log(*items: tuple[date, float, str]) -> tuple[OtjEntry, ...]:
    return tuple(OtjEntry(i, d, h, c) for i, (d, h, c) in enumerate(items, 1))


@pytest.mark.parametrize(
    ("start", "hours", "target", "regime"),
    [
        (date(2021, 9, 1), 30, 278.4, "pre-2022"),  # 46.4 x 30 x 0.2
        (date(2021, 9, 1), 37.5, 348.0, "pre-2022"),  # no cap before Aug 2022: 46.4 x 37.5 x 0.2
        (date(2022, 7, 31), 37.5, 348.0, "pre-2022"),
        (date(2022, 8, 1), 37.5, 278.4, "2022-2025"),  # capped at 30 hours a week
        (date(2023, 9, 4), 20, 185.6, "2022-2025"),  # part-time, under the cap: 46.4 x 20 x 0.2
        (date(2025, 7, 31), 40, 278.4, "2022-2025"),
    ],
)
def test_regime_targets(start: date, hours: float, target: float, regime: str) -> None:
    status = otj_status(learner(start, hours), CSP, (), start)
    assert status.target == pytest.approx(target)
    assert (status.regime, status.target_source) == (regime, "regime")


def test_a_78_week_plan_scales_the_target() -> None:
    status = otj_status(learner(date(2023, 1, 9), 30, weeks=78), CSP, (), date(2023, 1, 9))
    assert status.target == pytest.approx(78 * 46.4 / 52 * 30 * 0.2)  # 417.6


def test_from_august_2025_the_target_is_unknown_without_a_learner_target() -> None:
    status = otj_status(learner(date(2025, 8, 1)), CSP, log((date(2025, 9, 1), 6, "teaching")), date(2025, 10, 1))
    assert status.regime == "2025"
    assert (status.target, status.expected_to_date, status.state, status.target_source) == (
        None,
        None,
        "unknown",
        "unknown",
    )
    assert "Customer Service Practitioner" in status.note
    assert status.logged == 6
    assert not status.met


def test_the_learner_target_always_wins() -> None:
    assert otj_status(learner(date(2025, 8, 1), target=187), CSP, (), date(2025, 8, 1)).target == 187
    old = otj_status(learner(date(2021, 9, 1), target=300), CSP, (), date(2021, 9, 1))
    assert (old.target, old.target_source, old.regime) == (300, "learner", "pre-2022")


def test_excluded_categories_do_not_count() -> None:
    entries = log(
        (date(2024, 1, 10), 10, "english-maths"),
        (date(2024, 1, 11), 2, "progress-review"),
        (date(2024, 1, 12), 3, "initial-assessment"),
        (date(2024, 1, 13), 1.5, "exam"),
        (date(2024, 1, 14), 20, "teaching"),
        (date(2024, 1, 15), 4.5, "self-study"),
    )
    status = otj_status(learner(date(2024, 1, 8)), CSP, entries, date(2024, 2, 1))
    assert (status.logged, status.excluded) == (24.5, 16.5)


def test_entries_after_as_of_do_not_count() -> None:
    entries = log((date(2024, 1, 10), 5, "teaching"), (date(2024, 3, 1), 7, "teaching"))
    assert otj_status(learner(date(2024, 1, 8)), CSP, entries, date(2024, 2, 1)).logged == 5


@pytest.mark.parametrize(
    ("logged", "state"),
    [(125.2, "behind"), (125.3, "on-track"), (139.2, "on-track"), (153.1, "on-track"), (153.2, "ahead")],
)
def test_state_against_the_pro_rata_expectation_with_10_percent_tolerance(logged: float, state: str) -> None:
    # Half way through (182 of 364 days) the expectation is 278.4 / 2 = 139.2; 90% is 125.28, 110% is 153.12.
    start = date(2023, 9, 4)
    status = otj_status(learner(start), CSP, day_by_day(start, logged, "teaching"), start + timedelta(days=182))
    assert status.expected_to_date == pytest.approx(139.2)
    assert status.state == state


def test_time_on_a_break_does_not_add_to_the_expectation() -> None:
    start = date(2023, 9, 4)
    brk = (BreakInLearning(1, date(2023, 10, 2), date(2023, 10, 30)),)  # 28 days
    status = otj_status(learner(start), CSP, (), start + timedelta(days=182), brk)
    assert status.expected_to_date == pytest.approx(278.4 * 154 / 364)


def test_the_expectation_stops_at_the_target_and_met_means_logged_reaches_it() -> None:
    start = date(2023, 9, 4)
    late = start + timedelta(days=500)
    assert otj_status(learner(start), CSP, (), late).expected_to_date == pytest.approx(278.4)
    assert otj_status(learner(start), CSP, day_by_day(start, 278.4, "teaching"), late).met
    short = otj_status(learner(start), CSP, day_by_day(start, 278, "teaching"), late)
    assert not short.met and short.remaining == pytest.approx(0.4)


@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 1, 1)))
def test_regimes_split_on_1_august(start: date) -> None:
    expected = "pre-2022" if start < date(2022, 8, 1) else "2022-2025" if start < date(2025, 8, 1) else "2025"
    assert regime_for(start) == expected


@given(st.floats(0, 60), st.integers(1, 200))
def test_the_2022_cap_never_exceeds_6_hours_per_working_week(hours: float, weeks: int) -> None:
    status = otj_status(learner(date(2023, 9, 4), hours, weeks), CSP, (), date(2023, 9, 4))
    assert status.target <= weeks * 46.4 / 52 * 6 + 1e-9


def test_hours_no_day_holds_count_for_nothing_and_the_status_says_so() -> None:
    """Review R7-1: two entries of 1e308 hours, written round the app, made the logged hours inf and the target met."""
    person = learner(date(2023, 9, 4), target=300.0)
    day = date(2024, 1, 8)
    status = otj_status(person, CSP, log((day, 1e308, "teaching"), (day + timedelta(1), 1e308, "teaching"),
                                         (day + timedelta(2), float("nan"), "teaching"), (day, 6.0, "teaching")),
                        date(2024, 6, 1))
    assert status.logged == 6.0 and not status.met
    assert "3 entries of more hours than a day holds not counted" in status.note
    crowded = otj_status(person, CSP, log((day, 1e308, "exam"), (day, 1e308, "exam"), (day, 15.0, "teaching"),
                                          (day, 15.0, "shadowing")), date(2024, 6, 1))
    assert (crowded.logged, crowded.excluded) == (24.0, 0.0)
    assert "1 day counted as 24 hours, not more" in crowded.note
    honest = otj_status(person, CSP, log((day, 12.0, "teaching"), (day, 12.0, "shadowing")), date(2024, 6, 1))
    assert honest.logged == 24.0 and "not" not in honest.note


def test_hours_no_day_holds_count_for_nothing_even_where_their_sum_is_a_number() -> None:
    """R7-1 held the readers to a day's hours only where the sum was no number: one signed entry of 500 hours (or
    thirty of 24 on one day), written round the store by an apprentice's own client, met a 400-hour target."""
    person = learner(date(2023, 9, 4), target=400.0)
    day = date(2024, 1, 8)
    alone = otj_status(person, CSP, log((day, 500.0, "teaching"), (day + timedelta(1), 6.0, "teaching")),
                       date(2024, 6, 1))
    assert (alone.logged, alone.met) == (6.0, False)
    assert "1 entry of more hours than a day holds not counted" in alone.note
    piled = otj_status(person, CSP, log(*[(day, 24.0, "teaching")] * 30), date(2024, 6, 1))
    assert (piled.logged, piled.met) == (24.0, False)
    assert "1 day counted as 24 hours, not more" in piled.note


@pytest.mark.parametrize(("start", "minimum"), [(date(2021, 9, 1), 52 * 46.4 / 52 * 30 * 0.2),
                                                (date(2023, 9, 4), 46.4 * 6)])
def test_before_august_2025_the_target_never_goes_below_the_rules_20_percent(start: date, minimum: float) -> None:
    """A planned 10 hours less 40 of prior learning read "3 of 0 h · ahead": the rule is "at least 20% of the
    apprentice's contracted employment hours across the practical period" (otj-20-percent; 6 hours a week from
    1 Aug 2022), so neither a lower plan nor prior learning takes the target under it (278.4 hours over 52 weeks)."""
    from portfolio_tui.domain import employer_decisions
    from portfolio_tui.domain.frozen import replace

    planned = replace(learner(start, target=10), prior_learning_hours=40, prior_learning_reason="Level 2 award",
                      prior_learning_agreed_by="Mona")
    person = employer_decisions.confirmed(planned, "prior-learning", "mona", f"{start.isoformat()}T10:00:00Z")
    status = otj_status(person, CSP, log((start + timedelta(days=7), 3, "teaching")), start + timedelta(weeks=4))
    assert status.target == pytest.approx(minimum)
    assert status.state == "behind" and status.prior_learning == 40
    assert status.note.startswith(f"raised to the minimum for this start, {minimum:.1f} hours: 20% of 30 contracted "
                                  "hours a week over the practical period")
    assert "10 planned less 40 prior learning is 0" in status.note
    # The rule's own target with confirmed prior learning stays the 20%: prior learning shortens the period.
    assert otj_status(replace(person, otj_target_hours=None), CSP, (), start).target == pytest.approx(minimum)
    # A plan above the minimum is kept, less the prior learning down to the minimum.
    assert otj_status(replace(person, otj_target_hours=minimum + 30), CSP, (), start).target == pytest.approx(minimum)
    assert otj_status(replace(person, otj_target_hours=minimum + 50), CSP, (), start).target == pytest.approx(
        minimum + 10)
