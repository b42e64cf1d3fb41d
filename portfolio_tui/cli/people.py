"""``portfolio roster|doctor|verify``: who is who in a cohort folder, its set-up, and its record's integrity.

Who you are is the OS account of this process's uid, never ``$USER`` or ``$LOGNAME`` (anyone can
set those). A refused action exits 1 and says who may do it; a bad argument or an untrustworthy
roster exits 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from portfolio_tui import identity
from portfolio_tui.cli.errors import CliError
from portfolio_tui.cli.output import console, print_json, text
from portfolio_tui.cli.refusals import refusals
from portfolio_tui.domain import roles
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services import cohort

REFUSED = 1
PROBLEMS = 1


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("roster", help="who is apprentice, line manager and tutor in a cohort folder")
    inner = parser.add_subparsers(dest="roster_command", metavar="ACTION", required=True)

    p = inner.add_parser("init", help="start the folder's roster, owned by you")
    p.add_argument("folder", type=Path)
    p.add_argument("--force", action="store_true", help="replace the roster there (one that fails its checks, say)")
    p.set_defaults(func=cmd_init)

    p = inner.add_parser("add", help="add a person, or change their role and portfolios")
    p.add_argument("folder", type=Path)
    p.add_argument("account", help="their OS account name on this server")
    p.add_argument("--role", required=True, choices=list(roles.ROLES))
    p.add_argument("--portfolio", action="append", default=[], metavar="NAME",
                   help="a portfolio file in the folder (repeat; '*' is a tutor's whole cohort)")
    p.set_defaults(func=cmd_add)

    p = inner.add_parser("remove", help="take a person off the roster")
    p.add_argument("folder", type=Path)
    p.add_argument("account")
    p.set_defaults(func=cmd_remove)

    p = inner.add_parser("show", help="the roster, its owner and who changed it")
    p.add_argument("folder", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_show)

    p = inner.add_parser("check", help="may you do ACTION to a portfolio? exit 0 yes, 1 no, with the reason")
    p.add_argument("folder", type=Path)
    p.add_argument("action", choices=list(roles.ACTIONS))
    p.add_argument("portfolio", nargs="?", help="the portfolio file's name (not needed for roster.edit)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("doctor", help="check a cohort folder's set-up for a shared server; exit 1 on any problem")
    p.add_argument("folder", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("verify", help="check portfolios' audit chains, signatures and records; exit 1 on any break")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH_OR_FOLDER")
    p.add_argument("--trust", type=Path, metavar="FILE",
                   help="allowed-signers file to check signatures against (default: the one in force here)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_verify)


def cmd_init(args: argparse.Namespace) -> int:
    with refusals():
        actor = cohort.start(args.folder, force=args.force)
    print(f"roster started in {_shown(args.folder)}, owned by {actor}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with refusals():
        added = cohort.add(args.folder, args.account, args.role, args.portfolio)
    print(f"{args.account}: {roles.ROLES[args.role]} of {', '.join(added.entry.portfolios)}")
    if added.unknown_account:
        print(f"note: there is no OS account named {args.account} on this machine yet")
    if added.missing_portfolios:
        print(f"note: no such portfolio in the folder yet: {', '.join(added.missing_portfolios)}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with refusals():
        cohort.remove(args.folder, args.account)
    print(f"{args.account}: removed from the roster")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with refusals():
        view = cohort.show(args.folder)
    roster, changes, me, entry = view.roster, view.history, view.account, view.entry
    you: dict[str, Any] = {"account": me, "role": entry.role if entry else None,
                           "portfolios": list(entry.portfolios) if entry else []}
    if args.json:
        print_json({
            "folder": str(args.folder),
            "roster": None if roster is None else {"owner": roster.owner, "entries": roles.entries_to_dict(roster)},
            "history": changes,
            "you": you,
        })
        return 0
    out = console()
    if roster is None:
        out.print(text(f"{args.folder} has no roster: the owner of each portfolio file may do everything to it."))
        out.print(text(f"You are {me}. Start one with: portfolio roster init {args.folder}"))
        return 0
    from rich.table import Table

    last = changes[-1]
    table = Table(title=f"Roster of {clean_text(str(args.folder))}", title_justify="left")
    for column in ("account", "role", "portfolios"):
        table.add_column(column)
    for account, item in sorted(roster.entries.items()):
        table.add_row(text(account), roles.ROLES[item.role], text(", ".join(item.portfolios)))
    out.print(table)
    out.print(text(f"Owner: {roster.owner}. {len(changes)} changes, the last by {last['by']} at {last['at']}."))
    role = f"{roles.ROLES[you['role']]} of {', '.join(you['portfolios'])}" if entry else "not on the roster"
    out.print(text(f"You are {me}: {role}."))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with refusals():
        decision = cohort.decide(args.folder, args.action, args.portfolio)
    if args.json:
        print_json({"account": identity.current_user(), "action": args.action, "portfolio": args.portfolio,
                    "allowed": decision.allowed, "reason": decision.reason})
        return 0 if decision.allowed else REFUSED
    print(f"{'yes' if decision.allowed else 'no'}: {decision.reason}")
    return 0 if decision.allowed else REFUSED


def cmd_doctor(args: argparse.Namespace) -> int:
    from portfolio_tui.services.doctor import check_folder

    _require_folder(args.folder)
    checks = check_folder(args.folder)
    problems = sum(1 for c in checks if not c.ok)
    if args.json:
        print_json({"folder": str(args.folder), "ok": not problems, "checks": [
            {"name": c.name, "ok": c.ok, "detail": c.detail, "fix": c.fix or None} for c in checks
        ]})
        return PROBLEMS if problems else 0
    for check in checks:
        print(f"{'ok     ' if check.ok else 'PROBLEM'}  {check.name}: {clean_text(check.detail)}")
        if not check.ok and check.fix:
            print(f"         fix: {clean_text(check.fix)}")
    print(f"{problems} problem{'s' if problems != 1 else ''}" if problems else "all checks passed")
    return PROBLEMS if problems else 0


def cmd_verify(args: argparse.Namespace) -> int:
    from portfolio_tui.services import verify

    with refusals():
        reports = verify.check(args.paths, args.trust)
    if args.json:
        print_json({"ok": all(r.ok for r in reports), "files": [r.as_json() for r in reports]})
    else:
        for report in reports:
            shown = _shown(report.path)
            if report.ok:
                print(f"ok      {shown}: {report.entries} entries, head {report.head[:12]}")
            else:
                count = len(report.breaks)
                print(f"BROKEN  {shown}: {count} problem{'s' if count != 1 else ''}")
                for item in report.breaks:
                    print(f"        {clean_text(item.where)}: {clean_text(item.message)}")
            for note in report.notes:
                print(f"        note: {clean_text(note)}")
    return 0 if all(r.ok for r in reports) else PROBLEMS


def _require_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise CliError(f"{_shown(folder)}: is not a folder")


def _shown(path: Path) -> str:
    return clean_text(str(path))
