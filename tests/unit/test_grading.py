"""Each grading rule kind on the seeds' own numbers, at and around its boundaries, and grade-record validation."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui import catalog
from portfolio_tui.domain.coverage import coverage
from portfolio_tui.domain.evidence import Evidence, Judgement
from portfolio_tui.domain.grading import (
    cohort_top,
    criterion_assessment,
    mark_sheet,
    method_grade,
    predict,
    validate_grade_values,
)
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import GradeRecord
from portfolio_tui.services.standing import cohort_standing

ODO = catalog.get("odo-l3")
CSP = catalog.get("csp-l2")
ILM = catalog.get("ilm-l5-si-2011")
ILM_2012 = catalog.get("ilm-l5-si-2012")
OCR = catalog.get("ocr-cs")
ACCEPT = Judgement("accept", "", "assessor1", "2026-01-05T10:00:00Z")
REFER = Judgement("refer", "one example only", "assessor1", "2026-01-05T10:00:00Z")
ILM_IDS = ["M5.33-1.1", "M5.33-1.2", "M5.33-2.1", "M5.34-1.1", "M5.34-1.2", "M5.34-1.3", "M5.34-2.1"]


def rule(standard, kind: str):
    return next(r for r in standard.plan.grading if r.kind == kind)


def portfolio(standard, evidence=(), grades=()) -> Portfolio:
    person = Learner("Ann", standard.id, standard.version, date(2025, 1, 6), date(2026, 7, 31))
    return Portfolio(person, evidence=tuple(evidence), grades=tuple(grades))


def piece(eid: int, *criteria: str, judgements=(ACCEPT,)) -> Evidence:
    return Evidence(eid, f"E{eid}", date(2025, 6, 1), "project", criteria, judgements=judgements)


def prediction(standard, evidence=(), grades=()):
    p = portfolio(standard, evidence, grades)
    return predict(standard, p, coverage(standard, p.live_evidence))


def records(kind: str, *values: dict) -> list[GradeRecord]:
    return [GradeRecord(i, kind, v) for i, v in enumerate(values, 1)]


# --- mark sheet: 5/10, 22/44, 23/46, total >= 50, no compensation (seed 001) -------------------------------


@pytest.mark.parametrize(
    ("define", "apply", "report", "grade", "named"),
    [
        (5, 22, 23, "Pass", []),  # every minimum exactly: total 50
        (6, 30, 20, "Referral", ["report"]),  # total 56, but report below 23
        (4, 23, 23, "Referral", ["define"]),  # total 50, define 4 of 10: no compensation
        (5, 21, 24, "Referral", ["apply"]),
        (5, 22, 22, "Referral", ["report"]),  # total 49
        (10, 44, 22, "Referral", ["report"]),  # 76 of 100 cannot make up for the report
        (4, 21, 22, "Referral", ["define", "apply", "report"]),
        (10, 44, 46, "Pass", []),
    ],
)
def test_mark_sheet_boundaries(define: int, apply: int, report: int, grade: str, named: list[str]) -> None:
    values = {"role": "qa", "sections": {"define": define, "apply": apply, "report": report}}
    result = mark_sheet(rule(ILM, "mark-sheet"), values)
    assert result.grade == grade
    assert result.details["referred_sections"] == named
    assert result.details["total"] == define + apply + report
    assert result.provisional is False


def test_a_referral_names_the_section_and_the_total() -> None:
    values = {"role": "qa", "sections": {"define": 5, "apply": 22, "report": 22}}
    reason = mark_sheet(rule(ILM, "mark-sheet"), values).reason
    assert reason.startswith("Referral: Report on the project process and outcomes (22 of 46, minimum 23)")
    assert "total 49 of 100, below 50" in reason


def test_the_assessor_mark_is_provisional_until_quality_assured() -> None:
    assessor = {"role": "assessor", "sections": {"define": 6, "apply": 30, "report": 30}}
    first = prediction(ILM, [piece(1, *ILM_IDS)], records("mark-sheet", assessor))
    assert (first.grade, first.provisional) == ("Pass", True)
    assert "not yet quality-assured" in first.reason
    qa = {"role": "qa", "sections": {"define": 6, "apply": 30, "report": 22}}
    later_assessor = {"role": "assessor", "sections": {"define": 9, "apply": 40, "report": 40}}
    final = prediction(ILM, [piece(1, *ILM_IDS)], records("mark-sheet", assessor, qa, later_assessor))
    assert (final.grade, final.provisional) == ("Referral", False)


@given(st.integers(0, 10), st.integers(0, 44), st.integers(0, 46))
def test_mark_sheet_passes_exactly_when_every_section_meets_its_minimum(d: int, a: int, r: int) -> None:
    result = mark_sheet(rule(ILM, "mark-sheet"), {"role": "qa", "sections": {"define": d, "apply": a, "report": r}})
    # The minimums add up to the pass total (5 + 22 + 23 = 50), so the total never decides on its own.
    assert (result.grade == "Pass") == (d >= 5 and a >= 22 and r >= 23)


# --- criterion assessment (ILM): every criterion evidenced -------------------------------------------------


def test_every_criterion_evidenced_passes() -> None:
    result = criterion_assessment(ILM, coverage(ILM, [piece(1, *ILM_IDS)]), [piece(1, *ILM_IDS)])
    assert (result.grade, result.reason) == ("Pass", "Pass: all 7 assessment criteria evidenced")


def test_a_referred_criterion_is_named() -> None:
    evidence = [piece(1, *ILM_IDS[:-1]), piece(2, "M5.34-2.1", judgements=(REFER,))]
    result = criterion_assessment(ILM, coverage(ILM, evidence), evidence)
    assert (result.grade, result.reason) == ("Refer", "Refer: M5.34-2.1 not adequately evidenced")
    assert result.details["criteria"]["M5.34-2.1"] == "refer"


def test_criteria_not_yet_evidenced_make_it_not_yet_gradable() -> None:
    evidence = [
        piece(1, *ILM_IDS[:5]),
        piece(2, "M5.34-1.3", judgements=(REFER,)),
        piece(3, "M5.34-2.1", judgements=()),
    ]
    result = criterion_assessment(ILM, coverage(ILM, evidence), evidence)
    assert result.grade == "Not yet gradable"
    assert result.reason == "Not yet gradable: 1 of 7 criteria still missing (M5.34-2.1); referred: M5.34-1.3"


def test_ilm_2011_needs_both_rules() -> None:
    all_evidence = [piece(1, *ILM_IDS)]
    waiting = prediction(ILM, all_evidence)
    assert waiting.grade == "Not yet gradable"
    assert waiting.reason == "Not yet gradable: all 7 assessment criteria evidenced; no project mark sheet recorded yet"
    passed = {"role": "qa", "sections": {"define": 7, "apply": 30, "report": 30}}
    assert prediction(ILM, all_evidence, records("mark-sheet", passed)).grade == "Pass"
    referred = [piece(1, *ILM_IDS[:-1]), piece(2, "M5.34-2.1", judgements=(REFER,))]
    assert prediction(ILM, referred, records("mark-sheet", passed)).grade == "Refer"


def test_a_standard_without_criteria_cannot_be_graded_by_criterion_assessment() -> None:
    assert prediction(ILM_2012).reason == "Not yet gradable: the standard file lists no assessment criteria"


# --- per-method thresholds (CSP, seed 003): 30+10 (7), 25+5 (4), 7+4 (3) -------------------------------------


@pytest.mark.parametrize(
    ("method", "pass_met", "distinction_met", "grade"),
    [
        ("showcase", 30, 7, "Distinction"),
        ("showcase", 30, 6, "Pass"),
        ("showcase", 29, 10, "Fail"),
        ("observation", 25, 4, "Distinction"),
        ("observation", 25, 3, "Pass"),
        ("observation", 24, 5, "Fail"),
        ("professional-discussion", 7, 3, "Distinction"),
        ("professional-discussion", 7, 2, "Pass"),
        ("professional-discussion", 6, 4, "Fail"),
    ],
)
def test_method_thresholds(method: str, pass_met: int, distinction_met: int, grade: str) -> None:
    params = next(m for m in rule(CSP, "per-method-thresholds").params["methods"] if m["component"] == method)
    assert method_grade(params, pass_met, distinction_met)[0] == grade


def csp_results(showcase=(30, 7), observation=(25, 4), discussion=(7, 3)) -> list[GradeRecord]:
    values = [("showcase", showcase), ("observation", observation), ("professional-discussion", discussion)]
    return records(
        "per-method-thresholds",
        *({"method": m, "pass_met": p, "distinction_met": d} for m, (p, d) in values if (p, d) != (None, None)),
    )


def test_csp_reason_says_what_a_distinction_needs() -> None:
    result = prediction(CSP, grades=csp_results(observation=(25, 3)))
    assert result.grade == "Pass"
    assert result.reason.startswith("Pass: Observation needs 1 more distinction criterion for Distinction")
    assert result.provisional
    assert "no table combining the method grades" in result.reason


def test_csp_every_method_at_distinction_is_a_provisional_distinction() -> None:
    result = prediction(CSP, grades=csp_results())
    assert (result.grade, result.provisional) == ("Distinction", True)


def test_csp_a_missed_pass_criterion_in_any_method_fails() -> None:
    result = prediction(CSP, grades=csp_results(discussion=(6, 4)))
    assert (result.grade, result.provisional) == ("Fail", False)
    assert result.reason == "Fail: Professional Discussion: 1 pass criterion not met (6 of 7)"


def test_csp_with_a_method_still_to_assess_is_not_yet_gradable() -> None:
    result = prediction(CSP, grades=csp_results(discussion=(None, None)))
    assert result.grade == "Not yet gradable"
    assert "no result yet for Professional Discussion" in result.reason


def test_the_latest_record_for_a_method_wins() -> None:
    grades = [
        *csp_results(observation=(24, 0)),
        GradeRecord(9, "per-method-thresholds", {"method": "observation", "pass_met": 25}),
    ]
    assert prediction(CSP, grades=grades).grade == "Pass"


def test_with_nothing_recorded_the_prediction_comes_from_coverage() -> None:
    result = prediction(CSP)
    assert result.grade == "Not yet gradable"
    assert result.reason == "Not yet gradable: 34 criteria still missing; no method results recorded yet"


# --- weighted components (ODO, seed 002): 50/20/20/10 ----------------------------------------------------------

ODO_COMPONENTS = ("showcase-portfolio", "work-based-project", "presentation", "interview")


def odo_results(**grades: str) -> list[GradeRecord]:
    chosen = {c: grades.get(c.replace("-", "_"), "pass") for c in ODO_COMPONENTS}
    return records("weighted-components", *({"component": c, "grade": g} for c, g in chosen.items() if g))


@pytest.mark.parametrize("component", ["showcase_portfolio", "work_based_project", "presentation", "interview"])
def test_odo_a_fail_in_any_component_is_the_apps_provisional_reading_with_the_plans_words(component: str) -> None:
    result = prediction(ODO, grades=odo_results(**{component: "fail"}))
    assert (result.grade, result.provisional) == ("Fail", True)
    assert "is the app's interpretation, the plan says: 'Each component will be assessed discretely" in result.reason


def test_odo_weighted_aggregate_mark_from_grades_on_the_apps_scale() -> None:
    # Distinction 100 x 50% + Pass 50 x 20% + Pass 50 x 20% + Distinction 100 x 10% = 50 + 10 + 10 + 10 = 80.
    result = prediction(ODO, grades=odo_results(showcase_portfolio="distinction", interview="distinction"))
    assert result.details["aggregate"] == 80.0
    assert "weighted aggregate mark 80.0 of 100 (grades as marks on the app's scale" in result.reason


def test_odo_weighted_aggregate_mark_from_recorded_marks() -> None:
    # 72 x 0.5 + 65 x 0.2 + 58 x 0.2 + 80 x 0.1 = 36 + 13 + 11.6 + 8 = 68.6
    marks = {"showcase-portfolio": 72, "work-based-project": 65, "presentation": 58, "interview": 80}
    grades = records("weighted-components", *({"component": c, "grade": "pass", "mark": m} for c, m in marks.items()))
    result = prediction(ODO, grades=grades)
    assert result.details["aggregate"] == pytest.approx(68.6)
    assert "weighted aggregate mark 68.6 of 100;" in result.reason


def test_cohort_top_ten_percent() -> None:
    # 20 learners: the top 10% is 2 marks; a tie with the second is in too.
    marks = {f"l{i}": float(i) for i in range(20)}
    assert cohort_top(marks, 10) == {"l19", "l18"}
    assert cohort_top({**marks, "tied": 18.0}, 10) == {"l19", "l18", "tied"}
    assert cohort_top({"only": 40.0}, 10) == {"only"}
    assert cohort_top({}, 10) == set()


@given(st.lists(st.tuples(st.sampled_from(["odo-l3", "csp-l2"]), st.integers(0, 12).map(float),
                          st.sampled_from([10.0, 25.0])) | st.none(), max_size=40))
def test_cohort_standing_is_each_learners_rank_and_top_share_among_the_marks_on_their_standard(
    aggregates: list[tuple[str, float, float] | None],
) -> None:
    """Worked out with each standard's marks sorted once (time n log n), it says what counting every other
    learner's mark for each learner says, ties included."""
    standing = cohort_standing(aggregates)
    assert len(standing) == len(aggregates)
    for index, (item, found) in enumerate(zip(aggregates, standing, strict=True)):
        if item is None:
            assert found is None
            continue
        cohort = {str(i): other[1] for i, other in enumerate(aggregates) if other is not None and other[0] == item[0]}
        assert found == {"aggregate": item[1], "cohort_size": len(cohort),
                         "rank": 1 + sum(mark > item[1] for mark in cohort.values()),
                         "top_percent": item[2], "in_top": str(index) in cohort_top(cohort, item[2])}


def test_odo_all_passed_predicts_a_provisional_pass() -> None:
    result = prediction(ODO, grades=odo_results(showcase_portfolio="distinction", interview="distinction"))
    assert (result.grade, result.provisional) == ("Pass", True)
    assert "60% of the weight at Distinction" in result.reason
    assert "top 10% of the cohort" in result.reason


def test_odo_every_component_at_distinction_is_only_a_provisional_distinction() -> None:
    grades = odo_results(
        showcase_portfolio="distinction",
        work_based_project="distinction",
        presentation="distinction",
        interview="distinction",
    )
    result = prediction(ODO, grades=grades)
    assert (result.grade, result.provisional) == ("Distinction", True)
    assert result.reason.startswith("Distinction (provisional)")


def test_odo_missing_component_is_not_yet_gradable() -> None:
    result = prediction(ODO, grades=odo_results(interview=""))
    assert result.grade == "Not yet gradable"
    assert "no result yet for Interview" in result.reason


def test_a_standard_without_a_grading_rule_says_so() -> None:
    result = prediction(OCR)
    assert result.grade == "No grading rule"
    assert result.reason.startswith("The source gives no grading rule")


# --- validation for `grade record` -----------------------------------------------------------------------------


def test_valid_values_pass_validation() -> None:
    assert (
        validate_grade_values(
            ILM,
            "mark-sheet",
            {"role": "qa", "sections": {"define": 5, "apply": 22, "report": 23}, "by": "Iqa One", "on": "2026-05-01"},
        )
        == []
    )
    assert (
        validate_grade_values(
            CSP, "per-method-thresholds", {"method": "observation", "pass_met": 25, "distinction_met": 5}
        )
        == []
    )
    assert validate_grade_values(ODO, "weighted-components", {"component": "interview", "grade": "distinction"}) == []


@pytest.mark.parametrize(
    ("standard", "kind", "values", "problems"),
    [
        (
            ILM,
            "mark-sheet",
            {"sections": {"define": 11, "apply": 22, "report": 23}},
            ["sections.define: 11 is more than the 10 available"],
        ),
        (
            ILM,
            "mark-sheet",
            {"sections": {"define": -1, "apply": 22.5, "report": 23}},
            ["sections.define: must not be negative, got -1", "sections.apply: must be a whole number, got 22.5"],
        ),
        (
            ILM,
            "mark-sheet",
            {"sections": {"define": 5, "apply": 22, "report": 23, "extra": 3}},
            ["sections.extra: unknown section (expected define, apply, report)"],
        ),
        (ILM, "mark-sheet", {"sections": {"define": 5, "apply": 22}}, ["sections.report: required"]),
        (
            ILM,
            "mark-sheet",
            {"role": "iqa", "sections": {"define": 5, "apply": 22, "report": 23}, "on": "1/5/26"},
            ["role: must be assessor or qa, got 'iqa'", "on: '1/5/26' is not an ISO date (YYYY-MM-DD)"],
        ),
        (
            CSP,
            "per-method-thresholds",
            {"method": "interview", "pass_met": 1},
            ["method: unknown method 'interview' (expected showcase, observation, professional-discussion)"],
        ),
        (
            CSP,
            "per-method-thresholds",
            {"method": "observation", "pass_met": 26, "distinction_met": 6},
            ["pass_met: 26 is more than the 25 available", "distinction_met: 6 is more than the 5 available"],
        ),
        (
            CSP,
            "per-method-thresholds",
            {"method": "observation", "pass_met": True},
            ["pass_met: must be a whole number, got True"],
        ),
        (
            ODO,
            "weighted-components",
            {"component": "essay", "grade": "pass"},
            [
                "component: unknown component 'essay' (expected showcase-portfolio, work-based-project, presentation, "
                "interview)"
            ],
        ),
        (
            ODO,
            "weighted-components",
            {"component": "interview", "grade": "merit", "score": 3},
            [
                "grade: must be one of fail, pass, distinction, got 'merit'",
                "score: unknown field for weighted-components (expected component, grade, mark, by, on, note)",
            ],
        ),
        (ODO, "mark-sheet", {}, ["kind: odo-l3 has no 'mark-sheet' rule (it records: weighted-components)"]),
        (
            OCR,
            "weighted-components",
            {},
            ["kind: ocr-cs has no 'weighted-components' rule (it has no rule that records results)"],
        ),
        (
            ILM,
            "criterion-assessment",
            {},
            ["kind: criterion assessment is recorded by judging the evidence for each criterion, not as a grade"],
        ),
        (ODO, "weighted-components", ["interview"], ["values: must be an object"]),
    ],
)
def test_invalid_values_are_named(standard, kind: str, values, problems: list[str]) -> None:
    assert validate_grade_values(standard, kind, values) == problems
