"""The funding rules as data, applied by start date, on hand-computed cases; docs/RULES.md matches the data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui import catalog
from portfolio_tui.domain import employer_decisions, funding_rules
from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.gateway import assess_readiness, funding_minimum, minimum_duration
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.otj import otj_status
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import BreakInLearning, OtjEntry, PrerequisiteRecord, Review
from tests.unit.otj_days import day_by_day

ROOT = Path(__file__).resolve().parents[2]
CSP = catalog.get("csp-l2")
ODO = catalog.get("odo-l3")
ILM = catalog.get("ilm-l5-si-2011")


def item(report, key: str):
    return next(c for c in report.checklist if c.key == key)


def test_docs_rules_md_is_generated_from_the_rule_data() -> None:
    assert (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8") == funding_rules.markdown()


def test_every_rule_has_a_source_and_each_topic_covers_every_start_once() -> None:
    for rule in funding_rules.RULES:
        assert rule.source.document and rule.source.paragraph, rule.id
    for topic, ids in {
        "off-the-job": ("otj-20-percent", "otj-6-hours", "otj-standard-minimum"),
        "minimum-duration": ("duration-12-months", "duration-8-months"),
        "reviews": ("reviews-12-weeks", "reviews-3-calendar-months"),
    }.items():
        for start in (date(2015, 1, 1), date(2022, 7, 31), date(2022, 8, 1), date(2025, 7, 31), date(2025, 8, 1)):
            assert sum(funding_rules.rule(i).applies(start, start) for i in ids) == 1, (topic, start)


# --- minimum duration ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "earliest", "rule"),
    [
        (date(2025, 7, 31), 37.5, date(2026, 8, 7), "duration-12-months"),  # 31 Jul 2025 + 372 days
        (date(2025, 8, 1), 37.5, date(2026, 4, 1), "duration-8-months"),  # 8 calendar months
        (date(2025, 8, 1), 15, date(2026, 4, 1), "duration-8-months"),  # no part-time extension from Aug 2025
        (date(2024, 1, 31), 20, date(2025, 7, 31), "duration-12-months"),  # 12 x 30 / 20 = 18 months
        # 12 x 30 / 16 = 22.5 months: 28 Feb 2023 + 22 months = 28 Dec 2024, + ceil(0.5 x 30.4375) = 16 days.
        (date(2023, 2, 28), 16, date(2025, 1, 13), "duration-12-months"),
        (date(2024, 2, 29), 30, date(2025, 3, 7), "duration-12-months"),  # leap day + 372 days
    ],
)
def test_funding_minimum_duration(start: date, hours: float, earliest: date, rule: str) -> None:
    assert funding_minimum(start, hours)[0] == earliest
    assert funding_minimum(start, hours)[2].id == rule


def test_an_8_month_odo_programme_started_on_1_august_2025_meets_the_minimum() -> None:
    person = Learner("Olu", "odo-l3", ODO.version, date(2025, 8, 1), date(2026, 4, 1))
    check = item(assess_readiness(ODO, Portfolio(person), date(2025, 9, 1)), "minimum-duration")
    assert check.ok and check.rule.id == "duration-8-months"
    a_day_short = replace(person, planned_end=date(2026, 3, 31))
    assert not item(assess_readiness(ODO, Portfolio(a_day_short), date(2025, 9, 1)), "minimum-duration").ok
    assert ODO.plan.minimum_months is None  # the plan states "typically 12 to 18 months", no minimum


def test_the_standards_own_minimum_applies_only_where_stated() -> None:
    assert minimum_duration(CSP, date(2025, 8, 1))[2].id == "duration-standard-minimum"  # "Minimum of twelve months"
    assert minimum_duration(ODO, date(2025, 8, 1))[2].id == "duration-8-months"


# --- off-the-job hours --------------------------------------------------------------------------------------


def odo_learner(start: date, end: date, **kw) -> Learner:
    return Learner("Olu", "odo-l3", ODO.version, start, end, **kw)


def test_from_august_2025_the_target_is_the_standards_published_minimum() -> None:
    odo = replace(ODO, otj_minimum_hours=400.0)
    status = otj_status(odo_learner(date(2025, 8, 1), date(2026, 8, 1)), odo, (), date(2025, 8, 1))
    assert (status.target, status.target_source, status.rule.id) == (400.0, "standard", "otj-standard-minimum")
    old = otj_status(odo_learner(date(2025, 7, 31), date(2026, 7, 31)), odo, (), date(2025, 8, 1))
    assert old.rule.id == "otj-6-hours"
    assert old.target == pytest.approx(365 / 7 * 46.4 / 52 * 30 * 0.2)  # 279.17: the 6-hour rule, not 400


def test_prior_learning_reduces_the_target_once_the_employer_confirms_it_but_not_below_187_hours() -> None:
    odo = replace(ODO, otj_minimum_hours=400.0)
    proposed = odo_learner(
        date(2025, 9, 1), date(2026, 9, 1), prior_learning_hours=100, prior_learning_reason="Level 2 award held",
        prior_learning_agreed_by="Bea Employer",
    )  # fmt: skip
    waiting = otj_status(proposed, odo, (), date(2025, 9, 1))  # a name typed by the tutor is not the employer's
    assert (waiting.target, waiting.prior_learning) == (400.0, 0.0)
    assert waiting.note == ("100 hours of prior learning await the employer's confirmation: not taken off the "
                            "target until confirmed")
    person = employer_decisions.confirmed(proposed, "prior-learning", "mona", "2025-09-02T10:00:00Z")
    status = otj_status(person, odo, (), date(2025, 9, 1))
    assert status.target == 300.0
    assert status.note == "400 less 100 hours of prior learning (Level 2 award held, confirmed by the employer: mona)"
    changed = otj_status(replace(person, prior_learning_hours=250), odo, (), date(2025, 9, 1))
    assert changed.target == 400.0  # other hours than the employer confirmed wait for the employer again
    floored = otj_status(employer_decisions.confirmed(replace(person, prior_learning_hours=250), "prior-learning",
                                                      "mona", "2025-09-03T10:00:00Z"), odo, (), date(2025, 9, 1))
    assert floored.target == 187.0
    # A learner's own target of 150 (as once accepted) is raised to the floor for a 2025 start.
    assert (
        otj_status(replace(person, prior_learning_hours=0, otj_target_hours=150), odo, (), date(2025, 9, 1)).target
        == 187
    )


def test_part_time_hours_under_the_2022_rule_and_over_the_cap() -> None:
    # 364 days (52 weeks) less 5.6 weeks leave = 46.4 weeks; 16 hours a week x 20% = 3.2 h/week -> 148.48 h.
    person = odo_learner(date(2023, 9, 4), date(2024, 9, 2), contracted_hours_per_week=16)
    assert otj_status(person, ODO, (), date(2023, 9, 4)).target == pytest.approx(148.48)
    # Before Aug 2022 there was no cap: 40 hours -> 8 h/week -> 371.2 h; from Aug 2022 capped at 6 -> 278.4 h.
    before = replace(person, start=date(2021, 9, 6), planned_end=date(2022, 9, 5), contracted_hours_per_week=40)
    assert otj_status(before, ODO, (), date(2021, 9, 6)).target == pytest.approx(371.2)
    assert otj_status(replace(person, contracted_hours_per_week=40), ODO, (), date(2023, 9, 4)).target == pytest.approx(
        278.4
    )


def test_pace_is_the_hours_still_owed_per_week_to_the_end_of_the_practical_period() -> None:
    # Target 350 (set); 100 logged; 10 weeks (70 days) left to the practical end: 25 hours a week.
    person = odo_learner(date(2024, 1, 1), date(2025, 3, 1), otj_target_hours=350)
    entries = day_by_day(date(2024, 6, 1), 100, "teaching")
    status = otj_status(person, ODO, entries, date(2024, 12, 1), practical_end=date(2025, 2, 9))
    assert status.pace == pytest.approx(25.0)
    # Hours after the end of the practical period (the gateway) do not count, even if logged before the EPA.
    late = (*entries, *day_by_day(date(2025, 2, 20), 50, "teaching", len(entries) + 1))
    assert otj_status(person, ODO, late, date(2025, 3, 1), practical_end=date(2025, 2, 9)).logged == 100


def test_the_gateway_reports_rule_source_and_pace_for_the_funding_items() -> None:
    person = odo_learner(date(2024, 1, 1), date(2025, 3, 1), otj_target_hours=300, age_at_start=18)
    doc = assess_readiness(ODO, Portfolio(person), date(2024, 6, 1)).to_dict()
    by_key = {c["key"]: c for c in doc["checklist"]}
    for key, rule in {
        "otj-target": "otj-6-hours",
        "minimum-duration": "duration-12-months",
        "reviews": "reviews-12-weeks",
        "english-maths": "english-maths-required",
    }.items():
        assert by_key[key]["rule"] == rule
        assert funding_rules.rule(rule).source.document in by_key[key]["source"]
    assert by_key["otj-target"]["pace"] == doc["otj"]["pace"] > 0


# --- English and maths by age at start ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "decision", "as_of", "ok", "rule"),
    [
        (18, "not-required", date(2025, 6, 1), False, "english-maths-required"),  # 16-18: always required
        (19, "not-required", date(2025, 6, 1), True, "english-maths-optional-19-plus"),
        (19, "", date(2025, 6, 1), False, "english-maths-optional-19-plus"),  # no decision recorded yet
        (19, "required", date(2025, 6, 1), False, "english-maths-optional-19-plus"),
        (19, "not-required", date(2025, 2, 10), False, "english-maths-required"),  # before 11 Feb 2025
        (19, "not-required", date(2025, 2, 11), True, "english-maths-optional-19-plus"),  # everyone from that day
    ],
)
def test_english_and_maths_by_age_at_start(age: int, decision: str, as_of: date, ok: bool, rule: str) -> None:
    proposed = odo_learner(
        date(2024, 9, 2), date(2026, 3, 2), age_at_start=age, english_maths_decision=decision,
        english_maths_decided_by="Bea Employer",
    )  # fmt: skip
    unconfirmed = item(assess_readiness(ODO, Portfolio(proposed), as_of), "english-maths")
    assert (unconfirmed.ok, unconfirmed.rule.id) == (False, rule)  # a typed name is not the employer's decision
    person = employer_decisions.confirmed(proposed, "english-maths", "mona", "2024-09-03T10:00:00Z") if decision \
        else proposed
    check = item(assess_readiness(ODO, Portfolio(person), as_of), "english-maths")
    assert (check.ok, check.rule.id) == (ok, rule)
    achieved = tuple(PrerequisiteRecord(k, date(2024, 12, 1)) for k in ("maths-l2", "english-l2"))
    assert item(assess_readiness(ODO, Portfolio(person, prerequisites=achieved), as_of), "english-maths").ok


def test_an_entry_requirement_is_not_a_gateway_item() -> None:
    person = Learner("Sam", "csp-l2", CSP.version, date(2025, 8, 1), date(2026, 8, 1), age_at_start=17)
    report = assess_readiness(CSP, Portfolio(person), date(2025, 9, 1))
    keys = {c.key for c in report.checklist}
    assert "english-maths" not in keys and "prerequisite:maths-l1" not in keys
    assert report.entry_requirements == ("Level 1 Maths", "Level 1 English")


# --- breaks -------------------------------------------------------------------------------------------------


def test_a_month_with_no_learning_activity_is_flagged_unless_a_break_covers_it() -> None:
    person = odo_learner(date(2025, 1, 15), date(2026, 3, 1))
    portfolio = Portfolio(
        person,
        evidence=(Evidence(1, "Obs", date(2025, 2, 10), "observation"),),
        otj=(OtjEntry(1, date(2025, 4, 3), 2, "teaching"),),
        reviews=(Review(1, date(2025, 5, 30)),),
    )
    # Whole months from February (January started mid-month) to May (June not over on 20 June).
    assert assess_readiness(ODO, portfolio, date(2025, 6, 20)).quiet_months == (date(2025, 3, 1),)
    on_break = replace(portfolio, breaks=(BreakInLearning(1, date(2025, 3, 10), date(2025, 3, 20)),))
    assert assess_readiness(ODO, on_break, date(2025, 6, 20)).quiet_months == ()


# --- stand-alone qualifications -----------------------------------------------------------------------------


def test_a_stand_alone_qualification_has_no_otj_target_or_review_cadence_but_its_own_limits() -> None:
    person = Learner("Ira", "ilm-l5-si-2011", ILM.version, date(2024, 2, 29), date(2027, 3, 1))
    hours = (
        OtjEntry(1, date(2024, 3, 1), 2, "induction"),
        OtjEntry(2, date(2024, 4, 1), 3, "learning-support"),
        *day_by_day(date(2024, 5, 1), 55, "teaching", 3),
    )
    report = assess_readiness(ILM, Portfolio(person, otj=hours), date(2024, 6, 1))
    keys = [c.key for c in report.checklist]
    assert not {"otj-target", "reviews", "minimum-duration", "english-maths"} & set(keys)
    limit = item(report, "maximum-duration")
    # 3 years from 29 Feb 2024 is 28 Feb 2027 (no 29 Feb in 2027): a planned end on 1 Mar 2027 is too late.
    assert (limit.ok, limit.due) == (False, date(2027, 2, 28))
    assert item(report, "guided-learning").detail == "60 of 60 guided learning hours logged"
    assert item(report, "support:induction").ok and item(report, "support:tutorial-support").ok


def test_a_qualifications_hours_count_no_more_than_a_day_holds() -> None:
    """R7-1 for a stand-alone qualification: one entry of 500 hours (or thirty of 24 on one day), written round the
    store, made its guided learning hours and its support met."""
    person = Learner("Ira", "ilm-l5-si-2011", ILM.version, date(2024, 2, 29), date(2027, 2, 1))
    alone = (OtjEntry(1, date(2024, 5, 1), 500, "teaching"), OtjEntry(2, date(2024, 5, 2), 2, "induction"))
    piled = tuple(OtjEntry(i, date(2024, 5, 1), 24, "induction") for i in range(1, 31))
    for hours, held in ((alone, 2), (piled, 24)):
        report = assess_readiness(ILM, Portfolio(person, otj=hours), date(2024, 6, 1))
        glh = item(report, "guided-learning")
        assert (glh.ok, glh.detail) == (False, f"{held} of 60 guided learning hours logged")
    assert item(assess_readiness(ILM, Portfolio(person, otj=piled), date(2024, 6, 1)), "support:induction").detail \
        == "24 of at least 2 hours logged (as induction)"
