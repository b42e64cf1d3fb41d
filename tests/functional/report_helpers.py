"""Portfolios for the report, export and browser tests: a sample copied, and one full of hostile text."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from portfolio_tui.domain.standard import Standard
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.signoffs import sign_off

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_portfolios"
SAMPLES_AS_OF = date(2026, 11, 24)

HOSTILE = (
    "<script>alert('pwned')</script>",
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "@import",
    "-2+3",
    "**bold** [link](javascript:alert(1)) `code` | pipe",
    "# heading\\n\\x1b[31m &amp; &lt;b&gt;",
    "</td></tr></table><img src=x onerror=alert(1)>",
)
"""Text each output must show literally: markup, escapes as typed, spreadsheet formulas, a script tag."""


def sample_copy(folder: Path, name: str = "odo-nearly-ready") -> Path:
    target = folder / f"{name}.json"
    shutil.copyfile(SAMPLES / f"{name}.json", target)
    return target


def hostile_portfolio(folder: Path, name: str = "hostile.json") -> Path:
    """An ODO portfolio whose learner, employer, evidence and feedback are hostile text, signed off by all three."""
    path = folder / name
    svc = PortfolioService.create(
        path, learner=HOSTILE[1], standard="odo-l3", start=date(2025, 3, 3), end=date(2026, 9, 30),
        employer=HOSTILE[0], line_manager=HOSTILE[3], tutor=HOSTILE[2],
    )
    for i, text in enumerate(HOSTILE):
        piece = svc.add_evidence(title=text, date=date(2025, 4, 1 + i), kind="product", criteria=["K1", "S2"],
                                 description=text, as_of=date(2026, 1, 15))
        svc.assess(piece.id, "accept", f"feedback {text}")
    for day, role in enumerate(("assessor", "apprentice", "employer"), start=10):
        sign_off(svc, role, date(2026, 1, day), reason="Signed for the test", as_of=date(2026, 1, 15))
    return path


def criterion_ids(standard: Standard) -> list[str]:
    return list(standard.criteria)
