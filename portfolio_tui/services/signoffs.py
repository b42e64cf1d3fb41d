"""Gateway sign-offs: the assessor, then the apprentice, then the employer, each dated and named.

The order is checked against the sign-offs in the file just before the new one is added through
``add_record``, the one path every record takes. Who may sign for a role (the roster) is asked by
the caller as well: the CLI and the TUI check ``roles.may`` first, so a refusal says who may.
"""

from __future__ import annotations

from datetime import date

from portfolio_tui.domain import roles
from portfolio_tui.domain.progress import SignOff
from portfolio_tui.services import validation as check
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store.records import to_record


def sign_off(svc: PortfolioService, role: str, on: date | str, *, as_of: date | None = None) -> int:
    """Record ``role``'s gateway sign-off on ``on`` by the service's actor (the OS account); returns its id.

    Refused (:class:`InputError` on ``role``) when a role before it has not signed yet, naming who
    must sign first, or when ``role`` has already signed.
    """
    if role not in roles.SIGNOFF_ORDER:
        raise InputError("role", f"must be one of {', '.join(roles.SIGNOFF_ORDER)}, not {check.shown(role)}")
    day = svc.past_date("date", on, as_of, why_not_later="; a sign-off cannot be dated in the future")
    decision = roles.check_signoff(svc.load().signoffs, role)
    if not decision.allowed:
        raise InputError("role", decision.reason)
    record = to_record(SignOff(role=role, by=svc.actor, on=day))
    return svc.add_record("signoffs", record, detail=f"signed off the gateway as {role} on {day.isoformat()}")
