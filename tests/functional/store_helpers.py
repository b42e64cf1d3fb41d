"""Portfolio files for the store and CLI tests: real files in a tmp folder."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from portfolio_tui.services.portfolios import PortfolioService

START = date(2025, 3, 3)
END = date(2026, 9, 30)
AS_OF = date(2026, 1, 15)
ACTOR = "assessor1"


def new_portfolio(folder: Path, name: str = "ava.json", evidence: int = 0, actor: str = ACTOR) -> Path:
    """An ODO level 3 portfolio with ``evidence`` pieces of evidence."""
    path = folder / name
    service = PortfolioService.create(path, learner="Ava Patel", standard="odo-l3", start=START, end=END,
                                      employer="HMRC", tutor="Sam Jones", actor=actor)
    for i in range(evidence):
        service.add_evidence(title=f"Minutes of team meeting {i + 1}", date=date(2025, 4, 1 + i % 28), kind="product",
                             criteria=["K1", "S2"], description="Took and circulated the minutes.", as_of=AS_OF)
    return path


def leftovers(folder: Path) -> list[str]:
    """Temp files a save left behind (there should never be any)."""
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))
