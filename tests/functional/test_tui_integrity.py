"""TUI faults: a failing save, memory over many opens, number keys on the first-run form."""

from __future__ import annotations

import functools
import gc
import weakref
from pathlib import Path

from textual.dom import DOMNode
from textual.widgets import Input, Static

from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.records import mark_milestone_done
from portfolio_tui.services.signoffs import sign_off
from portfolio_tui.tui.factory import build_app, build_caseload
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.decisions import ReasonDialog
from portfolio_tui.tui.screens.evidence_form import EvidenceForm
from portfolio_tui.tui.screens.first_run import FirstRunScreen
from portfolio_tui.tui.screens.gateway import GatewayScreen
from portfolio_tui.tui.screens.timeline import TimelineScreen
from tests.functional.test_tui_caseload import _notes, make_cohort
from tests.functional.tui_helpers import AS_OF, app_for, drive, evidence_form, make_portfolio, settle


def _live_objects() -> tuple[int, int]:
    """(DOM nodes alive, objects alive), with Textual's own bounded caches emptied first (its ``lru_cache``
    tables keep up to thousands of render results by design) and nothing left frozen."""
    gc.unfreeze()
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper) and obj.__module__.startswith("textual"):
            obj.cache_clear()
    gc.collect()
    objects = gc.get_objects()
    return sum(isinstance(o, DOMNode) for o in objects), len(objects)


@drive
async def test_closed_screens_are_freed_and_memory_stays_flat_over_many_learner_opens(tmp_path: Path) -> None:
    folder = make_cohort(tmp_path)
    for other in ("broken.json", "ben.json", "cara.json", "dan.json"):
        (folder / other).unlink()
    app = build_caseload(folder, as_of=AS_OF, actor="tester")
    dashboards: list[weakref.ref[DashboardScreen]] = []
    counts = []
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            for opened in range(1, 25):
                await pilot.press("enter")
                await settle(app, pilot)
                assert isinstance(app.screen, DashboardScreen)
                dashboards.append(weakref.ref(app.screen))
                await pilot.press("backspace")
                await settle(app, pilot)
                if opened == 12:
                    gc.collect()  # what the app froze stays: the closed dashboards must not be among it
                    assert [ref() is None for ref in dashboards[:-2]] == [True] * (len(dashboards) - 2)
                if opened in (12, 24):
                    counts.append(_live_objects())
    finally:
        gc.unfreeze()
    (nodes_before, objects_before), (nodes_after, objects_after) = counts
    assert nodes_after == nodes_before
    # Before the fix the footer kept every key it had shown: thousands of objects an open.
    assert objects_after - objects_before < 2_000, counts


@drive
async def test_an_unexpected_error_in_a_save_is_shown_and_the_form_and_app_stay(tmp_path: Path, monkeypatch) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "e")

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug nobody foresaw")

        monkeypatch.setattr(app.service, "edit_evidence", broken)
        form.query_one("#title", Input).value = "My better title"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.is_running and app.screen is form
        message = str(form.query_one("#form-error", Static).render())
        assert "unexpected error (RuntimeError: a bug nobody foresaw)" in message
        assert form.query_one("#title", Input).value == "My better title" and not form.saving
    assert PortfolioService(path).evidence(form.evidence.id).title != "My better title"


@drive
async def test_number_keys_do_not_skip_the_first_run_form(tmp_path: Path) -> None:
    app = build_app(tmp_path / "new.json", as_of=AS_OF, first_run=True, actor="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstRunScreen)
        app.screen.query_one("#create").focus()
        for key in ("1", "2", "3", "4", "5"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, FirstRunScreen), key
    assert not (tmp_path / "new.json").exists()


@drive
async def test_a_file_that_breaks_the_schema_opens_read_only_with_a_warning(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('"kind":"product"', '"kind":"essay"', 1),
                    encoding="utf-8")
    before = path.read_bytes()
    app = app_for(path)
    notes = _notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        warnings = [n for n in notes if "read-only" in n]
        assert len(warnings) == 1 and "unknown evidence kind 'essay'" in warnings[0]
        # Nothing can be saved, so nothing that changes the file is offered: not in the footer, not on a key.
        dashboard = app.screen
        shown = {b.binding.action for b in app.active_bindings.values() if b.binding.show}
        assert "add_evidence" not in shown and "log_hours" not in shown, shown
        assert not dashboard.may("add_evidence")
        await pilot.press("a")
        await settle(app, pilot)
        assert app.screen is dashboard
        await pilot.press("2", "e")
        await settle(app, pilot)
        assert not isinstance(app.screen, EvidenceForm)
    assert path.read_bytes() == before


@drive
async def test_a_milestone_mark_and_ones_own_signoff_are_taken_back_with_a_reason(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    service = PortfolioService(path, actor="tester")
    mark_milestone_done(service, "plan-review", on="2025-06-10", as_of=AS_OF)
    sign_off(service, "assessor", "2026-01-10", reason="Agreed with the employer", as_of=AS_OF)
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        screen.table.move_cursor(row=list(screen.items).index("m:plan-review"))
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("ctrl+s")  # no reason: refused, nothing written
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one("#reason", Input).value = "Marked on the wrong learner"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("5", "W")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one("#reason", Input).value = "Evidence reopened"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, GatewayScreen)
        assert "withdrawn: assessor by tester" in str(app.screen.query_one("#signoffs", Static).render())
    portfolio = PortfolioService(path).load()
    assert [(m.key, m.undone, m.reason) for m in portfolio.milestones_done] == [
        ("plan-review", False, ""), ("plan-review", True, "Marked on the wrong learner")]
    assert [(s.role, s.withdrawal, s.reason) for s in portfolio.signoffs] == [
        ("assessor", False, "Agreed with the employer"), ("assessor", True, "Evidence reopened")]
