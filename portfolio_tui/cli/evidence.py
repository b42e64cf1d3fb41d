"""``portfolio evidence add|list|edit|remove|restore|assess``: logging evidence from a terminal."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from portfolio_tui.cli.conventions import changes
from portfolio_tui.cli.output import console, print_json, text
from portfolio_tui.cli.refusals import refusals, warn_if_read_only
from portfolio_tui.domain.evidence import EVIDENCE_KINDS


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("evidence", help="add, list, edit, remove, restore and assess evidence")
    inner = parser.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)

    p = inner.add_parser("add", help="record a piece of evidence; prints its id")
    p.add_argument("path", type=Path)
    p.add_argument("--title", required=True)
    p.add_argument("--date", metavar="DATE",
                   help="when it happened (2026-11-21, 21/11/2026, 21 Nov 2026; default: today)")
    p.add_argument("--kind", required=True, help="one of: " + ", ".join(EVIDENCE_KINDS) + " (or its label)")
    p.add_argument("--criteria", required=True, action="append", metavar="ID[,ID...]",
                   help="criterion ids of the portfolio's standard (repeat or separate with commas)")
    _optional_fields(p)
    p.add_argument("--simulated", action="store_true", help="the evidence comes from a simulation, not real work")
    p.set_defaults(func=cmd_add)

    p = inner.add_parser("list", help="the portfolio's evidence")
    p.add_argument("path", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--all", action="store_true", help="include removed evidence")
    p.set_defaults(func=cmd_list)

    p = inner.add_parser("edit", help="change fields of a piece of evidence")
    p.add_argument("path", type=Path)
    p.add_argument("id", type=int)
    p.add_argument("--title")
    p.add_argument("--date", metavar="DATE")
    p.add_argument("--kind")
    p.add_argument("--criteria", action="append", metavar="ID[,ID...]", help="replaces the criteria")
    _optional_fields(p)
    p.add_argument("--simulated", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--rev", type=int, metavar="N", help="refuse the edit if the evidence is no longer at revision N")
    p.set_defaults(func=cmd_edit)

    for action, helptext in (("remove", "remove evidence (it can be restored)"),
                             ("restore", "bring back removed evidence")):
        p = inner.add_parser(action, help=helptext)
        p.add_argument("path", type=Path)
        p.add_argument("id", type=int)
        p.set_defaults(func=cmd_remove if action == "remove" else cmd_restore)

    p = inner.add_parser("assess", help="record an assessor's judgement on a piece of evidence")
    p.add_argument("path", type=Path)
    p.add_argument("id", type=int)
    outcome = p.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--accept", dest="outcome", action="store_const", const="accept")
    outcome.add_argument("--refer", dest="outcome", action="store_const", const="refer")
    p.add_argument("--feedback", required=True, metavar="TEXT")
    p.add_argument("--rev", type=int, metavar="N",
                   help="refuse if the evidence is no longer at revision N (the one you read: `evidence list --json`)")
    p.set_defaults(func=cmd_assess)


def _optional_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--hours", metavar="H", help="hours spent (zero or more)")
    p.add_argument("--file", action="append", dest="files", metavar="PATH_OR_URL",
                   help="a supporting file or link (repeat for more; on edit, replaces the list)")


def _service(path: Path):
    from portfolio_tui.services.session import PortfolioSession

    return PortfolioSession(path)


@changes
def cmd_add(args: argparse.Namespace) -> int:
    with refusals():
        _service(args.path).add_evidence(
            title=args.title,
            date=args.date,
            kind=args.kind,
            criteria=args.criteria,
            description=args.description or "",
            hours=args.hours,
            files=args.files or (),
            simulated=args.simulated,
        )
    return 0


def evidence_as_json(evidence: Any, path: Path | None = None) -> dict[str, Any]:
    """One piece as ``evidence list --json`` gives it; with the portfolio's ``path``, each kept file's
    name, size, type and where it is kept (``attachments``)."""
    data = asdict(evidence)
    data["date"] = evidence.date.isoformat()
    data["criteria"], data["files"] = list(evidence.criteria), list(evidence.files)
    data["judgements"] = [asdict(j) for j in evidence.judgements]
    data["kind_label"] = evidence.kind_label
    data["status"] = evidence.status
    data["resubmitted"] = evidence.resubmitted
    if path is not None:
        from portfolio_tui.services.attachments import shown

        data["attachments"] = [
            {"name": f.attachment.name, "sha256": f.attachment.digest or None, "size": f.size,
             "type": f.attachment.type, "location": f.location}
            for f in shown(path, evidence.files)
        ]
    return data


def cmd_list(args: argparse.Namespace) -> int:
    with refusals():
        service = _service(args.path)
        portfolio = service.load()
        warn_if_read_only(service)
    items = portfolio.evidence if args.all else portfolio.live_evidence
    if args.json:
        print_json({"path": str(args.path), "evidence": [evidence_as_json(e, service.path) for e in items],
                    "changed_outside": list(portfolio.changed_outside)})
        return 0
    from rich.table import Table

    from portfolio_tui.services.views import evidence_rows

    table = Table(title=text(f"Evidence: {portfolio.learner.name}"), title_justify="left")
    for column in ("id", "date", "kind", "title", "criteria", "status"):
        table.add_column(column)
    for row in evidence_rows(items, portfolio.changed_outside):
        table.add_row(str(row.evidence.id), row.date, text(row.kind_label), text(row.title), text(row.criteria),
                      row.status)
    out = console()
    out.print(table)
    if not items:
        out.print("No evidence yet: add some with `portfolio evidence add`.")
    return 0


@changes
def cmd_edit(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    for name in ("title", "date", "kind", "criteria", "description", "hours", "files", "simulated"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if not changes:
        from portfolio_tui.cli.errors import CliError

        raise CliError("evidence edit: give at least one field to change (see --help)")
    with refusals():
        _service(args.path).edit_evidence(args.id, args.rev, **changes)
    return 0


@changes
def cmd_remove(args: argparse.Namespace) -> int:
    with refusals():
        _service(args.path).remove_evidence(args.id)
    return 0


@changes
def cmd_restore(args: argparse.Namespace) -> int:
    with refusals():
        _service(args.path).restore_evidence(args.id)
    return 0


@changes
def cmd_assess(args: argparse.Namespace) -> int:
    with refusals():
        _service(args.path).assess(args.id, args.outcome, args.feedback, args.rev)
    return 0
