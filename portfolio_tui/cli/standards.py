"""``portfolio standards list|show|validate|import|edit-rules``: the frameworks the app knows, bringing in
official ones, and adding what their assessment plan says."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from portfolio_tui.cli.errors import CliError
from portfolio_tui.cli.output import console, print_json, text
from portfolio_tui.domain.standard import Group, Standard
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services import standards as catalog


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

    p = inner.add_parser(
        "import",
        help="install a standard from the Skills England standards data (a JSON file or an http(s) URL)",
        description="Install one standard from the Skills England (IfATE) apprenticeship standards data into "
        "your standards folder and print its id. SOURCE holds one standard or a list; from a list, --reference "
        "picks one, at its latest version approved for delivery unless --version names another. "
        "Exit status: 0 installed or already installed, 2 bad source or record (nothing written).",
    )
    p.add_argument("source", metavar="SOURCE", help="a JSON file, or an http(s) URL of the standards API")
    p.add_argument("--reference", metavar="STxxxx", help="the standard to take from a list, e.g. ST0116")
    p.add_argument("--version", metavar="X.Y", help="that version rather than the latest approved for delivery")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="give up on a URL after this long")
    p.set_defaults(func=cmd_import)

    p = inner.add_parser(
        "edit-rules",
        help="add EPA methods, grading table and gateway rule from the assessment plan to one of your standards",
        description="Opens the standard's rules file (<id>.rules.json beside it) in $VISUAL or $EDITOR, or takes "
        "it from --from FILE, and installs it only if it checks out; otherwise prints one line per problem, "
        "exits 2 and changes nothing. The imported criteria are never touched.",
    )
    p.add_argument("id", help="the standard's id, as `standards list` shows it")
    p.add_argument("--from", dest="from_file", type=Path, metavar="FILE", help="take the rules from FILE")
    p.add_argument("--print", dest="print_only", action="store_true", help="print the current rules and stop")
    p.set_defaults(func=cmd_edit_rules)


def summary(item: catalog.Installed) -> dict[str, Any]:
    s = item.standard
    return {
        "id": s.id,
        "title": s.title,
        "kind": s.kind,
        "level": s.level,
        "version": s.version,
        "reference": s.reference,
        "status": s.publication.status if s.publication else "",
        "partial": s.partial,
        "missing": s.missing_parts,
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

    out = console()
    wide = out.width >= 110  # the criteria count and origin only where they fit beside the title
    table = Table(title="Installed standards", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("title", min_width=18, ratio=1)
    table.add_column("reference", max_width=12, overflow="ellipsis", no_wrap=True)
    table.add_column("version", max_width=8, overflow="ellipsis", no_wrap=True)
    table.add_column("status", min_width=10, max_width=21 if wide else 12)
    extra = ("level", "criteria", "origin") if wide else ()
    for column in extra:
        table.add_column(column, no_wrap=True)
    for i in items:
        row = summary(i)
        title = text(row["title"])
        if row["missing"]:
            title.append(f" (partial: {row['missing']})", style="yellow")
        cells = {"level": str(row["level"]), "criteria": str(row["criteria"]), "origin": row["origin"]}
        table.add_row(text(row["id"]), title, text(row["reference"] or "-"), text(row["version"]),
                      text(row["status"] or "-"), *(cells[c] for c in extra))
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
        "publication": asdict(standard.publication) if standard.publication else None,
        "options": [asdict(o) for o in standard.options],
        "duties": [asdict(d) for d in standard.duties],
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
    if standard.duties:
        out.print(text("Duties:", "bold"))
        for d in standard.duties:
            where = "core" if d.core else "option " + ", ".join(d.options)
            out.print(text(f"  {d.id} ({where}): {d.text} [{', '.join(d.criteria)}]"))
    if plan.components:
        out.print(text("EPA components / methods (portfolio grade record --component or --method ID):", "bold"))
        for c in plan.components:
            weight = f" {c.weight:g}%" if c.weight is not None else ""
            out.print(text(f"  {c.id}: {c.title}{weight}"))
            for descriptor in c.descriptors:
                out.print(text(f"    {descriptor.id} ({descriptor.grade}): {descriptor.text}"))
    if standard.grading_not_imported:
        out.print(text(f"Grading rules not imported: add them with `portfolio standards edit-rules {standard.id}`"))
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


def cmd_import(args: argparse.Namespace) -> int:
    from portfolio_tui.services.errors import InputError
    from portfolio_tui.services.standards_import import ImportRefused, import_standard

    try:
        result = import_standard(args.source, args.reference, args.version, timeout=args.timeout)
    except ImportRefused as exc:
        raise CliError(clean_text(str(exc))) from None  # it quotes the data and the source as given
    except InputError as exc:
        raise CliError(clean_text(exc.named({"timeout": "--timeout"}))) from None
    if not result.changed:
        print(f"{result.standard_id}: already installed, nothing changed ({result.path})")
    elif result.replaced:
        print(f"{result.standard_id}: installed in place of an unreadable copy ({result.path})")
    else:
        print(f"{result.standard_id}: installed ({result.path})")
    return 0


def cmd_edit_rules(args: argparse.Namespace) -> int:
    import sys

    from portfolio_tui.services.standard_rules import RulesRefused, current_rules, install_rules

    try:
        path, current = current_rules(args.id)
        if args.print_only:
            sys.stdout.write(current)
            return 0
        if args.from_file is not None:
            try:
                new = args.from_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CliError(f"--from: cannot read {args.from_file}: {exc}") from None
            shown = str(args.from_file)
        else:
            new, shown = _edit(current, path.name), path.name
            if new == current and path.is_file():
                print(f"{args.id}: rules unchanged ({path})")
                return 0
        target = install_rules(args.id, new, shown)
    except RulesRefused as exc:
        for line in exc.problems:
            print(f"portfolio: {line}", file=sys.stderr)
        return 2
    print(f"{args.id}: rules saved ({target})")
    return 0


def _edit(text_now: str, name: str) -> str:
    """The text after the user's editor has had it; the editor works on a temporary copy, never the file."""
    import os
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise CliError("no editor: set VISUAL or EDITOR, or give the rules with --from FILE")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / name
        copy.write_text(text_now, encoding="utf-8")
        try:
            status = subprocess.call([*shlex.split(editor), str(copy)])
        except OSError as exc:
            raise CliError(f"cannot start the editor {editor!r}: {exc.strerror}") from None
        if status != 0:
            raise CliError(f"the editor exited with status {status}; nothing changed")
        return copy.read_text(encoding="utf-8")
