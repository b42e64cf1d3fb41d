"""Gateway sign-offs: the assessor, then the apprentice, then the employer, each dated and named.

Who may sign for a role (the roster) and the order are both checked once, inside the locked
transaction of ``add_record``, the one path every record takes, against the sign-offs in the file
as it is then; a refusal says who may, or who must sign first.
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
    record = to_record(SignOff(role=role, by=svc.actor, on=day))
    return svc.add_record("signoffs", record, detail=f"signed off the gateway as {role} on {day.isoformat()}")
