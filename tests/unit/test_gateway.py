"""Gateway readiness: the checklist built from each plan, and RAG green / amber / red."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from portfolio_tui import catalog
from portfolio_tui.domain.evidence import Evidence, Judgement
from portfolio_tui.domain.gateway import assess_readiness, minimum_duration
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import (
    BreakInLearning,
    ChecklistRecord,
    GradeRecord,
    MilestoneDone,
    OtjEntry,
    PrerequisiteRecord,
    Review,
)
from tests.unit.otj_days import day_by_day

CSP = catalog.get("csp-l2")
ODO = catalog.get("odo-l3")
ILM = catalog.get("ilm-l5-si-2011")
ACCEPT = Judgement("accept", "", "assessor1", "2024-12-01T10:00:00Z")
AS_OF = date(2025, 2, 20)  # gateway date is 2025-02-28, a month before the planned end 2025-03-31


LAST_DAY = date(2025, 2, 14)


def ready_csp() -> Portfolio:
    """A Customer Service Practitioner apprentice with everything in place, last day of learning 2025-02-14."""
    required = [c.id for c in CSP.all_criteria() if c.required_for_gateway]
    return Portfolio(
        Learner(
            "Sam Practitioner",
            "csp-l2",
            CSP.version,
            date(2024, 1, 8),
            date(2025, 3, 31),
            otj_target_hours=310,
            age_at_start=19,
            last_day_of_learning=LAST_DAY,
        ),  # fmt: skip
        evidence=(
            Evidence(1, "Observation", date(2024, 11, 1), "observation", tuple(required), judgements=(ACCEPT,)),
            Evidence(2, "Final coaching session", LAST_DAY, "reflective-account", judgements=(ACCEPT,)),
        ),
        # A 2024 start follows the 12-week rule: each review is due 84 days after the one before:
        # 2024-04-01 (start + 84), 06-24, 09-12, 12-03, 2025-02-23.
        reviews=tuple(
            Review(i, d)
            for i, d in enumerate([date(2024, 4, 1), date(2024, 6, 20), date(2024, 9, 10), date(2024, 12, 1)], 1)
        ),
        otj=(*day_by_day(date(2024, 6, 1), 310, "teaching"), OtjEntry(20, date(2024, 6, 20), 20, "english-maths")),
        prerequisites=(
            PrerequisiteRecord("maths-l1", date(2023, 6, 1), recorded_by="tutor1"),
            PrerequisiteRecord("english-l1", date(2023, 6, 1), recorded_by="tutor1"),
        ),
        checklist=tuple(
            ChecklistRecord(key, date(2025, 2, 1), recorded_by="employer1")
            for key in ("epa-organisation-chosen", "epa-month-decided", "epa-booked", "employer-confirmation")
        ),
    )


def item(report, key: str):
    return next(c for c in report.checklist if c.key == key)


def test_everything_in_place_is_green_and_ready() -> None:
    report = assess_readiness(CSP, ready_csp(), AS_OF)
    assert [c.key for c in report.checklist] == [
        "criteria",
        "minimum-duration",
        "otj-target",
        "reviews",
        "last-day-of-learning",
        "timeline",
        "epa-organisation-chosen",
        "epa-month-decided",
        "epa-booked",
        "employer-confirmation",
    ]
    assert [c.key for c in report.checklist if not c.ok] == []
    assert (report.rag, report.ready) == ("green", True)
    assert report.gateway_date == LAST_DAY
    assert (report.coverage.full, report.coverage.total, report.missing) == (34, 34, ())
    assert item(report, "criteria").detail == "34 of 34 criteria fully covered"
    assert item(report, "otj-target").detail == "310 of 310.0 hours logged to 2025-02-14"
    assert item(report, "epa-booked").detail == "done 2025-02-01 by employer1"
    # CSP's Level 1 English and maths is an entry requirement, not a gateway item.
    assert report.entry_requirements == ("Level 1 Maths", "Level 1 English")
    assert {m.key: m.status for m in report.milestones} == {"showcase-compiled": "open", "end": "upcoming"}


def test_an_item_still_open_before_the_gateway_date_is_amber() -> None:
    portfolio = ready_csp()
    portfolio = replace(portfolio, checklist=tuple(c for c in portfolio.checklist if c.key != "epa-booked"))
    report = assess_readiness(CSP, portfolio, date(2025, 2, 10))
    assert (report.rag, report.ready) == ("amber", False)
    assert [(c.key, c.due) for c in report.open_items] == [("last-day-of-learning", LAST_DAY), ("epa-booked", LAST_DAY)]
    # The same gap after the gateway date is red.
    assert assess_readiness(CSP, portfolio, date(2025, 2, 15)).rag == "red"


def test_the_last_day_of_learning_needs_evidence_of_learning_on_it() -> None:
    portfolio = ready_csp()
    no_evidence = replace(portfolio, evidence=portfolio.evidence[:1])
    report = assess_readiness(CSP, no_evidence, AS_OF)
    assert item(report, "last-day-of-learning").detail == "2025-02-14: no evidence or off-the-job hours dated on it"
    assert report.rag == "red"
    hours_that_day = replace(no_evidence, otj=(*portfolio.otj, OtjEntry(21, LAST_DAY, 2, "teaching")))
    assert item(assess_readiness(CSP, hours_that_day, AS_OF), "last-day-of-learning").ok
    unrecorded = replace(portfolio, learner=replace(portfolio.learner, last_day_of_learning=None))
    report = assess_readiness(CSP, unrecorded, AS_OF)
    assert (item(report, "last-day-of-learning").detail, report.gateway_date) == ("not recorded", date(2025, 2, 28))


def test_missing_criteria_before_the_gateway_date_are_amber_and_named() -> None:
    portfolio = ready_csp()
    evidence = replace(portfolio.evidence[0], criteria=tuple(c for c in portfolio.evidence[0].criteria if c != "B4"))
    report = assess_readiness(CSP, replace(portfolio, evidence=(evidence, portfolio.evidence[1])), date(2025, 2, 10))
    assert report.missing == ("B4",)
    assert item(report, "criteria").detail == "33 of 34 criteria fully covered; missing: B4"


def test_a_missed_review_is_red_and_stays_listed_after_a_late_review() -> None:
    portfolio = ready_csp()
    late = (*portfolio.reviews[:1], Review(9, date(2024, 10, 1)), *portfolio.reviews[3:])
    report = assess_readiness(CSP, replace(portfolio, reviews=late), AS_OF)
    assert report.rag == "red"
    reviews = item(report, "reviews")
    assert (reviews.ok, reviews.rule.id) == (False, "reviews-12-weeks")
    # The next would be due 2025-02-23, after the last day of learning: nothing more falls due.
    assert reviews.detail == "every 12 weeks: missed: due 2024-06-24, held 2024-10-01"


def test_minimum_duration_is_the_later_of_the_plan_and_the_funding_rule() -> None:
    # Before Aug 2025: 372 days beats CSP's 12 months; from Aug 2025 the plan's 12 months beat 8 months.
    assert minimum_duration(CSP, date(2024, 1, 8))[0] == date(2025, 1, 14)
    assert minimum_duration(CSP, date(2025, 8, 1))[:2] == (date(2026, 8, 1), "12 months (the standard's plan)")
    assert minimum_duration(CSP, date(2025, 8, 1))[2].id == "duration-standard-minimum"
    short = ready_csp()
    short = replace(short, learner=replace(short.learner, planned_end=date(2025, 1, 13)))
    report = assess_readiness(CSP, short, date(2024, 6, 1))
    assert (item(report, "minimum-duration").ok, item(report, "minimum-duration").due) == (False, None)
    assert report.rag == "red"
    enough = replace(short, learner=replace(short.learner, planned_end=date(2025, 1, 14)))
    assert item(assess_readiness(CSP, enough, date(2024, 6, 1)), "minimum-duration").ok


def test_an_unknown_off_the_job_target_keeps_the_item_open() -> None:
    portfolio = ready_csp()
    portfolio = replace(
        portfolio,
        learner=replace(
            portfolio.learner, start=date(2025, 8, 4), otj_target_hours=None, planned_end=date(2026, 10, 30)
        ),
    )
    report = assess_readiness(CSP, portfolio, date(2026, 9, 1))
    assert report.otj.state == "unknown"
    assert not item(report, "otj-target").ok
    assert "set the learner's target" in item(report, "otj-target").detail


def test_a_break_moves_the_gateway_date() -> None:
    portfolio = ready_csp()
    portfolio = replace(portfolio, learner=replace(portfolio.learner, last_day_of_learning=None))
    portfolio = replace(portfolio, breaks=(BreakInLearning(1, date(2024, 8, 1), date(2024, 8, 31)),))
    report = assess_readiness(CSP, portfolio, AS_OF)
    assert report.effective_end == date(2025, 4, 30)
    assert report.gateway_date == date(2025, 3, 30)


def test_odo_overdue_milestone_makes_the_timeline_red() -> None:
    person = Learner("Olu Officer", "odo-l3", ODO.version, date(2025, 3, 3), date(2026, 8, 31))
    report = assess_readiness(ODO, Portfolio(person), date(2026, 3, 2))  # plan review was due 2026-02-28
    timeline = item(report, "timeline")
    assert not timeline.ok
    assert timeline.detail == "overdue: Review progress and plan the end-point assessment (2026-02-28)"
    assert report.rag == "red"
    done = Portfolio(person, milestones_done=(MilestoneDone("plan-review", date(2026, 2, 27), "tutor1"),))
    assert item(assess_readiness(ODO, done, date(2026, 3, 2)), "timeline").ok


def test_odo_checklist_has_its_prerequisites_and_employer_confirmation() -> None:
    person = Learner("Olu Officer", "odo-l3", ODO.version, date(2025, 3, 3), date(2026, 8, 31))
    report = assess_readiness(ODO, Portfolio(person), date(2025, 6, 1))
    assert [c.key for c in report.checklist if c.key.startswith("prerequisite:")] == [
        "prerequisite:l2-award-operational-delivery",
        "prerequisite:l3-certificate-operational-delivery",
    ]
    english_maths = item(report, "english-maths")  # ODO's Level 2 English and maths, by the age rule
    assert english_maths.detail.startswith("required: the age at the start is not recorded")
    assert {"epa-organisation-chosen", "employer-confirmation"} <= {c.key for c in report.checklist}
    assert report.prediction.grade == "Not yet gradable"


def test_a_qualification_is_not_held_to_apprenticeship_funding_rules() -> None:
    person = Learner("Ira Improver", "ilm-l5-si-2011", ILM.version, date(2025, 1, 6), date(2026, 1, 30))
    report = assess_readiness(ILM, Portfolio(person), date(2025, 6, 1))
    assert [c.key for c in report.checklist] == [
        "criteria", "maximum-duration", "guided-learning", "support:induction", "support:tutorial-support",
        "timeline",
    ]  # fmt: skip
    assert report.rag == "amber"  # guided learning and support hours fall due by the 3-year limit


def test_the_json_document_has_the_keys_the_cli_keeps() -> None:
    doc = assess_readiness(CSP, ready_csp(), AS_OF).to_dict()
    json.dumps(doc)
    assert {
        "learner",
        "standard",
        "ready",
        "rag",
        "coverage",
        "missing",
        "milestones",
        "checklist",
        "otj",
        "predicted_grade",
    } <= set(doc)
    assert set(doc["coverage"]) == {"full", "partial", "none", "total"}
    assert {"key", "date", "status"} <= set(doc["milestones"][0])
    assert {"key", "ok", "detail"} <= set(doc["checklist"][0])
    assert (doc["otj"]["logged"], doc["otj"]["target"]) == (310, 310)
    assert {"grade", "reason"} <= set(doc["predicted_grade"])
    assert (doc["learner"], doc["standard"], doc["ready"], doc["rag"]) == ("Sam Practitioner", "csp-l2", True, "green")


def test_a_recorded_fail_or_referral_keeps_the_learner_red() -> None:
    ready = ready_csp()
    passed = GradeRecord(1, "per-method-thresholds", {"method": "observation", "pass_met": 25, "distinction_met": 0})
    failed = GradeRecord(2, "per-method-thresholds", {"method": "showcase", "pass_met": 29, "distinction_met": 0})
    assert assess_readiness(CSP, replace(ready, grades=(passed,)), AS_OF).rag == "green"
    report = assess_readiness(CSP, replace(ready, grades=(passed, failed)), AS_OF)
    assert (report.rag, report.ready, report.prediction.grade) == ("red", False, "Fail")
    assert item(report, "recorded-results").detail == report.prediction.reason
