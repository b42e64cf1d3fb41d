"""Gateway sign-offs: the assessor, then the apprentice, then the employer, each dated and named.

Who may sign for a role (the roster) and the order are both checked once, inside the locked
transaction of ``add_record``, the one path every record takes, against the sign-offs in the file
as it is then; a refusal says who may, or who must sign first.

A sign-off while gateway items are still open needs a reason, kept with it and shown wherever the
sign-offs are (judged, too, against the file under the lock). A signer takes their own sign-off back
by appending a withdrawal, with a reason: sign-offs are sealed, so nothing is ever edited or removed.
"""

from __future__ import annotations

from datetime import date

from portfolio_tui.domain import roles
from portfolio_tui.domain.portfolio import Portfolio, changed_outside_text
from portfolio_tui.domain.progress import SignOff
from portfolio_tui.services import readiness
from portfolio_tui.services import validation as check
from portfolio_tui.services.errors import InputError, NotBelieved
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store.records import to_record


def _role(role: str) -> str:
    if role not in roles.SIGNOFF_ORDER:
        raise InputError("role", f"must be one of {', '.join(roles.SIGNOFF_ORDER)}, not {check.shown(role)}")
    return role


def sign_off(
    svc: PortfolioService, role: str, on: date | str, *, reason: str = "", as_of: date | None = None
) -> int:
    """Record ``role``'s gateway sign-off on ``on`` by the service's actor (the OS account); returns its id.

    Refused (:class:`InputError` on ``role``) when a role before it has not signed yet, naming who
    must sign first, or when ``role`` has already signed; refused on ``reason`` while gateway items
    are open and no reason is given.
    """
    _role(role)
    day = svc.past_date("date", on, as_of, why_not_later="; a sign-off cannot be dated in the future")
    why = check.text("reason", reason, multiline=True)
    standard, today = svc.standard, as_of or date.today()

    def reason_for_open_items(now: Portfolio) -> None:
        if now.changed_outside:  # no reason makes a sign-off on what someone typed into the file by hand
            raise NotBelieved(f"{svc.path.name}: {changed_outside_text(now.changed_outside)}; no sign-off is taken "
                              "until it is repaired")
        still_open = [item.title for item in readiness.assess(standard, now, today).open_items]
        if still_open and not why:
            shown = "; ".join(still_open[:3]) + (f"; and {len(still_open) - 3} more" if len(still_open) > 3 else "")
            raise InputError("reason", f"{len(still_open)} gateway item(s) are still open ({shown}); "
                                       "sign off anyway only with a reason, which is kept with the sign-off")

    record = to_record(SignOff(role=role, by=svc.actor, on=day, reason=why))
    note = f" ({why})" if why else ""
    return svc.add_record("signoffs", record, detail=f"signed off the gateway as {role} on {day.isoformat()}{note}",
                          state_check=reason_for_open_items, as_of=as_of)


def withdraw_signoff(
    svc: PortfolioService, role: str, *, reason: str, on: date | str | None = None, as_of: date | None = None
) -> int:
    """Take back this actor's own ``role`` sign-off, with a reason, as an appended (sealed) record.

    ``add_record`` refuses it under the lock unless the actor's sign-off for ``role`` stands and no later
    role's stands on it (``roles.check_withdrawal``).
    """
    _role(role)
    day = svc.past_date("date", on or (as_of or date.today()), as_of,
                        why_not_later="; a withdrawal cannot be dated in the future")
    why = check.text("reason", reason, required=True, multiline=True)
    record = to_record(SignOff(role=role, by=svc.actor, on=day, reason=why, withdrawal=True))
    return svc.add_record("signoffs", record, detail=f"withdrew the {role}'s gateway sign-off: {why}", as_of=as_of)
