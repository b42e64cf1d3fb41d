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
    return Suggester.build(CriteriaIndex.build(standard.all_criteria(), criteria_context(standard)), earlier)


def criteria_context(standard: Standard) -> dict[str, tuple[str, ...]]:
    """What the standard itself says about each criterion beyond its own words, verbatim: the context its file
    quotes for it, and the text of every duty mapped to it (an imported standard's duties list the knowledge,
    skills and behaviours each calls on). A criterion the standard says nothing more about has none."""
    context = {c.id: list(c.context) for c in standard.all_criteria()}
    for duty in standard.duties:
        for cid in duty.criteria:
            if cid in context:
                context[cid].append(duty.text)
    return {cid: tuple(texts) for cid, texts in context.items() if texts}
