"""``portfolio new`` and ``portfolio validate``: starting a portfolio file and checking one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portfolio_tui.cli.refusals import refusals


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="start a portfolio file for one apprentice")
    p.add_argument("path", type=Path, help="the new file (a cohort is a folder of them)")
    p.add_argument("--learner", required=True, metavar="NAME", help="the apprentice's name")
    p.add_argument("--standard", required=True, metavar="ID", help="an id from `portfolio standards list`")
    p.add_argument("--start", required=True, metavar="DATE",
                   help="programme start (2026-01-05, 05/01/2026, 5 Jan 2026)")
    p.add_argument("--end", required=True, metavar="DATE", help="planned end date")
    p.add_argument("--employer", default="", metavar="NAME")
    p.add_argument("--line-manager", default="", metavar="NAME")
    p.add_argument("--tutor", default="", metavar="NAME")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("validate", help="check a portfolio file against the schema and its standard")
    p.add_argument("path", type=Path)
    p.set_defaults(func=cmd_validate)


def cmd_new(args: argparse.Namespace) -> int:
    from portfolio_tui.services.portfolios import PortfolioService

    with refusals():
        service = PortfolioService.create(
            args.path,
            learner=args.learner,
            standard=args.standard,
            start=args.start,
            end=args.end,
            employer=args.employer,
            line_manager=args.line_manager,
            tutor=args.tutor,
        )
    learner = service.learner
    print(f"{args.path}: new portfolio for {learner.name} ({learner.standard_id}, "
          f"{learner.start.isoformat()} to {learner.planned_end.isoformat()})")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from portfolio_tui.domain.text import clean_text
    from portfolio_tui.services.portfolio_check import check_file

    result = check_file(args.path)
    for note in result.notes:
        print(f"{args.path}: note: {note}", file=sys.stderr)
    if result.valid:
        print(f"{args.path}: valid")
        return 0
    for where, message in result.problems:
        print(clean_text(f"{args.path}: {where}: {message}"), file=sys.stderr)
    return 2
