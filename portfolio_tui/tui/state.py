"""What the screens show, computed once per change (in a worker thread), never per render.

A ``PortfolioView`` is an immutable snapshot: the portfolio, its standard, the readiness report,
the evidence rows of the log with their search text, and which evidence backs each criterion.
Everything in it is the services' (the readiness report, ``services.views``' evidence rows and live
evidence); this module only lays the rows out as table rows. Screens compare ``version`` to know
whether they are showing the latest snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.gateway import ReadinessReport
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.standard import Standard
from portfolio_tui.services.views import (
    CHANGED_OUTSIDE,
    RESUBMITTED,
    Access,
    LiveEvidence,
    evidence_row,
    live_evidence,
)
from portfolio_tui.tui.widgets.evidence_table import TableRow

STATUS_STYLES = {
    "accepted": "evidence-table--accepted",
    "referred": "evidence-table--referred",
    "submitted": "evidence-table--submitted",
    RESUBMITTED: "evidence-table--submitted",
    CHANGED_OUTSIDE: "evidence-table--referred",
}


@dataclass(frozen=True)
class LogEntry:
    """One evidence row of the log, with everything filtering and sorting need precomputed."""

    evidence: Evidence
    row: TableRow
    haystack: str


@dataclass(frozen=True)
class PortfolioView:
    portfolio: Portfolio
    standard: Standard
    report: ReadinessReport
    as_of: date
    version: int
    access: Access
    stamp: tuple[int, ...] = ()
    """The file's modification time, size and inode when it was read: a different stamp means another
    process has changed it since."""

    # What only the other screens show is built on first use, after the dashboard's first frame (by the
    # worker that read the file, off the UI thread): at 20,000 pieces it is a fifth of a second.

    @cached_property
    def _live(self) -> LiveEvidence:
        return live_evidence(self.portfolio)

    @property
    def live(self) -> tuple[Evidence, ...]:
        """Live evidence, newest first."""
        return self._live.newest_first

    @property
    def removed(self) -> int:
        """How many pieces are in the bin."""
        return self._live.removed

    @property
    def evidence_by_id(self) -> dict[int, Evidence]:
        """Live evidence by id."""
        return self._live.by_id

    @property
    def by_criterion(self) -> dict[str, tuple[Evidence, ...]]:
        """Live evidence tagged to each criterion, newest first (simulated pieces included, as tagged)."""
        return self._live.by_criterion

    @cached_property
    def log(self) -> tuple[LogEntry, ...]:
        """The evidence log's rows, built on first use: the dashboard's first frame does not wait for
        them (a second at 20,000 pieces); the worker that built the view builds them next, off the UI thread."""
        changed = frozenset(self.portfolio.changed_outside)
        return tuple(log_entry(e, changed) for e in self.live)

    @cached_property
    def coverage_states(self) -> dict[str, str]:
        """``full``, ``partial`` or ``none`` per criterion id, as the readiness rules count it."""
        return {cid: c.state for cid, c in self.report.criteria.items()}


def log_entry(evidence: Evidence, changed_outside: frozenset[str] = frozenset()) -> LogEntry:
    """The service's row for the piece, laid out as the log's table row."""
    row = evidence_row(evidence, changed_outside)
    table_row = TableRow(
        key=evidence.id,
        cells=(row.date, row.title, row.kind, row.criteria or "-", row.status),
        styles=("", "", "evidence-table--muted", "", STATUS_STYLES.get(row.status, "")),
    )
    return LogEntry(evidence, table_row, row.haystack)


def file_stamp(path: Path) -> tuple[int, ...]:
    """What changes whenever the file is replaced or written (``()`` when it cannot be read)."""
    try:
        st = path.stat()
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def build_view(portfolio: Portfolio, standard: Standard, as_of: date, version: int, access: Access,
               stamp: tuple[int, ...] = ()) -> PortfolioView:
    from portfolio_tui.services.readiness import assess

    return PortfolioView(
        portfolio=portfolio,
        standard=standard,
        report=assess(standard, portfolio, as_of),
        as_of=as_of,
        version=version,
        access=access,
        stamp=stamp,
    )
