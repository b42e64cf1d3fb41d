"""The one way to build the app: the CLI and the tests both come through here, so tests exercise
what users run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from portfolio_tui.tui.app import CaseloadApp, PortfolioApp


def build_app(path: Path | str, *, as_of: date | None = None, first_run: bool = False,
              actor: str | None = None) -> PortfolioApp:
    """An app on the portfolio at ``path``.

    ``as_of`` freezes "today" (tests and snapshots); ``first_run`` shows the create screen when
    the file does not exist yet; ``actor`` names who saves (default: the OS account).
    """
    return PortfolioApp(Path(path), as_of=as_of, first_run=first_run, actor=actor)


def build_caseload(folder: Path | str, *, as_of: date | None = None, actor: str | None = None) -> CaseloadApp:
    """An app on a cohort folder: the caseload of the OS account running it, then each learner's screens."""
    return CaseloadApp(Path(folder), as_of=as_of, actor=actor)
