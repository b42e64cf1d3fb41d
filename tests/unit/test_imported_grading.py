"""An imported standard's grading: the combination table, merit, EPA descriptors, the gateway interval."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui.domain.coverage import coverage, duty_coverage
from portfolio_tui.domain.evidence import Evidence, Judgement
from portfolio_tui.domain.gateway import assess_readiness, gateway_date
from portfolio_tui.domain.grading import NO_RULE, predict, validate_grade_values
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import GradeRecord
from portfolio_tui.domain.skills_england import to_standard_document
from portfolio_tui.domain.standard import StandardError, standard_from_dict

FIXTURES = Path(__file__).parents[1] / "fixtures" / "skills_england"
ACCEPT = Judgement("accept", "", "tutor1", "2026-01-05T10:00:00Z")

COMPONENTS = [
    {
        "id": "project",
        "title": "Work-based project",
        "grades": ["fail", "pass", "distinction"],
        "criteria": [
            {"id": "project-p1", "grade": "pass", "text": "Explains how the project met the customer's need."},
            {"id": "project-d1", "grade": "distinction", "text": "Evaluates alternatives and justifies the choice."},
        ],
    },
    {
        "id": "interview",
        "title": "Professional discussion",
        "grades": ["fail", "pass", "merit", "distinction"],
        "criteria": [
            {"id": "interview-p1", "grade": "pass", "text": "Describes the complaints procedure."},
            {"id": "interview-m1", "grade": "merit", "text": "Compares two ways of resolving a complaint."},
            {"id": "interview-d1", "grade": "distinction", "text": "Proposes an improvement to the procedure."},
        ],
    },
]
ROWS = [
    {"grades": ["pass", "pass"], "overall": "pass"},
    {"grades": ["pass", "merit"], "overall": "pass"},
    {"grades": ["pass", "distinction"], "overall": "merit"},
    {"grades": ["distinction", "pass"], "overall": "merit"},
    {"grades": ["distinction", "merit"], "overall": "merit"},
    {"grades": ["distinction", "distinction"], "overall": "distinction"},
]
TABLE = {"kind": "combination-table", "methods": ["project", "interview"], "rows": ROWS}


def imported(**plan) -> dict:
    document = to_standard_document(json.loads((FIXTURES / "st0999-v1.0.json").read_text()), "fixture")
    document["plan"] |= plan
    return document


def standard(**plan):
    return standard_from_dict(imported(**plan))


def portfolio(std, evidence=(), grades=(), epa: date | None = None) -> Portfolio:
    person = Learner("Ann", std.id, std.version, date(2025, 1, 6), date(2026, 7, 31), epa_presentation=epa)
    return Portfolio(person, evidence=tuple(evidence), grades=tuple(grades))


def graded(std, *results: tuple[str, str]):
    grades = [GradeRecord(i, "combination-table", {"component": c, "grade": g}) for i, (c, g) in enumerate(results, 1)]
    p = portfolio(std, grades=grades)
    return predict(std, p, coverage(std, p.live_evidence))


def test_an_imported_standard_without_grading_rules_says_so_instead_of_guessing() -> None:
    std = standard()
    result = predict(std, portfolio(std), coverage(std, ()))
    assert result.grade == NO_RULE
    assert result.reason.startswith("grading rules not imported: add them from the assessment plan")


@pytest.mark.parametrize(
    ("project", "interview", "grade"),
    [
        ("pass", "pass", "Pass"),
        ("pass", "merit", "Pass"),
        ("pass", "distinction", "Merit"),
        ("distinction", "merit", "Merit"),
        ("distinction", "distinction", "Distinction"),
        ("fail", "distinction", "Fail"),
    ],
)
def test_the_combination_table_gives_the_overall_grade(project: str, interview: str, grade: str) -> None:
    std = standard(components=COMPONENTS, grading=[TABLE])
    result = graded(std, ("project", project), ("interview", interview))
    assert result.grade == grade
    assert not result.provisional or grade == "Fail"
    if grade != "Fail":
        assert result.reason == (
            f"{grade}: Work-based project {project.capitalize()} + Professional discussion "
            f"{interview.capitalize()} (combination table)"
        )


def test_one_method_recorded_is_not_yet_gradable_and_the_latest_record_per_method_wins() -> None:
    std = standard(components=COMPONENTS, grading=[TABLE])
    assert graded(std, ("project", "distinction")).reason.startswith(
        "Not yet gradable: no result yet for Professional discussion (Work-based project: Distinction)"
    )
    assert graded(std, ("project", "pass"), ("interview", "pass"), ("project", "distinction")).grade == "Merit"


def test_descriptors_met_are_checked_and_shown_in_the_prediction() -> None:
    std = standard(components=COMPONENTS, grading=[TABLE])
    values = {"component": "interview", "grade": "merit", "met": ["interview-p1", "interview-m1"]}
    assert validate_grade_values(std, "combination-table", values) == []
    assert validate_grade_values(std, "combination-table", values | {"met": ["project-d1"]}) == [
        "met: unknown descriptor 'project-d1' of interview"
    ]
    assert validate_grade_values(std, "combination-table", {"component": "project", "grade": "merit"}) == [
        "grade: must be one of fail, pass, distinction, got 'merit'"
    ]
    p = portfolio(std, grades=[GradeRecord(1, "combination-table", values)])
    details = predict(std, p, coverage(std, ())).details["methods"]["interview"]
    assert details["descriptors"] == {
        "pass": {"met": 1, "of": 1},
        "merit": {"met": 1, "of": 1},
        "distinction": {"met": 0, "of": 1},
    }


def test_descriptors_never_block_the_gateway() -> None:
    std = standard(components=COMPONENTS, grading=[TABLE])
    assert not any(c.id.startswith(("project", "interview")) for c in std.all_criteria())
    report = assess_readiness(std, portfolio(std), date(2026, 1, 1))
    assert "project-p1" not in report.missing and len(report.missing) == len(std.criteria)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (ROWS[:-1], ("$.plan.grading[0].rows", "no row for distinction + distinction")),
        (ROWS + [ROWS[0]], ("$.plan.grading[0].rows[6].grades", "the combination pass + pass is already given at")),
        ([{"grades": ["pass"], "overall": "pass"}, *ROWS], ("$.plan.grading[0].rows[0].grades", "needs 2 grades")),
        (
            [{"grades": ["merit", "pass"], "overall": "pass"}, *ROWS],
            ("$.plan.grading[0].rows[0].grades", "'merit' is not a passing grade of project"),
        ),
    ],
)
def test_a_combination_table_with_a_gap_or_a_clash_is_refused_one_line_each(rows, problem) -> None:
    with pytest.raises(StandardError) as err:
        standard(components=COMPONENTS, grading=[TABLE | {"rows": rows}])
    assert any(path == problem[0] and message.startswith(problem[1]) for path, message in err.value.problems), (
        err.value.problems
    )


def test_a_table_naming_an_unknown_method_is_refused() -> None:
    with pytest.raises(StandardError) as err:
        standard(components=COMPONENTS, grading=[TABLE | {"methods": ["project", "quiz"]}])
    assert ("$.plan.grading[0].methods[1]", "unknown component 'quiz' (not in plan.components)") in err.value.problems


def test_the_gateway_falls_where_the_standards_plan_says() -> None:
    default, three = standard(), standard(gateway_before_epa={"months": 3})
    epa = date(2026, 7, 1)
    assert gateway_date(default, portfolio(default, epa=epa), date(2026, 1, 1)) == date(2026, 6, 1)
    assert gateway_date(three, portfolio(three, epa=epa), date(2026, 1, 1)) == date(2026, 4, 1)
    with pytest.raises(StandardError) as err:
        standard(gateway_before_epa={"months": -1})
    assert err.value.problems == [("$.plan.gateway_before_epa", "an offset counts forward: no negative values")]


def test_coverage_by_duty_names_the_gaps_that_block_each_duty() -> None:
    std = standard()
    p = portfolio(
        std, evidence=[Evidence(1, "Call log", date(2025, 6, 1), "product", ("K1", "S1"), judgements=(ACCEPT,))]
    )
    duties = {d.duty_id: d.missing for d in duty_coverage(std, coverage(std, p.live_evidence))}
    assert duties == {"D1": ("K3", "B1"), "D2": ("S2",), "D3": ("K2", "S3", "B2")}


def hostile_components(methods: int) -> list[dict]:
    """``methods`` EPA methods, each graded fail, pass, merit, distinction and outstanding: four passing grades."""
    return [{"id": f"m{i}", "title": f"Method {i}", "grades": ["fail", "pass", "merit", "distinction", "outstanding"],
             "criteria": [{"id": f"m{i}-p1", "grade": "pass", "text": "Does the thing."}]} for i in range(methods)]


def test_a_hostile_combination_table_is_checked_in_time_linear_in_its_rows() -> None:
    """Review R13: 14 methods of 4 passing grades make 4^14 (268 million) combinations; one row given. The check
    names a few without a row and counts the rest, and returns at once, as it does for 100 rows and for 22
    methods (4^22, 17.6 million million)."""
    import time

    from portfolio_tui.domain import standard as standard_module

    for methods, given in ((14, 1), (14, 100), (22, 1000)):
        names = [f"m{i}" for i in range(methods)]
        rows = [{"grades": ["pass"] * (methods - 1) + [g], "overall": "pass"}
                for g in ("pass", "merit", "distinction", "outstanding")][:1]
        rows += [{"grades": [["pass", "merit", "distinction", "outstanding"][(n >> (2 * k)) & 3]
                             for k in range(methods)], "overall": "merit"} for n in range(1, given)]
        started = time.perf_counter()
        with pytest.raises(StandardError) as err:
            standard(components=hostile_components(methods),
                     grading=[{"kind": "combination-table", "methods": names, "rows": rows}])
        took = time.perf_counter() - started
        missing = [m for p, m in err.value.problems if p == "$.plan.grading[0].rows"]
        assert len(missing) == standard_module.MISSING_ROWS_NAMED + 1, missing
        assert all(m.startswith("no row for ") for m in missing[:-1])
        assert missing[-1] == (f"and {4 ** methods - given - standard_module.MISSING_ROWS_NAMED:,} more combinations "
                               f"have no row (the {methods} methods' passing grades make {4 ** methods:,}, one row "
                               "each)")
        assert took < 2.0, (methods, given, took)


def test_the_combinations_named_as_missing_are_missing_and_a_whole_table_passes() -> None:
    rows = [{"grades": [a, b], "overall": "pass"} for a in ("pass", "distinction")
            for b in ("pass", "merit", "distinction")]
    assert standard(components=COMPONENTS, grading=[TABLE | {"rows": rows}]).plan.grading[0].kind == "combination-table"
    with pytest.raises(StandardError) as err:
        standard(components=COMPONENTS, grading=[TABLE | {"rows": rows[1:4]}])
    assert [m for p, m in err.value.problems if p == "$.plan.grading[0].rows"] == [
        "no row for pass + pass", "no row for distinction + merit", "no row for distinction + distinction"]
