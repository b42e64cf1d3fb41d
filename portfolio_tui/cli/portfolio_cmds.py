"""``portfolio new``, ``validate``, ``where`` and ``history``: starting a portfolio file, checking one, finding your
own, and who changed what in one (the TUI's history view, from the audit)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portfolio_tui.cli.conventions import changes
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
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("history", help="who changed what in a portfolio, and when (its audit), newest first")
    p.add_argument("path", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("where", help="print where your own portfolio, the data folder and your standards are")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_where)


@changes
def cmd_new(args: argparse.Namespace) -> int:
    """Says what it made as every change command does: one line, ``--json`` or nothing (``--quiet``)."""
    from portfolio_tui.services.session import PortfolioSession

    with refusals():
        PortfolioSession.create(
            args.path,
            learner=args.learner,
            standard=args.standard,
            start=args.start,
            end=args.end,
            employer=args.employer,
            line_manager=args.line_manager,
            tutor=args.tutor,
        )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from portfolio_tui.domain.text import clean_text
    from portfolio_tui.services.portfolio_check import check_file

    result = check_file(args.path)
    if args.json:
        from portfolio_tui.cli.output import print_json

        print_json({
            "path": str(args.path),
            "valid": result.valid,
            "problems": [{"where": where, "message": message} for where, message in result.problems],
            "notes": list(result.notes),
        })
        return 0 if result.valid else 2
    for note in result.notes:
        print(f"{args.path}: note: {note}", file=sys.stderr)
    if result.valid:
        print(f"{args.path}: valid")
        return 0
    for where, message in result.problems:
        print(clean_text(f"{args.path}: {where}: {message}"), file=sys.stderr)
    return 2


def cmd_where(args: argparse.Namespace) -> int:
    from portfolio_tui.cli.conventions import own_locations
    from portfolio_tui.cli.output import print_json

    places = own_locations()
    if args.json:
        print_json({name: str(path) for name, path in places.items()}
                   | {"portfolio_exists": places["portfolio"].exists()})
        return 0
    exists = "" if places["portfolio"].exists() else "  (not created yet: run `portfolio`)"
    print(f"portfolio  {places['portfolio']}{exists}")
    print(f"data       {places['data']}  (PORTFOLIO_TUI_HOME overrides)")
    print(f"standards  {places['standards']}  (PORTFOLIO_TUI_STANDARDS overrides)")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """The rows the TUI's history view shows (``services.history``): imports, upgrades and repairs included."""
    from dataclasses import asdict

    from portfolio_tui.cli.output import console, print_json, text
    from portfolio_tui.services.history import history
    from portfolio_tui.services.session import PortfolioSession

    if not args.path.is_file():
        from portfolio_tui.cli.errors import CliError

        raise CliError(f"{args.path}: no such portfolio file")
    with refusals():
        rows = history(PortfolioSession(args.path))
    if args.json:
        print_json({"path": str(args.path), "history": [asdict(row) for row in rows]})
        return 0
    from rich.table import Table
    from rich.text import Text

    table = Table(title=text(f"History: {args.path.name}"), title_justify="left")
    for column in ("when", "by", "change", "record", "detail"):
        table.add_column(column)
    for row in rows:
        # Each line cleaned on its own: cleaning the joined text took its newlines out with the control
        # characters, and ran the detail and each change into one ("edited titletitle: ... -> ...").
        table.add_row(row.at, text(row.by), text(row.action), text(row.record),
                      Text("\n").join(text(line) for line in (row.detail, *row.changes)))
    console().print(table)
    return 0
