"""What the screens show, computed once per change (in a worker thread), never per render.

A ``PortfolioView`` is an immutable snapshot: the portfolio, its standard, the readiness report,
the evidence rows of the log with their search text, and which evidence backs each criterion.
Screens compare ``version`` to know whether they are showing the latest snapshot.
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
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.views import Access
from portfolio_tui.tui.widgets.evidence_table import TableRow

STATUS_STYLES = {
    "accepted": "evidence-table--accepted",
    "referred": "evidence-table--referred",
    "submitted": "evidence-table--submitted",
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
    def live(self) -> tuple[Evidence, ...]:
        """Live evidence, newest first."""
        return tuple(sorted(self.portfolio.live_evidence, key=lambda e: (e.date, e.id), reverse=True))

    @cached_property
    def evidence_by_id(self) -> dict[int, Evidence]:
        """Live evidence by id."""
        return {e.id: e for e in self.live}

    @cached_property
    def by_criterion(self) -> dict[str, tuple[Evidence, ...]]:
        """Live evidence tagged to each criterion, newest first (simulated pieces included, as tagged)."""
        tagged: dict[str, list[Evidence]] = {}
        for evidence in self.live:
            for criterion_id in evidence.criteria:
                tagged.setdefault(criterion_id, []).append(evidence)
        return {k: tuple(v) for k, v in tagged.items()}

    @cached_property
    def log(self) -> tuple[LogEntry, ...]:
        """The evidence log's rows, built on first use: the dashboard's first frame does not wait for
        them (a second at 20,000 pieces); the worker that built the view builds them next, off the UI thread."""
        return tuple(log_entry(e) for e in self.live)

    @cached_property
    def coverage_states(self) -> dict[str, str]:
        """``full``, ``partial`` or ``none`` per criterion id, as the readiness rules count it."""
        return {cid: c.state for cid, c in self.report.criteria.items()}


def log_entry(evidence: Evidence) -> LogEntry:
    title = clean_text(evidence.title)
    kind = clean_text(evidence.kind_label.split(" (")[0])
    criteria = ", ".join(clean_text(c) for c in evidence.criteria) or "-"
    row = TableRow(
        key=evidence.id,
        cells=(evidence.date.isoformat(), title, kind, criteria, evidence.status),
        styles=("", "", "evidence-table--muted", "", STATUS_STYLES.get(evidence.status, "")),
    )
    haystack = " ".join(
        (evidence.date.isoformat(), title, kind, evidence.kind, " ".join(evidence.criteria), evidence.status,
         clean_text(evidence.description))
    ).lower()
    return LogEntry(evidence, row, haystack)


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
