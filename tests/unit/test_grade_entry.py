"""The grade form's fields come from the standard's grading rules; what is chosen or typed is checked
by the services, each refusal naming the field, and nothing is written until every result checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from portfolio_tui.services.errors import InputError
from portfolio_tui.services.grade_entry import grade_fields, grade_intro, record_grades
from portfolio_tui.services.portfolios import PortfolioService
from tests.functional.store_helpers import AS_OF


def _portfolio(tmp_path: Path, standard: str) -> PortfolioService:
    return PortfolioService.create(tmp_path / "p.json", learner="Ava Patel", standard=standard,
                                   start=date(2024, 3, 4), end=date(2025, 9, 30), actor="tess")


def test_a_field_per_component_with_its_grades(tmp_path: Path) -> None:
    service = _portfolio(tmp_path, "odo-l3")
    fields = grade_fields(service.standard)
    assert [(f.name, f.label, f.choices) for f in fields][:2] == [
        ("grade.showcase-portfolio", "Showcase portfolio", ("fail", "pass", "distinction")),
        ("grade.work-based-project", "Work-based project", ("fail", "pass", "distinction"))]
    assert len(fields) == 4


def test_the_components_chosen_are_recorded_one_record_each(tmp_path: Path) -> None:
    service = _portfolio(tmp_path, "odo-l3")
    count = record_grades(service, {"grade.showcase-portfolio": "distinction", "grade.presentation": "pass",
                                    "grade.interview": ""}, on="2025-09-01", note="Panel", as_of=AS_OF)
    assert count == 2
    grades = service.load().grades
    assert [(g.kind, g.values["component"], g.values["grade"], g.values["on"]) for g in grades] == [
        ("weighted-components", "showcase-portfolio", "distinction", "2025-09-01"),
        ("weighted-components", "presentation", "pass", "2025-09-01")]


@pytest.mark.parametrize("typed, field", [
    ({}, "grade.showcase-portfolio"),
    ({"grade.presentation": "pass", "grade.interview": "superb"}, "grade.interview"),
])
def test_a_refusal_names_the_field_and_writes_nothing(tmp_path: Path, typed: dict[str, str], field: str) -> None:
    service = _portfolio(tmp_path, "odo-l3")
    before = service.path.read_bytes()
    with pytest.raises(InputError) as refused:
        record_grades(service, typed, on="2025-09-01", as_of=AS_OF)
    assert refused.value.field == field
    assert service.path.read_bytes() == before


def test_criteria_met_per_method_are_whole_numbers_within_the_method(tmp_path: Path) -> None:
    service = _portfolio(tmp_path, "csp-l2")
    names = [f.name for f in grade_fields(service.standard)]
    assert names[:2] == ["pass_met.showcase", "distinction_met.showcase"]
    for typed, field in (({"pass_met.showcase": "lots"}, "pass_met.showcase"),
                         ({"pass_met.observation": "99"}, "pass_met.observation")):
        with pytest.raises(InputError) as refused:
            record_grades(service, typed, on="2025-09-01", as_of=AS_OF)
        assert refused.value.field == field
    record_grades(service, {"pass_met.showcase": "30", "distinction_met.showcase": "7"}, on="2025-09-01",
                  as_of=AS_OF)
    [grade] = service.load().grades
    assert (grade.values["method"], grade.values["pass_met"], grade.values["distinction_met"]) == ("showcase", 30, 7)


def test_a_standard_judged_criterion_by_criterion_has_no_grade_fields(tmp_path: Path) -> None:
    """So the gateway does not offer G for it (its rule records no results)."""
    service = _portfolio(tmp_path, "ilm-l5-si-2012")
    assert grade_fields(service.standard) == ()
    with pytest.raises(InputError) as refused:
        record_grades(service, {}, on="2025-09-01", as_of=AS_OF)
    assert refused.value.field == "kind"


@pytest.mark.parametrize("standard, asks", [
    ("odo-l3", "Choose a result for each component assessed; leave the others empty."),
    ("csp-l2", "Give how many pass and distinction criteria each assessed method met; leave the others empty."),
    ("ilm-l5-si-2011", "Give each section's mark; leave the others empty."),
])
def test_the_grade_form_asks_for_what_the_standards_rules_record(tmp_path: Path, standard: str, asks: str) -> None:
    """csp-l2 records counts of criteria met, not a grade to choose: the form's first line says so."""
    assert grade_intro(_portfolio(tmp_path, standard).standard) == asks
