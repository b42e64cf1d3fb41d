"""Criterion coverage: none / partial / full, deleted evidence, and simulated evidence on real-work-only criteria."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui import catalog
from portfolio_tui.domain.coverage import CoverageSummary, coverage, group_summaries, missing, summary
from portfolio_tui.domain.evidence import Evidence, Judgement
from portfolio_tui.domain.standard import standard_from_dict

ODO = catalog.get("odo-l3")
CSP = catalog.get("csp-l2")
ACCEPT = Judgement("accept", "meets it", "assessor1", "2026-01-05T10:00:00Z")
REFER = Judgement("refer", "needs a second example", "assessor1", "2026-01-05T10:00:00Z")

# A competence unit in the manner of OCR's (seed 004): "simulation is not a permitted evidence source".
COMPETENCE = standard_from_dict(
    {
        "format": 1,
        "id": "test-competence",
        "title": "Competence test",
        "kind": "qualification",
        "level": 2,
        "version": "1",
        "source": {"file": "004_test.txt"},
        "partial": False,
        "groups": [
            {
                "id": "unit-1",
                "title": "Communicate verbally",
                "kind": "unit",
                "flags": ["real-work-only"],
                "criteria": [{"id": "1.1", "text": "Speak clearly", "kind": "assessment-criterion"}],
            },
            {
                "id": "unit-2",
                "title": "Know the organisation",
                "kind": "unit",
                "criteria": [{"id": "2.1", "text": "Describe the structure", "kind": "assessment-criterion"}],
            },
        ],
        "plan": {
            "duration": {},
            "prerequisites": [],
            "milestones": [],
            "gateway_checklist": [],
            "grading": [{"kind": "none"}],
        },
    }
)


def piece(eid: int, *criteria: str, judgements=(), **kw: object) -> Evidence:
    return Evidence(eid, f"Evidence {eid}", date(2026, 1, 1), "observation", criteria, judgements=judgements, **kw)


def test_full_partial_and_none_with_the_evidence_ids() -> None:
    evidence = [
        piece(1, "V1", "K1", judgements=(ACCEPT,)),
        piece(2, "K1", "S1"),  # awaiting judgement
        piece(3, "S2", judgements=(ACCEPT, REFER)),  # latest judgement wins: referred
        piece(4, "S3", judgements=(REFER, ACCEPT)),
    ]
    cov = coverage(ODO, evidence)
    assert (cov["V1"].state, cov["V1"].evidence_ids, cov["V1"].accepted_ids) == ("full", (1,), (1,))
    assert (cov["K1"].state, cov["K1"].evidence_ids, cov["K1"].accepted_ids) == ("full", (1, 2), (1,))
    assert (cov["S1"].state, cov["S1"].evidence_ids, cov["S1"].accepted_ids) == ("partial", (2,), ())
    assert cov["S2"].state == "partial"
    assert cov["S3"].state == "full"
    assert (cov["B7"].state, cov["B7"].evidence_ids) == ("none", ())
    assert list(cov) == [c.id for c in ODO.all_criteria()]


def test_deleted_evidence_covers_nothing_and_unknown_tags_are_ignored() -> None:
    cov = coverage(ODO, [piece(1, "V1", "NOT-A-CRITERION", judgements=(ACCEPT,), deleted=True)])
    assert cov["V1"].state == "none"
    assert "NOT-A-CRITERION" not in cov


def test_simulated_evidence_does_not_cover_real_work_only_criteria() -> None:
    simulated = piece(1, "1.1", "2.1", judgements=(ACCEPT,), simulated=True)
    cov = coverage(COMPETENCE, [simulated])
    assert (cov["1.1"].state, cov["1.1"].evidence_ids, cov["1.1"].simulated_ids) == ("none", (), (1,))
    assert (cov["2.1"].state, cov["2.1"].accepted_ids) == ("full", (1,))
    real = piece(2, "1.1", judgements=(ACCEPT,))
    assert coverage(COMPETENCE, [simulated, real])["1.1"].state == "full"


def test_summaries_count_only_criteria_required_for_gateway() -> None:
    # CSP: 7 K + 5 S + 6 B + 16 brief items and pass criteria; the three distinction criteria do not gate.
    evidence = [piece(1, "K1", "K2", "kyc-d1", judgements=(ACCEPT,)), piece(2, "S1")]
    cov = coverage(CSP, evidence)
    assert len(cov) == 37
    assert summary(CSP, cov) == CoverageSummary(full=2, partial=1, none=31, total=34)
    groups = {g.group_id: g.summary for g in group_summaries(CSP, cov)}
    assert [g.group_id for g in group_summaries(CSP, cov)] == ["knowledge", "skills", "behaviours", "kyc-brief"]
    assert (groups["knowledge"].full, groups["knowledge"].total) == (2, 7)
    assert (groups["skills"].partial, groups["skills"].total) == (1, 5)
    assert groups["kyc-brief"].total == 16
    assert "kyc-d1" not in missing(CSP, cov)


def test_missing_lists_required_criteria_not_full_in_standard_order() -> None:
    cov = coverage(
        ODO,
        [
            piece(1, *[c.id for c in ODO.all_criteria() if c.id not in ("K2", "S8")], judgements=(ACCEPT,)),
            piece(2, "S8"),
        ],
    )
    assert missing(ODO, cov) == ["K2", "S8"]
    assert not summary(ODO, cov).complete


ODO_IDS = [c.id for c in ODO.all_criteria()]


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(ODO_IDS), max_size=6), st.sampled_from(["none", "accept", "refer"]), st.booleans()
        ),
        max_size=12,
    )
)
def test_counts_always_add_up(spec: list[tuple[list[str], str, bool]]) -> None:
    judgements = {"none": (), "accept": (ACCEPT,), "refer": (REFER,)}
    evidence = [piece(i, *tags, judgements=judgements[j], deleted=gone) for i, (tags, j, gone) in enumerate(spec)]
    cov = coverage(ODO, evidence)
    s = summary(ODO, cov)
    assert s.full + s.partial + s.none == s.total == 22
    assert len(missing(ODO, cov)) == s.partial + s.none
    for item in cov.values():
        assert set(item.accepted_ids) <= set(item.evidence_ids)
        assert (item.state == "full") == bool(item.accepted_ids)


def literal_coverage(standard, evidence) -> dict[str, tuple[str, tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
    """The rule read literally, criterion by criterion over every piece (slow, obviously right)."""
    out = {}
    for criterion in standard.all_criteria():
        live = [e for e in evidence if not e.deleted and criterion.id in e.criteria]
        simulated = tuple(e.id for e in live if e.simulated) if criterion.real_work_only else ()
        counting = [e for e in live if not (criterion.real_work_only and e.simulated)]
        accepted = tuple(e.id for e in counting if e.outcome_for(criterion.id) == "accept")
        state = "full" if accepted else "partial" if counting else "none"
        out[criterion.id] = (state, tuple(e.id for e in counting), accepted, simulated)
    return out


COMPETENCE_IDS = ["1.1", "2.1", "nowhere"]


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(COMPETENCE_IDS), max_size=4),
            st.lists(st.tuples(st.sampled_from(["accept", "refer", "reopen"]), st.sampled_from(["", *COMPETENCE_IDS])),
                     max_size=3),
            st.booleans(),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_coverage_agrees_with_the_rule_read_criterion_by_criterion(spec) -> None:
    evidence = [
        piece(i, *tags, judgements=tuple(Judgement(o, "", "t", "2026-01-05T10:00:00Z", c) for o, c in marks),
              simulated=sim, deleted=gone)
        for i, (tags, marks, sim, gone) in enumerate(spec, start=1)
    ]
    found = {cid: (c.state, c.evidence_ids, c.accepted_ids, c.simulated_ids)
             for cid, c in coverage(COMPETENCE, evidence).items()}
    assert found == literal_coverage(COMPETENCE, evidence)
