"""``portfolio timeline``, ``portfolio gateway`` and the commands that record progress
(reviews, off-the-job hours, breaks, prerequisites, checklist items, milestones, grades).

``gateway`` exits 0 when every learner checked is ready, 1 when any is not, 2 on bad input.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from portfolio_tui.cli.errors import CliError
from portfolio_tui.cli.output import print_json
from portfolio_tui.cli.refusals import refusals
from portfolio_tui.domain.dates import parse_date

NOT_READY = 1


def _as_of(value: str) -> date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("timeline", help="the EPA milestones, reviews and breaks of one portfolio")
    p.add_argument("path", type=Path)
    p.add_argument("--as-of", type=_as_of, metavar="DATE", help="the day to judge statuses on (default today)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("gateway", help="gateway readiness of portfolios, or of every portfolio in a folder")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH_OR_FOLDER")
    p.add_argument("--as-of", type=_as_of, metavar="DATE", help="the day to judge readiness on (default today)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_gateway)

    review = sub.add_parser("review", help="record a progress review").add_subparsers(
        dest="review_command", metavar="ACTION", required=True
    )
    p = review.add_parser("add", help="record a three-way progress review")
    p.add_argument("path", type=Path)
    p.add_argument("--date", required=True)
    p.add_argument("--attendees", default="", help="names, comma separated")
    p.add_argument("--otj-hours", help="off-the-job hours discussed")
    p.add_argument("--actions", default="")
    p.add_argument("--notes", default="")
    p.add_argument("--signed-by", default="", help="names, comma separated")
    p.set_defaults(func=cmd_review_add)

    otj = sub.add_parser("otj", help="log off-the-job training hours").add_subparsers(
        dest="otj_command", metavar="ACTION", required=True
    )
    p = otj.add_parser("add", help="log an off-the-job activity")
    p.add_argument("path", type=Path)
    p.add_argument("--date", required=True)
    p.add_argument("--hours", required=True)
    p.add_argument("--category", required=True, help="teaching, practical-training, shadowing, ... (see DOMAIN)")
    p.add_argument("--criteria", default="", metavar="ID[,ID...]")
    p.add_argument("--description", default="")
    p.set_defaults(func=cmd_otj_add)

    brk = sub.add_parser("break", help="record a break in learning").add_subparsers(
        dest="break_command", metavar="ACTION", required=True
    )
    p = brk.add_parser("add", help="a break from START (to END, or ongoing)")
    p.add_argument("path", type=Path)
    p.add_argument("--start", required=True)
    p.add_argument("--end", help="the day learning resumed")
    p.add_argument("--reason", default="")
    p.set_defaults(func=cmd_break_add)
    p = brk.add_parser("end", help="record the end of an ongoing break")
    p.add_argument("path", type=Path)
    p.add_argument("id", type=int)
    p.add_argument("--end", required=True)
    p.set_defaults(func=cmd_break_end)

    pre = sub.add_parser("prerequisite", help="record a gateway prerequisite as achieved").add_subparsers(
        dest="prerequisite_command", metavar="ACTION", required=True
    )
    p = pre.add_parser("record", help="a qualification, English or maths achieved on a date")
    p.add_argument("path", type=Path)
    p.add_argument("key", help="the prerequisite's key, as `standards show` lists it")
    p.add_argument("--date", required=True)
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_prerequisite)

    chk = sub.add_parser("checklist", help="record a gateway checklist item").add_subparsers(
        dest="checklist_command", metavar="ACTION", required=True
    )
    p = chk.add_parser("record", help="e.g. epa-booked, or employer-confirmation")
    p.add_argument("path", type=Path)
    p.add_argument("key")
    p.add_argument("--date", required=True)
    p.add_argument("--detail", default="")
    p.set_defaults(func=cmd_checklist)

    ms = sub.add_parser("milestone", help="record a milestone as done").add_subparsers(
        dest="milestone_command", metavar="ACTION", required=True
    )
    p = ms.add_parser("done", help="mark a plan milestone done")
    p.add_argument("path", type=Path)
    p.add_argument("key")
    p.add_argument("--date", help="default today")
    p.set_defaults(func=cmd_milestone_done)

    grade = sub.add_parser("grade", help="record an EPA or project result").add_subparsers(
        dest="grade_command", metavar="ACTION", required=True
    )
    p = grade.add_parser(
        "record",
        help="weighted components: --component C --grade G; methods: --method M --pass-met N "
        "--distinction-met N; mark sheet: --section ID=MARK ... [--role assessor|qa]",
    )
    p.add_argument("path", type=Path)
    p.add_argument("--kind", help="the rule kind (worked out from the other options when left out)")
    p.add_argument("--component")
    p.add_argument("--grade", choices=("fail", "pass", "distinction"))
    p.add_argument("--method")
    p.add_argument("--pass-met", type=int)
    p.add_argument("--distinction-met", type=int)
    p.add_argument("--section", action="append", default=[], metavar="ID=MARK")
    p.add_argument("--role", choices=("assessor", "qa"))
    p.add_argument("--on", help="the date of the result (default today)")
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_grade_record)
    _register_learner(sub)


def _register_learner(sub: argparse._SubParsersAction) -> None:
    learner = sub.add_parser("learner", help="change the learner's profile").add_subparsers(
        dest="learner_command", metavar="ACTION", required=True
    )
    p = learner.add_parser("set", help="set the off-the-job target, contracted hours, EPA date, people...")
    p.add_argument("path", type=Path)
    p.add_argument("--employer")
    p.add_argument("--line-manager")
    p.add_argument("--tutor")
    p.add_argument("--review-cadence", choices=("12-weeks", "3-months"))
    p.add_argument("--contracted-hours", metavar="H", help="contracted hours a week")
    p.add_argument("--otj-target", metavar="H", help="off-the-job hours target for the whole programme")
    p.add_argument("--age-at-start", metavar="YEARS")
    p.add_argument("--epa-date", metavar="DATE", help="the planned presentation or EPA date")
    p.add_argument("--end", metavar="DATE", help="a new planned end date (use `break add` for a break)")
    p.set_defaults(func=cmd_learner_set)


def cmd_learner_set(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.update_learner(
            _service(args.path), employer=args.employer, line_manager=args.line_manager, tutor=args.tutor,
            review_cadence=args.review_cadence, contracted_hours_per_week=args.contracted_hours,
            otj_target_hours=args.otj_target, age_at_start=args.age_at_start, epa_presentation=args.epa_date,
            planned_end=args.end,
        )
    return 0


def _service(path: Path):
    from portfolio_tui.services.portfolios import PortfolioService

    return PortfolioService(path)


def cmd_timeline(args: argparse.Namespace) -> int:
    from portfolio_tui.services import readiness

    as_of = args.as_of or date.today()
    with refusals():
        svc = _service(args.path)
        portfolio = svc.load()
        report = readiness.assess(svc.standard, portfolio, as_of)
    doc = {
        "path": str(args.path),
        "learner": report.learner,
        "as_of": as_of.isoformat(),
        "start": portfolio.learner.start.isoformat(),
        "planned_end": portfolio.learner.planned_end.isoformat(),
        "effective_end": report.effective_end.isoformat(),
        "gateway_date": report.gateway_date.isoformat(),
        "milestones": report.to_dict()["milestones"],
        "reviews": report.to_dict()["reviews"],
        "breaks": [
            {"id": b.id, "start": b.start.isoformat(), "end": b.end.isoformat() if b.end else None, "reason": b.reason}
            for b in portfolio.breaks
        ],
    }
    if args.json:
        print_json(doc)
        return 0
    from rich.table import Table

    from portfolio_tui.cli.output import console, text

    out = console()
    out.print(text(f"{report.learner}: planned end {doc['effective_end']}, gateway {doc['gateway_date']}", "bold"))
    table = Table("date", "milestone", "status", "days", title_justify="left")
    for m in report.milestones:
        table.add_row(m.date.isoformat(), text(m.title), _status(m.status), str((m.date - as_of).days))
    out.print(table)
    r = report.reviews
    out.print(text(f"Reviews ({r.cadence_label}): next due {r.next_due}; overdue: {len(r.overdue)}"))
    for b in portfolio.breaks:
        out.print(text(f"Break {b.id}: {b.start} to {b.end or 'ongoing'} {b.reason}"))
    return 0


def grade_line(prediction) -> str:
    """ "Pass (provisional): reason", without repeating a grade the reason already starts with."""
    grade = prediction.grade + (" (provisional)" if prediction.provisional else "")
    reason = prediction.reason
    if reason.startswith(prediction.grade):
        reason = reason[len(prediction.grade) :].lstrip(" :")
    return f"{grade}: {reason}" if reason else grade


def _status(status: str):
    from portfolio_tui.cli.output import text

    styles = {"done": "green", "overdue": "bold red", "due-soon": "yellow", "open": "cyan"}
    return text(status, styles.get(status, ""))


def cmd_gateway(args: argparse.Namespace) -> int:
    from portfolio_tui.services import readiness

    as_of = args.as_of or date.today()
    with refusals():
        paths = readiness.portfolio_paths(args.paths)
    if not paths:
        raise CliError(f"no portfolios found in {', '.join(map(str, args.paths))}")
    checked = [readiness.check_portfolio(p, as_of) for p in paths]
    if args.json:
        print_json(readiness.gateway_document(checked))
    else:
        _gateway_tables(checked, as_of)
    if any(not c.report for c in checked):
        return 2
    return 0 if all(c.report.ready for c in checked) else NOT_READY


def _gateway_tables(checked, as_of: date) -> None:
    from rich.table import Table

    from portfolio_tui.cli.output import console, text

    out = console()
    rag_style = {"green": "bold green", "amber": "bold yellow", "red": "bold red"}
    for c in checked:
        if not c.report:
            out.print(text(f"{c.path}: {c.error}", "red"))
            continue
        r = c.report
        title = text(f"{r.learner}", "bold")
        title.append_text(text(f"  {r.standard_id}  {c.path}", "dim"))
        table = Table(title=title, title_justify="left", show_header=False, expand=False)
        table.add_column(style="bold", max_width=28)
        table.add_column()
        table.add_row("RAG", text(r.rag.upper() + (" ready" if r.ready else " not ready"), rag_style[r.rag]))
        cov = r.coverage
        table.add_row("Coverage", text(f"{cov.full} of {cov.total} full, {cov.partial} partial, {cov.none} none"))
        missing = ", ".join(r.missing[:12]) + (f" (+{len(r.missing) - 12} more)" if len(r.missing) > 12 else "")
        table.add_row("Missing", text(missing or "none"))
        nxt = r.next_milestone
        table.add_row(
            "Next milestone",
            text(f"{nxt.title}: {nxt.date} ({(nxt.date - as_of).days} days, {nxt.status})" if nxt else "none"),
        )
        target = f"{r.otj.target:g}" if r.otj.target is not None else "unknown"
        table.add_row("Off-the-job", text(f"{r.otj.logged:g} of {target} hours ({r.otj.state})"))
        for item in r.open_items:
            table.add_row(text(item.title, "yellow" if item.due and item.due > as_of else "red"), text(item.detail))
        table.add_row("Predicted grade", text(grade_line(r.prediction)))
        out.print(table)
    ready = sum(1 for c in checked if c.report and c.report.ready)
    out.print(text(f"{ready} of {len(checked)} ready for gateway as of {as_of.isoformat()}", "bold"))


def cmd_review_add(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        new_id = records.record_review(
            _service(args.path),
            on=args.date,
            attendees=args.attendees,
            otj_hours=args.otj_hours,
            actions=args.actions,
            notes=args.notes,
            signed_by=args.signed_by,
        )
    print(new_id)
    return 0


def cmd_otj_add(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        new_id = records.log_otj(
            _service(args.path),
            on=args.date,
            hours=args.hours,
            category=args.category,
            criteria=[c for c in args.criteria.split(",") if c.strip()],
            description=args.description,
        )
    print(new_id)
    return 0


def cmd_break_add(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        new_id = records.record_break(_service(args.path), start=args.start, end=args.end, reason=args.reason)
    print(new_id)
    return 0


def cmd_break_end(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.end_break(_service(args.path), args.id, args.end)
    return 0


def cmd_prerequisite(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.record_prerequisite(_service(args.path), args.key, achieved_on=args.date, note=args.note)
    return 0


def cmd_checklist(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.record_checklist(_service(args.path), args.key, on=args.date, detail=args.detail)
    return 0


def cmd_milestone_done(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.mark_milestone_done(_service(args.path), args.key, on=args.date or date.today())
    return 0


def cmd_grade_record(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    values: dict = {}
    kind = args.kind
    if args.section:
        kind = kind or "mark-sheet"
        sections = {}
        for item in args.section:
            sid, sep, mark = item.partition("=")
            if not sep or not mark.strip().lstrip("-").isdigit():
                raise CliError(f"--section: expected ID=MARK with a whole number, got {item!r}")
            sections[sid.strip()] = int(mark)
        values = {"sections": sections, "role": args.role or "assessor"}
    elif args.method:
        kind = kind or "per-method-thresholds"
        if args.pass_met is None:
            raise CliError("--pass-met: required with --method")
        values = {"method": args.method, "pass_met": args.pass_met, "distinction_met": args.distinction_met or 0}
    elif args.component:
        kind = kind or "weighted-components"
        if args.grade is None:
            raise CliError("--grade: required with --component")
        values = {"component": args.component, "grade": args.grade}
    else:
        raise CliError("say what to record: --component and --grade, --method and --pass-met, or --section ID=MARK")
    if args.on:
        try:
            values["on"] = parse_date(args.on).isoformat()
        except ValueError as exc:
            raise CliError(f"--on: {exc}") from None
    if args.note:
        values["note"] = args.note
    with refusals():
        new_id = records.record_grade(_service(args.path), kind, values)
    print(new_id)
    return 0
