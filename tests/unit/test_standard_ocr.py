"""The OCR Customer Service data file: schema-valid, loadable, faithful to seed 004 and honest that it is partial."""

from __future__ import annotations

import pytest

from portfolio_tui.domain.standard import Standard, standard_from_dict

from .standard_files import schema_errors, seed_text, standard_data

SEED = "004_ed6f79727755a687.txt"

QUALIFICATIONS = {
    "03454": 1, "03455": 2, "03456": 3, "10381": 4,
    "10378": 1, "10379": 2, "10380": 3,
}


@pytest.fixture(scope="module")
def data() -> dict:
    return standard_data("ocr-cs")


@pytest.fixture(scope="module")
def standard(data: dict) -> Standard:
    return standard_from_dict(data)


@pytest.fixture(scope="module")
def seed() -> str:
    return seed_text(SEED)


def test_file_matches_schema(data: dict) -> None:
    assert schema_errors(data) == []


def test_identity_and_partial(standard: Standard) -> None:
    assert (standard.id, standard.kind, standard.level, standard.version) == ("ocr-cs", "qualification", 4, "2016")
    assert standard.partial is True
    assert list(standard.all_criteria()) == []
    assert [r.kind for r in standard.plan.grading] == ["none"]
    assert [m.key for m in standard.plan.milestones] == ["end"]


def test_qualification_numbers_and_levels(standard: Standard, seed: str) -> None:
    assert {q.number: q.level for q in standard.qualifications} == QUALIFICATIONS
    for q in standard.qualifications:
        assert f"{q.title} **{q.number}**" in seed, q.number
        assert q.title.startswith(f"Level {q.level} ")


def test_real_work_only_on_competence_units_not_knowledge_unit(standard: Standard, seed: str) -> None:
    units = {g.id: g for g in standard.groups}
    assert {g.kind for g in units.values()} == {"unit"}
    flagged = {gid for gid, g in units.items() if "real-work-only" in g.flags}
    assert flagged == {"10379-unit-6", "10379-unit-8", "10379-unit-10"}
    assert "real-work-only" not in units["10380-unit-3"].flags
    assert "'simulation' is not a permitted evidence source" in seed
    for unit in units.values():
        assert unit.title in seed, unit.id


def test_notes_carry_holistic_and_eportfolio_remarks(standard: Standard) -> None:
    notes = " ".join(standard.notes)
    assert "Holistic assessment" in notes
    assert "E-portfolios" in notes
    assert "no assessment criteria texts" in notes
