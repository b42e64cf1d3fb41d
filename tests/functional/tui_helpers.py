"""A deterministic portfolio for the TUI tests and snapshots: fixed dates, fixed actor, frozen "today"."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Any

from textual.worker import WorkerCancelled, WorkerState

from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.app import PortfolioApp
from portfolio_tui.tui.factory import build_app
from portfolio_tui.tui.screens.evidence_form import EvidenceForm

AS_OF = date(2026, 1, 15)
ACTOR = "tester"

EVIDENCE = [
    ("Minutes of the March team meeting", date(2025, 3, 20), "product", ["K1", "S2"], "accept"),
    ("Letter to a customer about a refund", date(2025, 4, 11), "product", ["S1", "K2"], "accept"),
    ("Mid-year performance review", date(2025, 6, 30), "performance-review", ["B1", "B2", "V1"], "accept"),
    ("Coach report: handling a complaint", date(2025, 8, 14), "coach-report", ["S5", "B4"], None),
    ("Reflective account on a new process", date(2025, 10, 2), "reflective-account", ["B1", "S7"], "refer"),
    ("Line-manager feedback on casework", date(2025, 12, 5), "line-manager-feedback", ["K3"], None),
]


def make_portfolio(folder: Path, *, name: str = "Ava Patel") -> Path:
    """An ODO portfolio, mid-programme on ``AS_OF``, with evidence in every state."""
    path = folder / "portfolio.json"
    service = PortfolioService.create(
        path, learner=name, standard="odo-l3", start=date(2025, 3, 3), end=date(2026, 6, 30),
        employer="HMRC", tutor="Sam Jones", actor=ACTOR,
    )
    for title, when, kind, criteria, outcome in EVIDENCE:
        piece = service.add_evidence(title=title, date=when, kind=kind, criteria=criteria, as_of=AS_OF,
                                     description=f"What I did: {title.lower()}.")
        if outcome:
            service.assess(piece.id, outcome, "Clear and well evidenced." if outcome == "accept" else "Add detail.")
    service.add_record("reviews", {"date": "2025-06-02", "attendees": ["Ava Patel", "Sam Jones"],
                                   "actions": "Plan the project topic."})
    for day in range(1, 21):  # 120 hours: a 6-hour training day, every day for 20 days (no day holds more than 24)
        service.add_record("otj", {"date": f"2025-09-{day:02d}", "hours": 6.0, "category": "teaching"})
    return path


def app_for(path: Path) -> PortfolioApp:
    return build_app(path, as_of=AS_OF, actor=ACTOR)


SETTLE_LIMIT = 60.0
"""Seconds a test waits for the app's workers before failing (a loaded machine is slow, never this slow)."""


async def settle(app: PortfolioApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the keys typed to be handed on, for loading and saving workers and the ones they start,
    then for the screen to catch up.

    A worker cancelled because a newer one of its group replaced it (a reload after a save supersedes
    the load the file watcher started) has finished its part: ``WorkerManager.wait_for_complete`` would
    raise ``WorkerCancelled`` for it, so each worker is waited for here, and a failed one still fails.
    """
    await pilot.pause()
    deadline = time.monotonic() + SETTLE_LIMIT
    while True:
        assert time.monotonic() < deadline, f"still busy after {SETTLE_LIMIT:g} s: {list(app.workers)}"
        if await app.keys_handed_on():
            continue
        running = [w for w in app.workers if not w.is_finished and w.state != WorkerState.PENDING]
        if not running:
            break
        for worker in running:
            try:
                await asyncio.wait_for(worker.wait(), max(deadline - time.monotonic(), 0.01))
            except WorkerCancelled:
                pass
        await pilot.pause()
    await pilot.pause()


async def evidence_form(app: PortfolioApp, pilot, key: str = "a") -> EvidenceForm:  # type: ignore[no-untyped-def]
    """From the dashboard: the evidence log (2), then ``key`` (a adds, e edits the highlighted piece); the form."""
    await pilot.press("2", key)
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, EvidenceForm), form
    return form


def drive(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain pytest test (no async plugin is needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run
