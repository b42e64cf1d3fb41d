"""Readiness for gateway, one learner or a caseload: the one entry point the CLI and the TUI share.

The TUI shows the :class:`ReadinessReport` object; ``portfolio gateway --json`` prints
:func:`report_document` of the same object, so neither recomputes what the other shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from portfolio_tui import catalog
from portfolio_tui.domain.gateway import ReadinessReport, assess_readiness
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.standard import Standard
from portfolio_tui.services.errors import InputError

NOT_PORTFOLIOS = {"roster.json"}


def assess(standard: Standard, portfolio: Portfolio, as_of: date) -> ReadinessReport:
    return assess_readiness(standard, portfolio, as_of)


def portfolio_paths(targets: Iterable[str | Path]) -> list[Path]:
    """Files named, and every portfolio in each folder named (a tutor's caseload), in name order."""
    paths: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            paths.extend(
                p
                for p in sorted(path.glob("*.json"))
                if p.name not in NOT_PORTFOLIOS and not p.name.startswith(".") and ".bak" not in p.suffixes
            )
        elif path.is_file():
            paths.append(path)
        else:
            raise InputError("path", f"{target}: no such file or folder")
    return paths


@dataclass(frozen=True)
class Checked:
    """One portfolio's report, or why it could not be read."""

    path: Path
    report: ReadinessReport | None = None
    error: str = ""


def check_portfolio(path: Path, as_of: date) -> Checked:
    from portfolio_tui.store.errors import StoreError
    from portfolio_tui.store.portfolio_store import PortfolioStore

    try:
        portfolio = PortfolioStore(path).load()
        standard = catalog.get(portfolio.learner.standard_id)
    except (StoreError, catalog.StandardNotFound) as exc:
        return Checked(path, error=str(exc))
    return Checked(path, assess(standard, portfolio, as_of))


def report_document(path: Path, report: ReadinessReport) -> dict[str, Any]:
    """The public JSON shape for one learner (keys are a public interface: add, never rename)."""
    return {"path": str(path), **report.to_dict()}


def gateway_document(checked: list[Checked]) -> dict[str, Any]:
    return {
        "portfolios": [report_document(c.path, c.report) for c in checked if c.report],
        "errors": [{"path": str(c.path), "error": c.error} for c in checked if not c.report],
    }
