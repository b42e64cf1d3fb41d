"""What the gateway screen and the evidence log offer each account, decided by the services."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from portfolio_tui.domain import roles
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.readiness import assess
from portfolio_tui.services.signoffs import sign_off
from portfolio_tui.services.views import Access, gateway_rows, signoff_choice
from tests.functional.store_helpers import AS_OF, new_portfolio


def _access(path: Path, role: str | None) -> Access:
    roster = None if role is None else roles.Roster("root", {"me": roles.RosterEntry(role, (path.name,))})
    return Access(path, "me", roster)


def test_record_is_offered_on_an_item_only_to_an_account_that_may_record_it(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    service = PortfolioService(path)
    portfolio, standard = service.load(), service.standard
    report = assess(standard, portfolio, AS_OF)
    tutor = {r.item.key: r for r in gateway_rows(standard, report, _access(path, roles.TUTOR))}
    manager = {r.item.key: r for r in gateway_rows(standard, report, _access(path, roles.LINE_MANAGER))}
    assert tutor["employer-confirmation"].records == "employer"
    assert manager["employer-confirmation"].may_record and not tutor["employer-confirmation"].may_record
    assert tutor["reviews"].may_record and tutor["otj-target"].records == "otj"
    prerequisite = next(k for k in tutor if k.startswith("prerequisite:"))
    assert tutor[prerequisite].may_record and not manager[prerequisite].may_record
    derived = [k for k, row in tutor.items() if not row.records]
    assert derived and not any(tutor[k].may_record or manager[k].may_record for k in derived)


def test_sign_off_is_offered_in_the_account_s_own_role_only_when_it_is_its_turn(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    service = PortfolioService(path, actor="me")
    apprentice = _access(path, roles.APPRENTICE)
    early = signoff_choice(service.load(), apprentice, "me")
    assert (early.sign_as, early.withdraw_as) == ("", "")
    assert early.refusal == "Not now: the apprentice signs off after the assessor; still waiting for: assessor."
    tutor = _access(path, roles.TUTOR)
    assert signoff_choice(service.load(), tutor, "me").sign_as == "assessor"
    sign_off(service, "assessor", on=date(2026, 1, 14), as_of=AS_OF, reason="Agreed")
    again = signoff_choice(service.load(), tutor, "me")
    assert (again.sign_as, again.withdraw_as) == ("", "assessor")
    assert again.refusal == "Not now: the assessor already signed off on 2026-01-14 (me)."
    assert signoff_choice(service.load(), apprentice, "me").sign_as == "apprentice"
    for role in roles.SIGNOFF_ORDER[1:]:
        sign_off(PortfolioService(path, actor=f"the {role}"), role, on=date(2026, 1, 14), as_of=AS_OF, reason="Agreed")
    done = signoff_choice(service.load(), tutor, "me")
    assert (done.sign_as, done.refusal, done.withdraw_as) == ("", "All three gateway sign-offs are in.", "assessor")


def test_enter_on_evidence_assesses_for_a_tutor_and_edits_for_the_apprentice(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    assert _access(path, roles.TUTOR).evidence_enter == "assess"
    assert _access(path, roles.APPRENTICE).evidence_enter == "edit"
    assert _access(path, roles.LINE_MANAGER).evidence_enter == "read"  # QA Q7: the piece whole, to read
    assert _access(path, None).evidence_enter == "edit"
