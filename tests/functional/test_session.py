"""The session decides once, inside the lock: a change is judged against the file and the roster as they
are when it is written, not as they were read a moment before.

Each race is staged by letting another writer change the file (or the roster) in the gap between the
caller's read and the locked transaction: the store's ``transaction`` first runs the other change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui import roster as roster_io
from portfolio_tui.domain import roles
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.identity import current_user
from portfolio_tui.services import records
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.services.signoffs import sign_off
from tests.functional.store_helpers import ACTOR, AS_OF, new_portfolio

ME = current_user()


def _first(session: PortfolioService, other: Callable[[], object]) -> None:
    """Make ``other`` happen just before ``session`` takes the lock for its next change."""
    store = session.store
    original = store.transaction

    @contextmanager
    def after_the_other() -> Iterator[object]:
        store.transaction = original  # type: ignore[method-assign]
        other()
        with original() as tx:
            yield tx

    store.transaction = after_the_other  # type: ignore[method-assign]


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    return new_portfolio(tmp_path)


def test_a_break_that_overlaps_one_written_meanwhile_is_refused(portfolio: Path) -> None:
    session = PortfolioSession(portfolio, ACTOR)
    other = PortfolioService(portfolio, "someone-else")
    _first(session, lambda: records.record_break(other, start="2025-06-01", end="2025-06-30", as_of=AS_OF))
    with pytest.raises(InputError, match="start: overlaps break 1"):
        records.record_break(session, start="2025-06-10", end="2025-07-10", as_of=AS_OF)
    assert [b.id for b in session.load().breaks] == [1]


def test_a_milestone_marked_done_meanwhile_is_not_marked_twice(portfolio: Path) -> None:
    session = PortfolioSession(portfolio, ACTOR)
    other = PortfolioService(portfolio, "someone-else")
    _first(session, lambda: records.mark_milestone_done(other, "plan-review", on="2026-01-05", as_of=AS_OF))
    with pytest.raises(InputError, match="milestone: plan-review is already recorded as done"):
        records.mark_milestone_done(session, "plan-review", on="2026-01-06", as_of=AS_OF)
    assert [m.key for m in session.load().milestones_done] == ["plan-review"]


def test_a_break_ended_before_its_start_as_changed_meanwhile_is_refused(portfolio: Path) -> None:
    session = PortfolioSession(portfolio, ACTOR)
    records.record_break(session, start="2025-06-01", as_of=AS_OF)
    other = PortfolioService(portfolio, "someone-else")
    _first(session, lambda: other.update_record("breaks", 1, {"start": "2025-08-01"}))
    with pytest.raises(InputError, match="end: .*the break's start \\(2025-08-01\\)"):
        records.end_break(session, 1, "2025-07-01")
    assert session.load().breaks[0].end is None


def test_a_signoff_is_judged_by_the_signoffs_in_the_file_when_it_is_written(portfolio: Path) -> None:
    session = PortfolioSession(portfolio, ACTOR)
    other = PortfolioService(portfolio, "someone-else")
    _first(session, lambda: sign_off(other, "assessor", "2026-01-05", reason="Agreed", as_of=AS_OF))
    with pytest.raises(InputError, match="role: the assessor already signed off on 2026-01-05"):
        sign_off(session, "assessor", "2026-01-06", reason="Agreed", as_of=AS_OF)
    assert [s.by for s in session.load().signoffs] == ["someone-else"]


def _tutor_roster(folder: Path, account: str) -> None:
    roster_io.save_roster(folder, Roster(ME, {account: RosterEntry(roles.TUTOR, ("*",))}), ME)


def test_a_right_taken_away_meanwhile_is_refused(portfolio: Path) -> None:
    """Authorised once, with the lock held: the roster as it is when the change is written decides."""
    PortfolioService(portfolio, ACTOR).add_evidence(title="Observation", date="2025-05-02", kind="observation",
                                                    criteria=["S1"], as_of=AS_OF)
    roster_io.create_roster(portfolio.parent, ME)
    _tutor_roster(portfolio.parent, ME)
    session = PortfolioSession(portfolio, ACTOR)
    before = portfolio.read_bytes()
    _first(session, lambda: _tutor_roster(portfolio.parent, "tess"))
    with pytest.raises(roles.NotAllowed, match="may accept or refer evidence in ava.json: tess"):
        session.assess(1, "accept", "Clear")
    assert portfolio.read_bytes() == before


def test_every_read_checks_the_roster_as_it_is_now(portfolio: Path) -> None:
    roster_io.create_roster(portfolio.parent, ME)
    _tutor_roster(portfolio.parent, ME)
    session = PortfolioSession(portfolio, ACTOR)
    assert session.load().learner.name == "Ava Patel"
    _tutor_roster(portfolio.parent, "tess")
    for read in (session.load, lambda: session.learner, lambda: session.standard, session.history,
                 lambda: session.timeline(AS_OF), lambda: session.readiness(date(2026, 1, 15))):
        with pytest.raises(roles.NotAllowed, match="may see ava.json: tess"):
            read()
    with pytest.raises(roles.NotAllowed, match="may see ava.json: tess"):
        PortfolioSession(portfolio, ACTOR)
