"""Keys that arrive in one burst (a slow SSH link, tmux send-keys, a fast typist on a busy machine)
each reach the field they were typed for: a Tab moves on before the next letter, a title typed
straight after ``a`` goes into the form, and enter's jump to the criteria comes before the space that
ticks one. Each burst is handed to the app in one go, as the terminal driver does with one read."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, Select

from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.screens.evidence_form import EvidenceForm
from tests.functional.tui_helpers import app_for, drive, make_portfolio, settle

CHARACTERS = {"space": " ", "tab": "\t", "enter": "\r"}


async def burst(app, pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Every key posted to the app before it handles the first, then wait for all of them."""
    for key in keys:
        event = events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None))
        event.set_sender(app)
        app.post_message(event)
    await settle(app, pilot)


def spelt(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


@drive
async def test_a_burst_with_tabs_fills_each_field_it_was_typed_for(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # "a" opens the form and the title follows at once; Tab, Tab, Tab: date, kind, hours.
        await burst(app, pilot, "a", *spelt("Call notes"), "tab", "tab", "tab", "1", ".", "5")
        form = app.screen
        assert isinstance(form, EvidenceForm)
        assert form.query_one("#title", Input).value == "Call notes"
        assert form.query_one("#date", Input).value == "2026-01-15"
        assert form.query_one("#kind", Select).value == "product"
        assert form.query_one("#hours", Input).value == "1.5"
        assert app.focused is form.query_one("#hours", Input)
        # shift+tab goes back as promptly: to the kind, then the date, where the typing lands.
        await burst(app, pilot, "shift+tab", "shift+tab", "end", "backspace", "4")
        assert form.query_one("#date", Input).value == "2026-01-14"
        assert form.query_one("#hours", Input).value == "1.5"


@drive
async def test_a_burst_through_enter_ticks_the_suggestion_and_saves(tmp_path: Path) -> None:
    """Title, enter (to the suggested criteria), space (tick the first), ctrl+s: all in one read."""
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await burst(app, pilot, "a", *spelt("Letter to a customer explaining a refund"), "enter", "space", "ctrl+s")
        assert not isinstance(app.screen, EvidenceForm)
    piece = next(e for e in PortfolioService(path).load().evidence if e.title.startswith("Letter to a customer exp"))
    assert piece.title == "Letter to a customer explaining a refund"  # no space carried into the title
    assert len(piece.criteria) == 1
