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
    p.set_defaults(func=cmd_signoff)


def cmd_signoff(args: argparse.Namespace) -> int:
    from portfolio_tui.domain.roles import next_signoff
    from portfolio_tui.services.session import PortfolioSession
    from portfolio_tui.services.signoffs import sign_off

    with refusals():
        svc = PortfolioSession(args.path)
        sign_off(svc, args.role, args.date or date.today())
        made = svc.load().signoffs
    done = next(s for s in made if s.role == args.role)
    following = next_signoff(made)
    then = f"; next: the {following}" if following else "; all three sign-offs are in"
    print(f"signed off as {args.role} by {done.by} on {done.on.isoformat()}{then}")
    return 0
