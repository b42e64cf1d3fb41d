"""Where each learner's aggregate mark stands in the caseload's cohort, for ``portfolio gateway --json``.

Apart from ``services.readiness`` because a caseload answered wholly from kept entries
(``services.gateway_cache``) needs this and nothing of readiness: the cohort is the caseload as
checked now, so its standing is never kept.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs the plain gateway's start-up
if TYPE_CHECKING:
    from typing import Any


def cohort_standing(aggregates: list[tuple[str, float, float] | None]) -> list[dict[str, Any] | None]:
    """For each learner with an aggregate mark, where it stands in the caseload's cohort on the same standard.

    The plan's Distinction is "an aggregated score within the top 10% of overall marks": over a folder, the
    marks of every learner on the standard with all components graded are that cohort
    (``domain.grading.cohort_top``). Each standard's marks are sorted once, so a caseload's standing takes
    time n log n in its size, not n squared.
    """
    if not any(aggregates):  # no one has a mark: the grading rules need not even be loaded
        return [None] * len(aggregates)
    from bisect import bisect_right

    from portfolio_tui.domain.grading import cohort_cut

    by_standard: dict[str, list[float]] = {}  # each standard's cohort: its marks, in ascending order
    for item in aggregates:
        if item is not None:
            by_standard.setdefault(item[0], []).append(item[1])
    for marks in by_standard.values():
        marks.sort()
    cuts: dict[tuple[str, float], float] = {}
    standing: list[dict[str, Any] | None] = []
    for item in aggregates:
        if item is None:
            standing.append(None)
            continue
        standard, mark, top_percent = item
        marks = by_standard[standard]
        cut = cuts.get((standard, top_percent))
        if cut is None:
            cut = cuts[standard, top_percent] = cohort_cut(marks, top_percent)
        standing.append({
            "aggregate": mark,
            "cohort_size": len(marks),
            "rank": 1 + len(marks) - bisect_right(marks, mark),  # 1 + how many marks are higher
            "top_percent": top_percent,
            "in_top": mark >= cut,
        })
    return standing
