"""The two ILM Level 5 Service Improvement data files: schema-valid, loadable, faithful to seeds 001 and 000."""

from __future__ import annotations

import pytest

from portfolio_tui.domain.standard import Standard, standard_from_dict

from .standard_files import schema_errors, seed_text, squash, standard_data

SEED_2011 = "001_5f4bd481029904e2.txt"
SEED_2012 = "000_1846370b08a8d6ba.txt"

CRITERIA_2011 = ["M5.33-1.1", "M5.33-1.2", "M5.33-2.1", "M5.34-1.1", "M5.34-1.2", "M5.34-1.3", "M5.34-2.1"]


@pytest.fixture(scope="module")
def si2011() -> Standard:
    return standard_from_dict(standard_data("ilm-l5-si-2011"))


@pytest.fixture(scope="module")
def si2012() -> Standard:
    return standard_from_dict(standard_data("ilm-l5-si-2012"))


@pytest.mark.parametrize("name", ["ilm-l5-si-2011", "ilm-l5-si-2012"])
def test_file_matches_schema(name: str) -> None:
    assert schema_errors(standard_data(name)) == []


def test_2011_identity(si2011: Standard) -> None:
    assert (si2011.id, si2011.kind, si2011.level) == ("ilm-l5-si-2011", "qualification", 5)
    assert (si2011.version, si2011.reference) == ("500/7552/4", "QCF 500/7552/4")
    assert si2011.partial is False


def test_2011_has_exactly_the_seven_criteria_in_their_units(si2011: Standard) -> None:
    assert [c.id for c in si2011.all_criteria()] == CRITERIA_2011
    assert {c.kind for c in si2011.all_criteria()} == {"assessment-criterion"}
    units = {g.id: g for g in si2011.groups}
    assert {g.kind for g in units.values()} == {"unit"}
    assert (units["M5.33"].credits, units["M5.34"].credits) == (8, 12)
    assert [lo.id for lo in units["M5.33"].groups] == ["M5.33-LO1", "M5.33-LO2"]
    assert [lo.id for lo in units["M5.34"].groups] == ["M5.34-LO1", "M5.34-LO2"]
    assert {lo.kind for u in units.values() for lo in u.groups} == {"learning-outcome"}
    assert si2011.criterion("M5.34-1.3").group_id == "M5.34-LO1"


def test_2011_texts_are_verbatim_from_seed_001(si2011: Standard) -> None:
    seed = seed_text(SEED_2011)
    for criterion in si2011.all_criteria():
        assert squash(criterion.text) in seed, criterion.id
    for group in si2011.all_groups():
        assert squash(group.title) in seed, group.id
    assert si2011.criterion("M5.33-1.1").text == "Define an aspect of service delivery requiring improvement"


def test_2011_mark_sheet(si2011: Standard) -> None:
    sheets = [r for r in si2011.plan.grading if r.kind == "mark-sheet"]
    assert len(sheets) == 1
    sheet = sheets[0].params
    assert [s["max"] for s in sheet["sections"]] == [10, 44, 46]
    assert [s["min"] for s in sheet["sections"]] == [5, 22, 23]
    assert sum(s["max"] for s in sheet["sections"]) == 100
    assert sheet["pass_total"] == 50
    assert sheet["compensation"] is False
    assert any(r.kind == "criterion-assessment" for r in si2011.plan.grading)


def test_2011_mark_sheet_titles_are_the_mark_sheets_own_words(si2011: Standard) -> None:
    seed = seed_text(SEED_2011)
    sheet = next(r for r in si2011.plan.grading if r.kind == "mark-sheet").params
    for section in sheet["sections"]:
        assert squash(section["title"]) in seed, section["id"]


def test_2011_plan(si2011: Standard) -> None:
    plan = si2011.plan
    assert (plan.maximum_months, plan.credits, plan.glh) == (36, 20, 60)
    deadline = next(m for m in plan.milestones if m.key == "completion-deadline")
    assert (deadline.anchor, deadline.years, deadline.months, deadline.kind) == ("start", 3, 0, "deadline")
    end = next(m for m in plan.milestones if m.key == "end")
    assert (end.anchor, end.years, end.months, end.weeks, end.days) == ("end", 0, 0, 0, 0)
    project = plan.component("improvement-project")
    assert project is not None and project.grades == ("pass", "refer")
    assert "1,500 and 3,000 words" in project.note and "20 and 30 minutes" in project.note
    assert (plan.prerequisites, plan.gateway_checklist) == ((), ())


def test_2012_identity_and_partial(si2012: Standard) -> None:
    identity = (si2012.id, si2012.kind, si2012.level, si2012.version)
    assert identity == ("ilm-l5-si-2012", "qualification", 5, "600/5839/0")
    assert si2012.effective_from == "2012-09-01"
    assert si2012.partial is True
    assert list(si2012.all_criteria()) == []
    assert any("ilm-l5-si-2011" in n for n in si2012.notes)


def test_2012_units_credits_glh_and_support(si2012: Standard) -> None:
    units = {g.id: g for g in si2012.groups}
    assert set(units) == {"8758-500", "8758-501"}
    assert {g.kind for g in units.values()} == {"unit"}
    assert (units["8758-500"].credits, units["8758-500"].glh) == (8, 8)
    assert (units["8758-501"].credits, units["8758-501"].glh) == (11, 12)
    plan = si2012.plan
    assert (plan.credits, plan.maximum_months) == (19, 36)
    assert {s.key: s.minimum_hours for s in plan.support} == {"induction": 2, "tutorial-support": 3}
    deadline = next(m for m in plan.milestones if m.key == "completion-deadline")
    assert (deadline.anchor, deadline.years, deadline.kind) == ("start", 3, "deadline")


def test_2012_claims_no_mark_sheet_seed_000_does_not_give(si2012: Standard) -> None:
    assert [r.kind for r in si2012.plan.grading] == ["criterion-assessment"]
    seed = seed_text(SEED_2012)
    assert "Criterion assessment applies to all units within this qualification" in seed
    for unit in si2012.groups:
        assert squash(unit.title) in seed, unit.id


def test_2011_context_is_each_learning_outcomes_indicative_content_and_its_task_section(si2011: Standard) -> None:
    seed = seed_text(SEED_2011)
    report = si2011.criterion("M5.34-2.1").context
    assert report[0] == "Report preparation and presentation skills"
    assert "explain and justify the improvement" in report
    # The criteria of one learning outcome share its indicative content; the outcomes' contents differ.
    assert si2011.criterion("M5.34-1.1").context == si2011.criterion("M5.34-1.3").context
    assert si2011.criterion("M5.33-1.1").context != si2011.criterion("M5.33-2.1").context
    assert any("Pareto diagrams" in text for text in si2011.criterion("M5.33-2.1").context)
    assert any("stakeholders" in text for text in si2011.criterion("M5.33-1.2").context)
    for criterion in si2011.all_criteria():
        assert criterion.context, criterion.id
        assert all(squash(text) in seed for text in criterion.context), criterion.id
