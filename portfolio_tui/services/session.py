"""The session API: every read and every change of a portfolio, by one OS account, goes through here.

:class:`PortfolioSession` is one portfolio file as seen by the OS account running this process.
Opening one checks that the account may see it (``view`` on the folder's roster), and so does every
read after, since the roster can change while a screen stays open; a refusal is
:class:`~portfolio_tui.domain.roles.NotAllowed`, one line naming who may (the CLI exits 1, the TUI
shows a refusal screen). Changes are :class:`~portfolio_tui.services.portfolios.PortfolioService`'s,
authorised once, inside the locked transaction, against the file as it is then.

A cohort folder, as the same account sees it, is a ``services.caseload.Caseload``.

The CLI and the TUI use these classes (and the view models they return), never the store, the
roster or the portfolio service directly: ``tests/unit/test_layers.py`` holds them to it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from portfolio_tui import identity
from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.gateway import ReadinessReport
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.standard import Standard
from portfolio_tui.services import access, readiness
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.views import Access, timeline_document
from portfolio_tui.store.portfolio_store import PortfolioStore, utc_now
from portfolio_tui.store.records import AuditEntry

# ``utc_now`` is the one clock every record, audit entry and roster change is stamped with.
__all__ = ["PortfolioSession", "Timeline", "open_session", "utc_now"]


class PortfolioSession(PortfolioService):
    """One portfolio file for the OS account running this process; ``actor`` only labels the audit.

    Raises :class:`~portfolio_tui.domain.roles.NotAllowed` on opening, and on any read, when the
    account may not see the portfolio.
    """

    def __init__(self, path: str | Path, actor: str | None = None, *, store: PortfolioStore | None = None):
        super().__init__(path, actor, store=store)
        self.account = identity.current_user()
        """Who is looking: the OS account decides what they may see and change."""
        self.require_view()

    def require_view(self) -> None:
        """Refuse (naming who may) unless this account may see the portfolio, by the roster as it is now."""
        access.authorize(self.path, "view")

    def access(self) -> Access:
        """What this account may do to the portfolio: the roster's answer to each action, read now; nothing
        but seeing it while the file breaks the schema (a hand edit), since every change would be refused."""
        found = access.access_for(self.path, self.account)
        read_only = self.read_only_reason()
        return replace(found, read_only=read_only) if read_only else found

    def load(self) -> Portfolio:
        self.require_view()
        return super().load()

    @property
    def learner(self) -> Learner:
        self.require_view()
        return self.store.learner()

    @property
    def standard(self) -> Standard:
        self.require_view()
        return self._installed_standard()

    def evidence(self, evidence_id: int) -> Evidence:
        self.require_view()
        return super().evidence(evidence_id)

    def history(self, table: str | None = None, record: int | None = None) -> list[AuditEntry]:
        self.require_view()
        return super().history(table, record)

    def readiness(self, as_of: date) -> tuple[Portfolio, ReadinessReport]:
        """The portfolio and its readiness report on ``as_of`` (one read of the file)."""
        portfolio = self.load()
        return portfolio, readiness.assess(self._installed_standard(), portfolio, as_of)

    def timeline(self, as_of: date) -> Timeline:
        portfolio, report = self.readiness(as_of)
        return Timeline(self.path, portfolio, report, as_of)


@dataclass(frozen=True)
class Timeline:
    """One portfolio's dates as ``portfolio timeline`` shows them."""

    path: Path
    portfolio: Portfolio
    report: ReadinessReport
    as_of: date

    def document(self) -> dict[str, Any]:
        return timeline_document(self.path, self.portfolio, self.report, self.as_of)


def open_session(path: str | Path, actor: str | None = None) -> PortfolioSession:
    """Open ``path`` for this OS account (refused with :class:`NotAllowed` when it may not see it)."""
    return PortfolioSession(path, actor)
