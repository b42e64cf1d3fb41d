"""The keys a person types to record something against a standard, with their titles.

``portfolio standards show`` lists them, each ``--help`` that takes a key points there, and shell
completion offers them, so nobody has to read ``--json`` output or an error message to find one.
"""

from __future__ import annotations

from pathlib import Path

from portfolio_tui.domain.gateway import checklist_items
from portfolio_tui.domain.standard import Standard

KINDS = ("prerequisite", "checklist", "milestone", "component")
"""What each list holds: gateway prerequisites, gateway checklist items, plan milestones, EPA components/methods."""


def record_keys(standard: Standard) -> dict[str, list[tuple[str, str]]]:
    """Kind -> [(key, title)], in the order the standard gives them."""
    plan = standard.plan
    return {
        "prerequisite": [(p.key, p.title) for p in plan.prerequisites],
        "checklist": checklist_items(standard),
        "milestone": [(m.key, m.title) for m in plan.milestones],
        "component": [(c.id, c.title) for c in plan.components],
    }


def portfolio_standard(path: Path) -> Standard:
    """The standard of the portfolio at ``path``, read as this account may see it."""
    from portfolio_tui.services.portfolios import PortfolioService

    return PortfolioService(path).standard
