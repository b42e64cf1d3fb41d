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

from collections.abc import Collection, Iterable, Mapping

from portfolio_tui.domain.evidence import ACCEPT, Evidence
from portfolio_tui.domain.frozen import frozen
from portfolio_tui.domain.standard import Group, Standard


@frozen
class CriterionCoverage:
    criterion_id: str
    state: str
    evidence_ids: tuple[int, ...] = ()
    """Live evidence that counts for this criterion, accepted or not."""
    accepted_ids: tuple[int, ...] = ()
    simulated_ids: tuple[int, ...] = ()
    """Simulated evidence tagged to a real-work-only criterion: tagged, but it does not count."""


@frozen
class CoverageSummary:
    full: int
    partial: int
    none: int
    total: int

    @property
    def complete(self) -> bool:
        return self.full == self.total


@frozen
class GroupCoverage:
    """Coverage of one top-level group (unit, KSB area), for the dashboard's bars."""

    group_id: str
    title: str
    summary: CoverageSummary


def coverage(standard: Standard, evidence: Iterable[Evidence]) -> dict[str, CriterionCoverage]:
    """Each criterion's coverage, in the standard's order.

    One pass over the evidence appends each live piece's id to the criteria it is tagged to (a caseload
    check does this for every learner, so the loop does no more than that); a tag given twice on one
    piece appends its id twice in a row, dropped at the end.
    """
    criteria = standard.criteria
    counting: dict[str, list[int]] = {cid: [] for cid in criteria}
    accepted: dict[str, list[int]] = {cid: [] for cid in criteria}
    real_work_only = standard.real_work_only_ids
    simulated: dict[str, list[int]] = {cid: [] for cid in real_work_only}
    for piece in evidence:
        if piece.deleted:
            continue
        eid = piece.id
        tags: Collection[str] = piece.criteria
        judgements = piece.judgements
        # The usual piece has no judgement, or one on the whole piece: accepted for every tag or none. Only
        # the rest need :attr:`Evidence.accepted_criteria` worked out.
        whole = len(judgements) == 1 and not judgements[0].criterion
        accepted_for: Collection[str] = piece.accepted_criteria if judgements and not whole else ()
        if whole and judgements[0].outcome == ACCEPT:
            accepted_for = tags
        if piece.simulated and real_work_only:  # tagged there, but it does not count
            for cid in tags:
                if cid in real_work_only:
                    simulated[cid].append(eid)
            tags = [cid for cid in tags if cid not in real_work_only]
            accepted_for = [cid for cid in accepted_for if cid not in real_work_only]
        for cid in tags:
            ids = counting.get(cid)
            if ids is not None:
                ids.append(eid)
        for cid in accepted_for:
            ids = accepted.get(cid)
            if ids is not None:
                ids.append(eid)
    out = {}
    for cid in criteria:
        ids, yes = counting[cid], accepted[cid]
        state = "full" if yes else "partial" if ids else "none"
        out[cid] = CriterionCoverage(
            cid, state, _once(ids), _once(yes), _once(simulated[cid]) if cid in simulated else ()
        )
    return out


def _once(ids: list[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(ids)) if len(ids) > 1 else tuple(ids)


def _summarise(standard: Standard, cov: dict[str, CriterionCoverage], ids: Iterable[str]) -> CoverageSummary:
    criteria = standard.criteria
    states = [cov[cid].state for cid in ids if criteria[cid].required_for_gateway]
    return CoverageSummary(states.count("full"), states.count("partial"), states.count("none"), len(states))


def summary(standard: Standard, cov: dict[str, CriterionCoverage]) -> CoverageSummary:
    """Counts over the criteria required for gateway."""
    return _summarise(standard, cov, cov)


@frozen
class GroupCounts:
    """One group's criteria fully covered: those required for gateway, counted as the dashboard and the
    gateway count them, and the distinction criteria apart."""

    covered: int
    required: int
    distinction_covered: int
    distinction: int


def group_counts(group: Group, states: Mapping[str, str]) -> GroupCounts:
    """``states``: ``full``, ``partial`` or ``none`` per criterion id (the readiness report's)."""
    criteria = list(group.all_criteria())
    required = [c.id for c in criteria if c.required_for_gateway]
    distinction = [c.id for c in criteria if c.band == "distinction"]
    return GroupCounts(sum(states.get(i) == "full" for i in required), len(required),
                       sum(states.get(i) == "full" for i in distinction), len(distinction))


def group_summaries(standard: Standard, cov: dict[str, CriterionCoverage]) -> list[GroupCoverage]:
    """One summary per top-level group, in the standard's order (a group with no required criteria has total 0)."""
    return [
        GroupCoverage(g.id, g.title, _summarise(standard, cov, (c.id for c in g.all_criteria())))
        for g in standard.groups
    ]


@frozen
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
