"""`portfolio signoff`: in order (assessor, apprentice, employer), and only by the role's holder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from portfolio_tui import roster as roster_io
from portfolio_tui.cli import main
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.identity import current_user
from portfolio_tui.services.portfolios import PortfolioService

ME = current_user()


def _portfolio(folder: Path) -> Path:
    path = folder / "alice.json"
    PortfolioService.create(path, learner="Alice Ng", standard="odo-l3", start=date(2025, 1, 6),
                            end=date(2026, 6, 30))
    return path


def test_signoffs_go_in_order_and_out_of_order_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _portfolio(tmp_path)
    assert main(["signoff", str(path), "--role", "assessor", "--date", "2026-01-15"]) == 0
    assert capsys.readouterr().out == f"signed off as assessor by {ME} on 2026-01-15; next: the apprentice\n"
    before = path.read_bytes()
    assert main(["signoff", str(path), "--role", "employer", "--date", "2026-01-16"]) == 2
    err = capsys.readouterr().err
    assert err == ("portfolio: role: the employer signs off after the assessor and the apprentice;"
                   " still waiting for: apprentice\n")
    assert main(["signoff", str(path), "--role", "assessor"]) == 2
    assert "already signed off on 2026-01-15" in capsys.readouterr().err
    assert main(["signoff", str(path), "--role", "apprentice", "--date", "2999-01-01"]) == 2
    assert "cannot be dated in the future" in capsys.readouterr().err
    assert path.read_bytes() == before
    signoffs = PortfolioService(path).load().signoffs
    assert [(s.role, s.by, s.on) for s in signoffs] == [("assessor", ME, date(2026, 1, 15))]


def test_only_the_roles_holder_may_sign(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _portfolio(tmp_path)
    roster_io.create_roster(tmp_path, ME)
    roster_io.update_roster(tmp_path, ME, lambda r: Roster(r.owner, {
        ME: RosterEntry("line-manager", ("alice.json",)), "tess": RosterEntry("tutor", ("*",)),
    }))
    before = path.read_bytes()
    assert main(["signoff", str(path), "--role", "assessor"]) == 1
    assert capsys.readouterr().err == "portfolio: only an assessor (tutor) may sign off the gateway as assessor" \
                                      " for alice.json: tess\n"
    assert path.read_bytes() == before
