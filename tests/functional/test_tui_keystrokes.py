"""The keystroke budget: logging a piece of evidence tagged to two criteria takes at most 8 keys
beyond the text typed. The test counts every key pressed that is not part of the text, prints the
count, and fails above 8."""

from __future__ import annotations

from pathlib import Path

from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.screens.evidence_form import EvidenceForm
from tests.functional.tui_helpers import AS_OF, app_for, drive, make_portfolio, settle

BUDGET = 8
TITLE = "Letter to a customer explaining a refund"


@drive
async def test_a_piece_tagged_to_two_criteria_takes_at_most_eight_keys(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    keys: list[str] = []

    async def key(*names: str) -> None:
        keys.extend(names)
        await pilot.press(*names)
        await settle(app, pilot)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await key("a")
        assert isinstance(app.screen, EvidenceForm)
        await pilot.press(*["space" if ch == " " else ch for ch in TITLE])  # the typed text, not counted
        await settle(app, pilot)
        suggested = app.screen.query_one("#criteria").suggested
        # Customers (the text's best match), then Customer service: what the apprentice tagged their
        # earlier "Letter to a customer about a refund" to (tui_helpers.EVIDENCE).
        assert suggested[:2] == ["K2", "S1"]
        await key("enter", "space", "down", "space", "ctrl+s")
        assert not isinstance(app.screen, EvidenceForm)
    print(f"\nkeystrokes beyond the typed text: {len(keys)} ({' '.join(keys)}); budget {BUDGET}")
    assert len(keys) <= BUDGET
    piece = PortfolioService(path).load().evidence[-1]
    assert (piece.title, piece.date, piece.criteria) == (TITLE, AS_OF, ("K2", "S1"))
