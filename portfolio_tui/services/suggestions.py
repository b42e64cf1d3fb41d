"""Criteria suggestions for the evidence form: the one place that decides what the ranking learns from.

The tag picker and ``benchmarks/bench_suggest.py`` both get their ranking here, so the figure the
benchmark prints is the ranking the apprentice sees.
"""

from __future__ import annotations

from collections.abc import Iterable

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.standard import Standard
from portfolio_tui.domain.suggest import CriteriaIndex, Suggester


def criteria_suggester(standard: Standard, evidence: Iterable[Evidence] = (), *,
                       editing: int | None = None) -> Suggester:
    """A ranking of ``standard``'s criteria that also learns from the portfolio's live ``evidence``
    tagged so far; when a piece is being edited (``editing``, its id), not from that piece's own tags."""
    earlier = [e for e in evidence if not e.deleted and e.id != editing and e.criteria]
    return Suggester.build(CriteriaIndex.build(standard.all_criteria()), earlier)
