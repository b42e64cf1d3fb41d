"""Criterion coverage: which criteria the evidence covers, fully or in part, and what is still missing.

* *full*: at least one accepted piece of live (not deleted) evidence is tagged to the criterion;
* *partial*: live evidence is tagged to it but none is accepted yet (awaiting judgement or referred);
* *none*: nothing live is tagged to it.

Simulated evidence does not count towards a criterion flagged real-work-only (OCR's competence units:
"simulation is not a permitted evidence source"); such pieces are listed in ``simulated_ids`` so the reason
can be shown. Summaries count only the criteria required for gateway (distinction and optional criteria
raise a grade; they do not gate the EPA).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.standard import Standard


@dataclass(frozen=True)
class CriterionCoverage:
    criterion_id: str
    state: str
    evidence_ids: tuple[int, ...] = ()
    """Live evidence that counts for this criterion, accepted or not."""
    accepted_ids: tuple[int, ...] = ()
    simulated_ids: tuple[int, ...] = ()
    """Simulated evidence tagged to a real-work-only criterion: tagged, but it does not count."""


@dataclass(frozen=True)
class CoverageSummary:
    full: int
    partial: int
    none: int
    total: int

    @property
    def complete(self) -> bool:
        return self.full == self.total


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage of one top-level group (unit, KSB area), for the dashboard's bars."""

    group_id: str
    title: str
    summary: CoverageSummary


def coverage(standard: Standard, evidence: Iterable[Evidence]) -> dict[str, CriterionCoverage]:
    """Each criterion's coverage, in the standard's order."""
    criteria = standard.criteria
    tagged: dict[str, list[tuple[int, bool, bool]]] = {cid: [] for cid in criteria}
    for piece in evidence:
        if piece.deleted:
            continue
        accepted_for = piece.accepted_criteria  # worked out once, not once per criterion
        for cid in dict.fromkeys(piece.criteria):
            pieces = tagged.get(cid)
            if pieces is not None:
                pieces.append((piece.id, piece.simulated, cid in accepted_for))
    out = {}
    for cid, criterion in criteria.items():
        counting = tagged[cid]
        simulated: tuple[int, ...] = ()
        if criterion.real_work_only:
            simulated = tuple(eid for eid, is_simulated, _ in counting if is_simulated)
            counting = [facts for facts in counting if not facts[1]]
        accepted = tuple(eid for eid, _, is_accepted in counting if is_accepted)
        state = "full" if accepted else "partial" if counting else "none"
        out[cid] = CriterionCoverage(cid, state, tuple(eid for eid, _, _ in counting), accepted, simulated)
    return out


def _summarise(standard: Standard, cov: dict[str, CriterionCoverage], ids: Iterable[str]) -> CoverageSummary:
    criteria = standard.criteria
    states = [cov[cid].state for cid in ids if criteria[cid].required_for_gateway]
    return CoverageSummary(states.count("full"), states.count("partial"), states.count("none"), len(states))


def summary(standard: Standard, cov: dict[str, CriterionCoverage]) -> CoverageSummary:
    """Counts over the criteria required for gateway."""
    return _summarise(standard, cov, cov)


def group_summaries(standard: Standard, cov: dict[str, CriterionCoverage]) -> list[GroupCoverage]:
    """One summary per top-level group, in the standard's order (a group with no required criteria has total 0)."""
    return [
        GroupCoverage(g.id, g.title, _summarise(standard, cov, (c.id for c in g.all_criteria())))
        for g in standard.groups
    ]


@dataclass(frozen=True)
class DutyCoverage:
    """One duty of the occupation and the criteria it maps to that are not fully covered yet."""

    duty_id: str
    text: str
    core: bool
    options: tuple[str, ...]
    criteria: tuple[str, ...]
    missing: tuple[str, ...]


def duty_coverage(standard: Standard, cov: dict[str, CriterionCoverage]) -> list[DutyCoverage]:
    """Each duty in the standard's order, with the gaps that block it (criteria required for gateway only)."""
    criteria = standard.criteria
    return [
        DutyCoverage(
            d.id,
            d.text,
            d.core,
            d.options,
            d.criteria,
            tuple(
                c for c in d.criteria if c in cov and criteria[c].required_for_gateway and cov[c].state != "full"
            ),
        )
        for d in standard.duties
    ]


def missing(standard: Standard, cov: dict[str, CriterionCoverage]) -> list[str]:
    """Ids of the criteria required for gateway that are not fully covered, in the standard's order."""
    return [c.id for c in standard.all_criteria() if c.required_for_gateway and cov[c.id].state != "full"]


def distinction_summary(standard: Standard, cov: dict[str, CriterionCoverage]) -> CoverageSummary:
    """Counts over the EPA's distinction criteria: they raise the grade, so they are counted apart
    from the criteria required for gateway (``total`` 0 when the standard has none)."""
    states = [cov[c.id].state for c in standard.all_criteria() if c.band == "distinction"]
    return CoverageSummary(states.count("full"), states.count("partial"), states.count("none"), len(states))
