"""The commands that start the TUI: first run creates the portfolio; `demo` shifts a sample's dates."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from portfolio_tui import locations
from portfolio_tui.cli import tui_commands
from portfolio_tui.cli.errors import CliError
from portfolio_tui.services.demo import shift_dates
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.factory import build_app
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.first_run import FirstRunScreen
from tests.functional.tui_helpers import AS_OF, drive, settle


@drive
async def test_first_run_creates_the_portfolio_then_shows_the_dashboard(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    app = build_app(path, as_of=AS_OF, first_run=True, actor="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert str(screen.query_one("#learner-error").render()) == "Your name: must not be empty"
        assert not path.exists()
        screen.query_one("#learner", Input).value = "Jo [bold]Bloggs"
        screen.query_one("#standard", Select).value = "csp-l2"
        screen.query_one("#end", Input).value = "15/01/2027"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        learner = PortfolioService(path).load().learner
        assert (learner.name, learner.standard_id, learner.start, learner.planned_end) == (
            "Jo [bold]Bloggs", "csp-l2", AS_OF, date(2027, 1, 15))
        assert "Jo [bold]Bloggs" in str(app.screen.query_one("#dash-head").render())


def test_shift_dates_moves_dates_and_timestamps_only() -> None:
    doc = {"t": {"1": {"date": "2025-01-31", "at": "2025-01-31T10:00:00Z", "title": "2025-01-31 notes", "n": 3,
                       "list": ["2024-02-29"]}}}
    assert shift_dates(doc, 1) == {
        "t": {"1": {"date": "2025-02-01", "at": "2025-02-01T10:00:00Z", "title": "2025-01-31 notes", "n": 3,
                    "list": ["2024-03-01"]}}}


def test_demo_on_the_day_the_samples_were_made_shows_no_judgement_or_entry_after_today(tmp_path: Path) -> None:
    """The samples' moments (logged, judged) carry the clock of the day they were generated, after the day
    they are written for: the demo must not move those into next week."""
    sample = locations.samples_dir() / "csp-midway.json"
    made = max(date.fromisoformat(m) for m in re.findall(r'"(\d{4}-\d{2}-\d{2})T', sample.read_text()))
    for today in (made, made + timedelta(days=1), made + timedelta(days=30)):
        target = tui_commands.make_demo("csp-midway", tmp_path / today.isoformat(), today)
        moments = [date.fromisoformat(m) for m in re.findall(r'"(\d{4}-\d{2}-\d{2})T', target.read_text())]
        assert moments and max(moments) < today, (today, max(moments))
        copy = PortfolioService(target).load()
        assert all(date.fromisoformat(j.at[:10]) < today for e in copy.evidence for j in e.judgements)
        assert max(e.date for e in copy.evidence) <= today


def test_demo_puts_today_mid_programme_with_nothing_in_the_future(tmp_path: Path) -> None:
    today = date(2030, 5, 17)
    target = tui_commands.make_demo(None, tmp_path / "demo", today)
    original = PortfolioService(locations.samples_dir() / target.name).load()
    copy = PortfolioService(target).load()
    start, end = copy.learner.start, copy.learner.planned_end
    assert start + (end - start) / 4 < today < end - (end - start) / 4
    assert max(e.date for e in copy.evidence) <= today
    shift = start - original.learner.start
    assert end - original.learner.planned_end == shift
    assert [e.date - shift for e in copy.evidence] == [e.date for e in original.evidence]
    assert [r.date - shift for r in copy.reviews] == [r.date for r in original.reviews]
    with pytest.raises(CliError, match="no sample named 'nope'"):
        tui_commands.make_demo("nope", tmp_path / "other", today)
