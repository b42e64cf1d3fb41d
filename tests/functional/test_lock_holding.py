"""No change holds the portfolio's lock while it waits on something slow: a file being added is copied into the
portfolio's store before the change's transaction, so the others' saves go on meanwhile. Reading commands (report,
export, the PDF pack, gateway) take no lock at all (``store.reading``)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui.domain.roles import NotAllowed
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import file_store
from portfolio_tui.store.portfolio_store import PortfolioStore
from tests.functional.store_helpers import AS_OF, new_portfolio
from tests.functional.test_taken_in import rostered


def _piece(title: str, files: list[str] | None = None) -> dict:
    return {"title": title, "date": date(2025, 4, 1), "kind": "product", "criteria": ["K1"], "files": files or [],
            "as_of": AS_OF}


@pytest.mark.parametrize("change", ["add", "edit"])
def test_a_slow_copy_of_an_added_file_does_not_hold_the_portfolio_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """While one person's file is copied (held here until the other save is done), another person's save goes
    through at once; it waited for the whole copy (and failed after the lock's timeout) when the copy was made
    inside the transaction."""
    path = new_portfolio(tmp_path, evidence=1)
    source = tmp_path / "recording.mp4"
    source.write_bytes(b"\x00" * 4096)
    copying, other_saved = threading.Event(), threading.Event()
    keep = file_store.keep

    def slow_keep(portfolio: Path, typed: Path) -> str:
        copying.set()
        assert other_saved.wait(20), "the other save never came"
        return keep(portfolio, typed)

    monkeypatch.setattr(file_store, "keep", slow_keep)
    failed: list[BaseException] = []

    def add_with_file() -> None:
        try:
            service = PortfolioService(path)
            if change == "add":
                service.add_evidence(**_piece("Recording", [str(source)]))
            else:
                service.edit_evidence(1, files=[str(source)], as_of=AS_OF)
        except BaseException as exc:  # (reported below, in the test's thread)
            failed.append(exc)

    adder = threading.Thread(target=add_with_file)
    adder.start()
    try:
        assert copying.wait(20)
        other = PortfolioService(path, store=PortfolioStore(path, lock_timeout=1.0))
        other.add_evidence(**_piece("Minutes, saved meanwhile"))
        other_saved.set()
    finally:
        other_saved.set()
        adder.join(20)
    assert not failed, failed
    evidence = PortfolioService(path).load().evidence
    assert "Minutes, saved meanwhile" in {e.title for e in evidence}
    assert any(f.endswith("/recording.mp4") for e in evidence for f in e.files)


def test_a_refused_add_copies_nothing(tmp_path: Path) -> None:
    """The account is asked before a byte is copied: a tutor may not add evidence to a learner's portfolio."""
    rostered(tmp_path)
    path = new_portfolio(tmp_path)
    source = tmp_path / "minutes.txt"
    source.write_text("minutes")
    with pytest.raises(NotAllowed, match="only the apprentice may add evidence"):
        PortfolioService(path).add_evidence(**_piece("Minutes", [str(source)]))
    assert not (tmp_path / "ava.files").exists()
