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
    marks of every learner on the standard with all components graded are that cohort (:func:`cohort_top`).
    """
    if not any(aggregates):  # no one has a mark: the grading rules need not even be loaded
        return [None] * len(aggregates)
    from portfolio_tui.domain.grading import cohort_top

    by_standard: dict[str, dict[str, float]] = {}
    for index, item in enumerate(aggregates):
        if item is not None:
            by_standard.setdefault(item[0], {})[str(index)] = item[1]
    standing: list[dict[str, Any] | None] = []
    for index, item in enumerate(aggregates):
        if item is None:
            standing.append(None)
            continue
        marks = by_standard[item[0]]
        top = cohort_top(marks, item[2])
        standing.append({
            "aggregate": item[1],
            "cohort_size": len(marks),
            "rank": 1 + sum(1 for mark in marks.values() if mark > item[1]),
            "top_percent": item[2],
            "in_top": str(index) in top,
        })
    return standing
