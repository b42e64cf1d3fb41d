"""``portfolio standards list|show|validate``: the frameworks the app knows, and checking new ones."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from portfolio_tui import catalog
from portfolio_tui.cli.errors import CliError
from portfolio_tui.cli.output import console, print_json, text
from portfolio_tui.domain.standard import Group, Standard


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("standards", help="list, show and validate standards and qualifications")
    inner = parser.add_subparsers(dest="standards_command", metavar="ACTION", required=True)

    p = inner.add_parser("list", help="every installed standard, the user's own included")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_list)

    p = inner.add_parser("show", help="one standard's groups, criteria and assessment plan")
    p.add_argument("id", help="the standard's id, as `standards list` shows it")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_show)

    p = inner.add_parser("validate", help="check a standard file; one line per problem")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_validate)


def summary(item: catalog.Installed) -> dict[str, Any]:
    s = item.standard
    return {
        "id": s.id,
        "title": s.title,
        "kind": s.kind,
        "level": s.level,
        "version": s.version,
        "partial": s.partial,
        "criteria": len(s.criteria),
        "origin": item.origin,
        "path": str(item.path),
    }


def cmd_list(args: argparse.Namespace) -> int:
    items, broken = catalog.installed()
    if args.json:
        print_json(
            {
                "standards": [summary(i) for i in items],
                "broken": [
                    {"path": str(b.path), "problems": [{"path": p, "message": m} for p, m in b.problems]}
                    for b in broken
                ],
            }
        )
        return 0
    from rich.table import Table

    table = Table(title="Installed standards", title_justify="left")
    for column in ("id", "title", "level", "version", "criteria", "origin"):
        table.add_column(column)
    for i in items:
        row = summary(i)
        partial = " (partial)" if row["partial"] else ""
        table.add_row(
            text(row["id"]),
            text(row["title"] + partial),
            str(row["level"]),
            text(row["version"]),
            str(row["criteria"]),
            row["origin"],
        )
    out = console()
    out.print(table)
    for b in broken:
        out.print(text(f"not loaded: {b.path}: {b.problems[0][0]}: {b.problems[0][1]}", "red"))
    return 0


def group_as_json(group: Group) -> dict[str, Any]:
    data = {
        "id": group.id,
        "title": group.title,
        "kind": group.kind,
        "criteria": [
            {k: v for k, v in asdict(c).items() if k != "group_id"} | {"group": group.id} for c in group.criteria
        ],
    }
    for key in ("description", "section", "credits", "glh", "notes", "flags"):
        value = getattr(group, key)
        if value not in (None, "", ()):
            data[key] = list(value) if isinstance(value, tuple) else value
    if group.groups:
        data["groups"] = [group_as_json(g) for g in group.groups]
    return data


def standard_as_json(standard: Standard) -> dict[str, Any]:
    plan = asdict(standard.plan)
    return {
        "id": standard.id,
        "title": standard.title,
        "kind": standard.kind,
        "level": standard.level,
        "version": standard.version,
        "reference": standard.reference,
        "source": asdict(standard.source),
        "effective": {"from": standard.effective_from, "to": standard.effective_to},
        "partial": standard.partial,
        "otj_minimum_hours": standard.otj_minimum_hours,
        "notes": list(standard.notes),
        "qualifications": [asdict(q) for q in standard.qualifications],
        "criteria_count": len(standard.criteria),
        "groups": [group_as_json(g) for g in standard.groups],
        "plan": plan,
    }


def cmd_show(args: argparse.Namespace) -> int:
    try:
        standard = catalog.get(args.id)
    except catalog.StandardNotFound as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json(standard_as_json(standard))
        return 0
    from rich.tree import Tree

    out = console()
    title = text(f"{standard.title} (level {standard.level}, {standard.version})", "bold")
    if standard.partial:
        title.append(" - partial: see notes", style="yellow")
    tree = Tree(title)

    def add(node: Tree, group: Group) -> None:
        label = text(f"{group.title} [{group.kind}]", "bold")
        if "real-work-only" in group.flags:
            label.append(" real-work evidence only", style="yellow")
        branch = node.add(label)
        for c in group.criteria:
            label = text(f"{c.id}  ")
            if c.title:
                label.append_text(text(c.title + ": ", "bold"))
            label.append_text(text(c.text))
            if c.band == "distinction":
                label.append(" (distinction)", style="magenta")
            branch.add(label)
        for child in group.groups:
            add(branch, child)

    for group in standard.groups:
        add(tree, group)
    out.print(tree)
    if standard.qualifications:
        out.print(text("Qualifications:", "bold"))
        for q in standard.qualifications:
            level = f" (level {q.level})" if q.level else ""
            out.print(text(f"  {q.number}: {q.title}{level}"))
    plan = standard.plan
    from portfolio_tui.services.keys import record_keys

    keys = record_keys(standard)
    for kind, heading in (
        ("prerequisite", "Gateway prerequisites (portfolio prerequisite record FILE KEY):"),
        ("checklist", "Gateway checklist (portfolio checklist record FILE KEY):"),
    ):
        if keys[kind]:
            out.print(text(heading, "bold"))
            for key, title in keys[kind]:
                out.print(text(f"  {key}: {title}"))
    if plan.components:
        out.print(text("EPA components / methods (portfolio grade record --component or --method ID):", "bold"))
        for c in plan.components:
            weight = f" {c.weight:g}%" if c.weight is not None else ""
            out.print(text(f"  {c.id}: {c.title}{weight}"))
    if plan.milestones:
        out.print(text("Milestones (portfolio milestone done FILE KEY):", "bold"))
        for m in plan.milestones:
            offset = ", ".join(
                f"{v:+d} {k}"
                for k, v in (("years", m.years), ("months", m.months), ("weeks", m.weeks), ("days", m.days))
                if v
            )
            out.print(text(f"  {m.key}: {m.title} ({m.anchor} {offset or '+0'})"))
    for note in standard.notes:
        out.print(text(f"Note: {note}", "dim"))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    problems = catalog.validate_file(args.file)
    if args.json:
        print_json({"file": str(args.file), "valid": not problems,
                    "problems": [{"path": path, "message": message} for path, message in problems]})
        return 2 if problems else 0
    if not problems:
        print(f"{args.file}: valid")
        return 0
    import sys

    for path, message in problems:
        print(f"{args.file}: {path}: {message}", file=sys.stderr)
    return 2
