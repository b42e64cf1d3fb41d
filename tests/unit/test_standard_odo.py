"""The Public Service Operational Delivery Officer L3 data file: schema-valid, loadable, and faithful to seed 002."""

from __future__ import annotations

import pytest

from portfolio_tui.domain.standard import Standard, standard_from_dict

from .standard_files import schema_errors, seed_path, squash, standard_data

SEED = "002_00c946ac496f8f01.txt"

TITLES = {
    "values": ["Integrity", "Honesty", "Objectivity", "Impartiality"],
    "knowledge": ["Legislation, policies and procedures", "Customers", "Range of services"],
    "skills": [
        "Customer service",
        "Communicating effectively",
        "Working together",
        "Gathering and managing information",
        "Negotiating and influencing",
        "Problem solving and decision making",
        "Tools and equipment",
        "Professionalism, self- management and awareness",
    ],
    "behaviours": [
        "Changing and improving",
        "Making effective decisions",
        "Leading and communicating",
        "Collaborating and partnering",
        "Building capability for all",
        "Managing a quality service",
        "Delivering at pace",
    ],
}
PREFIX = {
    "values": ("V", "value"),
    "knowledge": ("K", "knowledge"),
    "skills": ("S", "skill"),
    "behaviours": ("B", "behaviour"),
}
# S4's text runs over a page break; the seed has the page footer between these two halves.
S4_HALVES = [
    "Complying with data protection principles. Accurately reviewing, validating, processing and storing information "
    "from a range of",
    "sources and accurately using it to meet customers' needs in a way they find clear and easy to understand. "
    "You may be analysing information for discrepancies, potential fraud or non-compliance. "
    "This could also support interviews and investigations",
]


@pytest.fixture(scope="module")
def data() -> dict:
    return standard_data("odo-l3")


@pytest.fixture(scope="module")
def standard(data: dict) -> Standard:
    return standard_from_dict(data)


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return seed_path(SEED).read_text(encoding="utf-8").splitlines()


def test_file_matches_schema(data: dict) -> None:
    assert schema_errors(data) == []


def test_identity(standard: Standard) -> None:
    assert (standard.id, standard.kind, standard.level, standard.version) == (
        "odo-l3",
        "apprenticeship-standard",
        3,
        "2015",
    )
    assert standard.source.file == SEED
    assert standard.partial is False
    assert any(n.startswith("Numbering is ours") and "source's order" in n for n in standard.notes)
    assert any("developed by the independent assessment organisations" in n for n in standard.notes)


def test_ksb_counts_ids_kinds_and_titles(standard: Standard) -> None:
    assert [g.id for g in standard.groups] == ["values", "knowledge", "skills", "behaviours"]
    assert {g.kind for g in standard.groups} == {"ksb-area"}
    for group in standard.groups:
        prefix, kind = PREFIX[group.id]
        titles = TITLES[group.id]
        assert [c.id for c in group.criteria] == [f"{prefix}{i}" for i in range(1, len(titles) + 1)]
        assert [c.title for c in group.criteria] == titles
        assert {c.kind for c in group.criteria} == {kind}
        assert all(c.section for c in group.criteria)
    assert [len(g.criteria) for g in standard.groups] == [4, 3, 8, 7]
    assert len(standard.criteria) == 22
    assert all(c.required_for_gateway for c in standard.all_criteria())


def test_exact_texts(standard: Standard) -> None:
    c = standard.criteria
    assert (c["V1"].title, c["V1"].text) == (
        "Integrity",
        "Putting the obligations of public service above your own personal interests",
    )
    assert c["V2"].text == "Being truthful and open"
    assert c["K3"].text == (
        "Having an appreciation of the range of public services available that are delivered across government, "
        "from ensuring money is available to fund public services to making payments to pensioners"
    )
    assert c["S4"].text == " ".join(S4_HALVES)
    assert c["S8"].text == (
        "Taking responsibility for your own actions. This includes being self- motivated, "
        "and planning work to make sure that tasks are completed and deadlines met"
    )
    assert (c["B7"].title, c["B7"].text) == (
        "Delivering at pace",
        "Delivering at pace, working to agreed goals and activities, and responding to challenges constructively, "
        "for example managing time well and thinking positively",
    )


def test_every_criterion_is_a_row_of_the_seed(standard: Standard, seed_lines: list[str]) -> None:
    """Each criterion is one 'heading<TAB>what is required' row of the seed's standard table."""
    rows = {}
    for line in seed_lines:
        head, sep, text = line.partition("\t")
        if sep and head.strip():
            rows[squash(head.strip())] = squash(text.strip())
    for c in standard.all_criteria():
        assert c.title in rows, c.id
        if c.id == "S4":
            assert rows[c.title] == S4_HALVES[0]
            assert any(squash(line.strip()) == S4_HALVES[1] for line in seed_lines if line.startswith("\t"))
        else:
            assert rows[c.title] == c.text, c.id


def test_components_and_weights(standard: Standard, seed_lines: list[str]) -> None:
    plan = standard.plan
    weights = {c.id: c.weight for c in plan.components}
    assert weights == {"showcase-portfolio": 50, "work-based-project": 20, "presentation": 20, "interview": 10}
    assert all(c.grades == ("fail", "pass", "distinction") for c in plan.components)
    (rule,) = plan.grading
    assert rule.kind == "weighted-components"
    assert {c["component"]: c["weight"] for c in rule.params["components"]} == weights
    assert sum(c["weight"] for c in rule.params["components"]) == 100
    assert rule.params["distinction_top_percent"] == 10
    assert "provisional" in rule.params["note"]
    seed = squash("\n".join(seed_lines))
    for label, pct in [("Showcase Portfolio", 50), ("Work-based project", 20), ("Presentation", 20), ("Interview", 10)]:
        assert f"{label} Distinction; Pass; or Fail {pct}%" in seed
    assert "within the top 10% of overall marks" in seed


def test_duration_and_prerequisites(standard: Standard, seed_lines: list[str]) -> None:
    plan = standard.plan
    assert plan.typical_months == (12, 18)
    assert plan.minimum_months is None  # the plan states none: the funding rules' minimum applies
    assert "gives no minimum" in plan.duration_note
    l2_award = "Level 2 Award in Operational Delivery (Principles)"
    l3_certificate = "Level 3 Certificate in Operational Delivery (Advanced)"
    assert [(p.key, p.kind, p.title) for p in plan.prerequisites] == [
        ("l2-award-operational-delivery", "qualification", l2_award),
        ("l3-certificate-operational-delivery", "qualification", l3_certificate),
        ("maths-l2", "maths", "Level 2 mathematics"),
        ("english-l2", "english", "Level 2 English"),
    ]
    seed = squash("\n".join(seed_lines))
    assert f"- {l2_award}." in seed and f"- {l3_certificate}." in seed
    assert "they will also have level 2 mathematics and level 2 english qualifications" in seed.lower()


def test_milestones(standard: Standard) -> None:
    got = [(m.key, m.anchor, m.years, m.months, m.weeks, m.days, m.kind) for m in standard.plan.milestones]
    assert got == [
        ("plan-review", "end", 0, -6, 0, 0, "due"),
        ("line-manager-review", "end", 0, -3, 0, 0, "due"),
        ("completion-window", "end", 0, -3, 0, 0, "window-opens"),
        ("submission", "end", 0, -1, 0, 0, "due"),
        ("presentation", "end", 0, 0, 0, 0, "due"),
    ]
    assert all(m.detail for m in standard.plan.milestones)


def test_gateway_checklist(standard: Standard) -> None:
    assert [c.key for c in standard.plan.gateway_checklist] == ["epa-organisation-chosen"]
