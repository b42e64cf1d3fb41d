"""`portfolio signoff`: in order (assessor, apprentice, employer), and only by the role's holder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui import roster as roster_io
from portfolio_tui.cli import main
from portfolio_tui.domain.progress import SignOff
from portfolio_tui.domain.roles import Roster, RosterEntry, check_withdrawal, next_signoff
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
    assert main(["signoff", str(path), "--role", "assessor", "--date", "2026-01-15", "--reason", "Agreed early"]) == 0
    assert capsys.readouterr().out == (f"signed off as assessor by {ME} on 2026-01-15 (with open items: Agreed early);"
                                       " next: the apprentice\n")
    before = path.read_bytes()
    assert main(["signoff", str(path), "--role", "employer", "--date", "2026-01-16"]) == 2
    err = capsys.readouterr().err
    assert err == ("portfolio: role: the employer signs off after the assessor and the apprentice;"
                   " still waiting for: apprentice\n")
    assert main(["signoff", str(path), "--role", "assessor"]) == 2
    assert "already signed off on 2026-01-15" in capsys.readouterr().err
    assert main(["signoff", str(path), "--role", "apprentice", "--date", "2199-01-01"]) == 2
    assert "cannot be dated in the future" in capsys.readouterr().err
    assert main(["signoff", str(path), "--role", "apprentice", "--date", "2025-09-01", "--reason", "x"]) == 2
    assert capsys.readouterr().err == ("portfolio: role: the apprentice's sign-off cannot be dated 2025-09-01, before "
                                       "the assessor's (2026-01-15) that it follows\n")
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


def test_a_signoff_with_gateway_items_open_needs_a_reason_which_is_kept_and_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _portfolio(tmp_path)
    before = path.read_bytes()
    assert main(["signoff", str(path), "--role", "assessor", "--date", "2026-01-15"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("portfolio: reason: ") and "still open" in err
    assert path.read_bytes() == before
    assert main(["signoff", str(path), "--role", "assessor", "--date", "2026-01-15",
                 "--reason", "EPA booked by the employer"]) == 0
    capsys.readouterr()
    assert main(["gateway", str(path), "--json", "--as-of", "2026-01-16"]) == 1
    document = json.loads(capsys.readouterr().out)
    learner = document["portfolios"][0]
    assert learner["signoffs"] == [{"role": "assessor", "by": ME, "on": "2026-01-15", "withdrawal": False,
                                    "reason": "EPA booked by the employer"}]


def test_a_signer_withdraws_their_own_signoff_with_a_reason_as_an_appended_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _portfolio(tmp_path)
    assert main(["signoff", str(path), "--role", "assessor", "--date", "2026-01-15", "--reason", "Agreed"]) == 0
    capsys.readouterr()
    before = path.read_bytes()
    assert main(["signoff", str(path), "--role", "assessor", "--withdraw"]) == 2
    assert "reason" in capsys.readouterr().err and path.read_bytes() == before
    assert main(["signoff", str(path), "--role", "apprentice", "--withdraw", "--reason", "x"]) == 2
    assert "no apprentice sign-off to withdraw" in capsys.readouterr().err
    assert main(["signoff", str(path), "--role", "assessor", "--withdraw", "--reason", "Evidence was re-opened"]) == 0
    assert "withdrew the assessor's sign-off" in capsys.readouterr().out
    signoffs = PortfolioService(path).load().signoffs
    assert [(s.role, s.withdrawal, s.reason) for s in signoffs] == [
        ("assessor", False, "Agreed"), ("assessor", True, "Evidence was re-opened")]
    assert next_signoff(signoffs) == "assessor"
    assert main(["verify", str(path)]) == 0  # appended, sealed in the chain: nothing edited
    capsys.readouterr()
    assert main(["signoff", str(path), "--role", "assessor", "--date", "2026-01-16", "--reason", "Again"]) == 0


def test_only_the_signer_may_withdraw_a_signoff() -> None:
    made = [SignOff("assessor", "tess", date(2026, 1, 15))]
    assert not check_withdrawal(made, "assessor", "sam").allowed
    assert "only tess" in check_withdrawal(made, "assessor", "sam").reason
    later = [*made, SignOff("apprentice", "ava", date(2026, 1, 16))]
    assert "withdraw theirs first" in check_withdrawal(later, "assessor", "tess").reason


def test_verify_replays_withdrawals_when_it_checks_the_signoff_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sign-off written past the service after the one before it was withdrawn is out of order, and
    verify says so; the same file through the service (withdraw, sign again) verifies."""
    from portfolio_tui.store.records import to_record

    path = _portfolio(tmp_path)
    for argv in (["--role", "assessor", "--date", "2026-01-15", "--reason", "Agreed"],
                 ["--role", "assessor", "--withdraw", "--reason", "Evidence was re-opened"]):
        assert main(["signoff", str(path), *argv]) == 0
    capsys.readouterr()
    assert main(["verify", str(path)]) == 0
    capsys.readouterr()
    store = PortfolioService(path).store
    with store.transaction() as tx:  # what a tool with the account's key could write, bypassing the order rule
        tx.insert("signoffs", to_record(SignOff("apprentice", ME, date(2026, 1, 16))), "signed as apprentice")
    assert main(["verify", str(path)]) != 0
    out = capsys.readouterr().out
    assert "signoffs 3" in out and "still waiting for: assessor" in out


def test_a_sign_off_and_its_withdrawal_are_dated_by_the_day_the_caller_gives_as_today(tmp_path: Path) -> None:
    """``as_of`` is the day every check takes as today (the TUI's, a script's): the sign-off's own fields were
    checked against the machine's date, so one dated after it but not after ``as_of`` was refused ("on: ... is
    after today") by the record check after its own check had taken it."""
    from datetime import timedelta

    from portfolio_tui.services.signoffs import sign_off, withdraw_signoff

    path = _portfolio(tmp_path)
    later = date.today() + timedelta(days=10)
    service = PortfolioService(path)
    sign_off(service, "assessor", on=later - timedelta(days=2), reason="open items agreed", as_of=later)
    withdraw_signoff(service, "assessor", reason="signed too early", on=later - timedelta(days=1), as_of=later)
    made = PortfolioService(path).load().signoffs
    assert [(s.role, s.on, s.withdrawal) for s in made] == [
        ("assessor", later - timedelta(days=2), False), ("assessor", later - timedelta(days=1), True)]
