"""The Customer Service Practitioner L2 data file: schema-valid, loadable, and faithful to seed 003."""

from __future__ import annotations

import pytest

from portfolio_tui.domain.standard import Standard, standard_from_dict

from .standard_files import schema_errors, seed_text, standard_data

SEED = "003_ddbbd414c0ff6387.txt"

BRIEF_ITEMS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]
# Distinction cells the seed splits over several table rows; the file joins them (see its notes).
JOINED = {
    "kyc-d2": ["Explain the difference in", "the way internal and external customer", "relationships are managed"],
    "kyc-d3": ["Explain the importance of balancing the needs of both the organisation and", "its customers."],
}


@pytest.fixture(scope="module")
def data() -> dict:
    return standard_data("csp-l2")


@pytest.fixture(scope="module")
def standard(data: dict) -> Standard:
    return standard_from_dict(data)


@pytest.fixture(scope="module")
def seed() -> str:
    return seed_text(SEED)


def test_file_matches_schema(data: dict) -> None:
    assert schema_errors(data) == []


def test_identity_and_partial(standard: Standard) -> None:
    assert (standard.id, standard.kind, standard.level) == ("csp-l2", "apprenticeship-standard", 2)
    assert standard.partial is True
    assert any("Fully met" in n and "Partially met" in n and "No coverage" in n for n in standard.notes)


def test_ksb_counts_and_order(standard: Standard) -> None:
    areas = {g.id: g for g in standard.groups if g.kind == "ksb-area"}
    assert set(areas) == {"knowledge", "skills", "behaviours"}
    assert [c.id for c in areas["knowledge"].criteria] == [f"K{i}" for i in range(1, 8)]
    assert [c.id for c in areas["skills"].criteria] == [f"S{i}" for i in range(1, 6)]
    assert [c.id for c in areas["behaviours"].criteria] == [f"B{i}" for i in range(1, 7)]
    assert {c.kind for c in areas["knowledge"].criteria} == {"knowledge"}
    assert {c.kind for c in areas["skills"].criteria} == {"skill"}
    assert {c.kind for c in areas["behaviours"].criteria} == {"behaviour"}


def test_exact_texts(standard: Standard) -> None:
    c = standard.criteria
    assert (c["K1"].title, c["K1"].text) == ("Knowing your customers", "Knowing your customers")
    assert c["S5"].text == "Dealing with customer conflict and challenge"
    assert (c["B4"].title, c["B4"].text) == ("Equality", "Equality treating all customers as individuals")
    assert c["3.4"].text == (
        "Identify the specific needs that customers may have, "
        "including those that are protected under current equality law?"
    )
    assert c["3.6"].text == "How does the standard of customer service affect the success of your"
    assert c["kyc-p2"].text == (
        "Explain when and how to adapt their service approach to meet the needs and expectations of customers"
    )


def test_brief_items_exact(standard: Standard) -> None:
    brief = [g for g in standard.all_groups() if g.kind == "brief-standard"]
    assert [g.title for g in brief][:2] == [
        "Understand who customers are",
        "Understand the difference between internal and external customers",
    ]
    items = [c.id for g in brief for c in g.criteria if c.kind == "knowledge"]
    assert items == BRIEF_ITEMS


def test_brief_pass_and_distinction_criteria(standard: Standard) -> None:
    banded = {c.id: c for c in standard.all_criteria() if c.band}
    assert {i for i, c in banded.items() if c.band == "pass"} == {"kyc-p1", "kyc-p2"}
    assert {i for i, c in banded.items() if c.band == "distinction"} == {"kyc-d1", "kyc-d2", "kyc-d3"}
    assert not any(banded[i].required_for_gateway for i in ("kyc-d1", "kyc-d2", "kyc-d3"))
    assert all(c.kind == "assessment-criterion" for c in banded.values())


def test_every_text_is_verbatim_from_seed(standard: Standard, seed: str) -> None:
    for c in standard.all_criteria():
        if c.id in JOINED:
            assert c.text == " ".join(JOINED[c.id])
            assert all(piece in seed for piece in JOINED[c.id]), c.id
        else:
            assert c.text in seed, c.id
    for item in BRIEF_ITEMS:
        assert f"{item} {standard.criteria[item].text}" in seed, item
    for g in standard.all_groups():
        if g.kind == "brief-standard":
            assert g.title in seed, g.id


def test_criterion_ids_unique(data: dict) -> None:
    ids: list[str] = []

    def walk(groups: list[dict]) -> None:
        for g in groups:
            ids.extend(c["id"] for c in g.get("criteria", []))
            walk(g.get("groups", []))

    walk(data["groups"])
    assert len(ids) == len(set(ids)) == 7 + 5 + 6 + 14 + 5


def test_methods_and_thresholds(standard: Standard, seed: str) -> None:
    plan = standard.plan
    assert [c.id for c in plan.components] == ["showcase", "observation", "professional-discussion"]
    assert all(c.grades == ("fail", "pass", "distinction") for c in plan.components)
    assert [c.duration_hours for c in plan.components] == [8, 1, 1]
    (rule,) = plan.grading
    assert rule.kind == "per-method-thresholds"
    numbers = {
        m["component"]: (m["pass_criteria"], m["distinction_criteria"], m["distinction_needed"])
        for m in rule.params["methods"]
    }
    assert numbers == {"showcase": (30, 10, 7), "observation": (25, 5, 4), "professional-discussion": (7, 4, 3)}
    for passes, distinctions, needed in numbers.values():
        assert f"{passes} Pass Criteria and {distinctions} Distinction Criteria" in seed
        assert f"minimum of {needed} out of {distinctions} distinction criteria" in seed


def test_plan_duration_prerequisites_milestones(standard: Standard) -> None:
    plan = standard.plan
    assert plan.minimum_months == 12
    assert {(p.key, p.kind) for p in plan.prerequisites} == {("maths-l1", "maths"), ("english-l1", "english")}
    milestones = {m.key: m for m in plan.milestones}
    showcase = milestones["showcase-compiled"]
    assert (showcase.anchor, showcase.months, showcase.kind) == ("start", 12, "window-opens")
    end = milestones["end"]
    assert (end.anchor, end.years, end.months, end.weeks, end.days) == ("end", 0, 0, 0, 0)


def test_gateway_checklist(standard: Standard, seed: str) -> None:
    checklist = standard.plan.gateway_checklist
    assert [c.key for c in checklist] == ["epa-organisation-chosen", "epa-month-decided", "epa-booked"]
    assert all(c.title in seed for c in checklist)


def test_k1s_context_is_the_occupational_brief_module_it_heads(standard: Standard, seed: str) -> None:
    """The brief's module 'Knowing your customers' is knowledge area K1: its Standard column says what K1 covers,
    which the source gives for no other area (so no other criterion has a context)."""
    brief = [g.title for g in standard.all_groups() if g.kind == "brief-standard"]
    assert standard.criteria["K1"].context == tuple(brief)
    assert all(text in seed for text in standard.criteria["K1"].context)
    assert [c.id for c in standard.all_criteria() if c.context] == ["K1"]
