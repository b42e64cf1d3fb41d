"""The timeline screen's rows are a service view model (issue 9: screens only render what services give)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.services.views import timeline_rows

AS_OF = date(2026, 11, 24)


def test_rows_are_dated_in_order_with_one_row_for_an_overdue_review(tmp_path: Path) -> None:
    path = tmp_path / "tom.json"
    PortfolioService.create(path, learner="Tom", standard="odo-l3", start="2025-06-02", end="2027-01-29",
                            actor="test")
    portfolio, report = PortfolioSession(path).readiness(AS_OF)
    rows = timeline_rows(portfolio, report, AS_OF)
    assert [r.day for r in rows] == sorted(r.day for r in rows)
    assert {r.kind for r in rows} >= {"milestone", "review"}
    overdue = [r for r in rows if r.kind == "review" and r.status == "overdue"]
    assert len(overdue) == 1 and overdue[0].title == "Progress review overdue"
    # the overdue review is not also listed as the next one due on the same date
    assert not [r for r in rows if r.kind == "review" and r.status == "due" and r.day == overdue[0].day]
    assert all(r.milestone_key for r in rows if r.kind == "milestone")


def test_a_break_going_on_says_so(tmp_path: Path) -> None:
    """QA Q13: a break recorded without an end read "2026-11-02 to open." under the timeline."""
    from portfolio_tui.services import records

    path = tmp_path / "tom.json"
    service = PortfolioService.create(path, learner="Tom", standard="odo-l3", start="2025-06-02", end="2027-01-29",
                                      actor="test")
    records.record_break(service, start="2026-11-02", reason="Sick leave", as_of=AS_OF)
    records.record_break(service, start="2026-01-05", end="2026-01-30", as_of=AS_OF)
    portfolio, report = PortfolioSession(path).readiness(AS_OF)
    breaks = [(r.status, r.detail) for r in timeline_rows(portfolio, report, AS_OF) if r.kind == "break"]
    assert breaks == [("ended", "2026-01-05 to 2026-01-30."),
                      ("on break", "From 2026-11-02, still going on. Sick leave")], breaks
