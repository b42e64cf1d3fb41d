"""``portfolio signoff PATH --role assessor|apprentice|employer [--date D]``: a gateway sign-off.

The account running the command must hold the role on the cohort's roster (without a roster: own
the file); a refusal says who may, and exits 1. Signing out of order is bad input (exit 2) and
says who must sign first.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from portfolio_tui.cli.refusals import refusals
from portfolio_tui.domain.roles import SIGNOFF_ORDER


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("signoff", help="sign off a portfolio's gateway (assessor, then apprentice, then employer)")
    p.add_argument("path", type=Path)
    p.add_argument("--role", required=True, choices=SIGNOFF_ORDER)
    p.add_argument("--date", help="the day of the sign-off (default today)")
    p.add_argument("--reason", help="why you sign off while gateway items are still open (kept with the sign-off); "
                   "with --withdraw, why you take your sign-off back")
    p.add_argument("--withdraw", action="store_true",
                   help="take back your own sign-off for --role (needs --reason; appended, never an edit)")
    p.set_defaults(func=cmd_signoff)


def cmd_signoff(args: argparse.Namespace) -> int:
    from portfolio_tui.domain import roles
    from portfolio_tui.domain.roles import next_signoff
    from portfolio_tui.domain.text import clean_text
    from portfolio_tui.services.session import PortfolioSession
    from portfolio_tui.services.signoffs import sign_off, withdraw_signoff

    with refusals():
        svc = PortfolioSession(args.path)
        if args.withdraw:
            withdraw_signoff(svc, args.role, reason=args.reason or "", on=args.date)
            print(f"withdrew the {args.role}'s sign-off (kept in the record, with your reason); "
                  f"next: the {next_signoff(svc.load().signoffs)}")
            return 0
        sign_off(svc, args.role, args.date or date.today(), reason=args.reason or "")
        made = roles.standing_signoffs(svc.load().signoffs)
    done = next(s for s in made if s.role == args.role)
    following = next_signoff(made)
    then = f"; next: the {following}" if following else "; all three sign-offs are in"
    why = f" (with open items: {done.reason})" if done.reason else ""
    print(clean_text(f"signed off as {args.role} by {done.by} on {done.on.isoformat()}{why}{then}"))
    return 0
