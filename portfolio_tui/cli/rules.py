"""The commands that record progress: reviews, off-the-job hours, breaks, prerequisites,
checklist items, milestones, grades and the learner's profile.

``timeline`` and ``gateway``, which only read, are in ``readiness_cmds``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from portfolio_tui.cli.conventions import changes
from portfolio_tui.cli.errors import CliError
from portfolio_tui.cli.refusals import refusals
from portfolio_tui.domain.progress import OTJ_CATEGORIES


def register(sub: argparse._SubParsersAction) -> None:
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
    p.add_argument("--signed-by", default="", metavar="NAMES",
                   help="your own confirmation, as you recording it: your party (apprentice, employer, provider), "
                        "your account or the name the learner's record gives you; another person's name is refused "
                        "(they confirm with `review confirm`)")
    p.set_defaults(func=cmd_review_add)
    p = review.add_parser("confirm", help="confirm a recorded review as your own party "
                                          "(apprentice, employer or provider)")
    p.add_argument("path", type=Path)
    p.add_argument("id", type=int)
    p.add_argument("--party", choices=("apprentice", "employer", "provider"),
                   help="only without a roster, where the file's owner may record each party's confirmation")
    p.set_defaults(func=cmd_review_confirm)

    otj = sub.add_parser("otj", help="log off-the-job training hours").add_subparsers(
        dest="otj_command", metavar="ACTION", required=True
    )
    p = otj.add_parser("add", help="log an off-the-job activity")
    p.add_argument("path", type=Path)
    p.add_argument("--date", help="when (2026-11-20, 20/11/2026, 20 Nov 2026; default: today)")
    p.add_argument("--hours", required=True)
    p.add_argument("--category", required=True,
                   help="one of: " + ", ".join(f"{key} ({label})" for key, label in OTJ_CATEGORIES.items()))
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
    p.add_argument("key", help="the prerequisite's key: `portfolio standards show ID` lists them (or press TAB)")
    p.add_argument("--date", required=True)
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_prerequisite)

    chk = sub.add_parser("checklist", help="record a gateway checklist item").add_subparsers(
        dest="checklist_command", metavar="ACTION", required=True
    )
    p = chk.add_parser("record", help="e.g. epa-booked, or employer-confirmation")
    p.add_argument("path", type=Path)
    p.add_argument("key", help="the checklist item's key: `portfolio standards show ID` lists them (or press TAB)")
    p.add_argument("--date", required=True)
    p.add_argument("--detail", default="")
    p.set_defaults(func=cmd_checklist)

    ms = sub.add_parser("milestone", help="record a milestone as done, or undo that").add_subparsers(
        dest="milestone_command", metavar="ACTION", required=True
    )
    p = ms.add_parser("done", help="mark a plan milestone done")
    p.add_argument("path", type=Path)
    p.add_argument("key", help="the milestone's key: `portfolio standards show ID` lists them (or press TAB)")
    p.add_argument("--date", help="default today")
    p.set_defaults(func=cmd_milestone_done)
    p = ms.add_parser("undo", help="take back a milestone's done mark, with a reason (the mark stays on record)")
    p.add_argument("path", type=Path)
    p.add_argument("key", help="the milestone's key, as marked done")
    p.add_argument("--reason", required=True, help="why the mark is taken back")
    p.set_defaults(func=cmd_milestone_undo)

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
    p.add_argument("--grade", choices=("fail", "pass", "merit", "distinction"))
    p.add_argument("--met", action="append", default=[], metavar="ID[,ID...]",
                   help="the method's descriptors found met at the EPA (combination-table standards)")
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
    p.add_argument(
        "--review-cadence", choices=("12-weeks", "3-months", "8-weeks", "4-months", "6-months"),
        help="an alternative review frequency, with --review-agreed-by; it applies once the employer confirms it "
             "(`learner confirm FILE review-cadence`, by the line manager's account)",
    )  # fmt: skip
    p.add_argument("--review-agreed-by", metavar="NAME",
                   help="who at the employer agreed the review frequency (noted; the line manager confirms it)")
    p.add_argument(
        "--english-maths",
        choices=("required", "not-required", ""),
        metavar="DECISION",
        help="the employer's decision for a learner 19 or over at the start: required or not-required",
    )
    p.add_argument("--english-maths-decided-by", metavar="NAME",
                   help="who at the employer decided (noted; the decision counts once the line manager confirms it)")
    p.add_argument("--prior-learning-hours", metavar="H", help="off-the-job hours taken off the target")
    p.add_argument("--prior-learning-reason", metavar="TEXT")
    p.add_argument("--prior-learning-agreed-by", metavar="NAME",
                   help="who at the employer agreed (noted; the hours come off once the line manager confirms them)")
    p.add_argument(
        "--last-day-of-learning",
        metavar="DATE",
        help="the final day of the practical period (the gateway), with evidence of learning on it",
    )
    p.add_argument("--contracted-hours", metavar="H", help="contracted hours a week")
    p.add_argument("--otj-target", metavar="H", help="off-the-job hours target for the whole programme")
    p.add_argument("--age-at-start", metavar="YEARS")
    p.add_argument("--epa-date", metavar="DATE", help="the planned presentation or EPA date")
    p.add_argument("--end", metavar="DATE", help="a new planned end date (use `break add` for a break)")
    p.set_defaults(func=cmd_learner_set)
    p = learner.add_parser("decisions", help="the employer's decisions on the learner's record: each as recorded, "
                                             "and confirmed by the employer or awaiting them")
    p.add_argument("path", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_learner_decisions)
    p = learner.add_parser("confirm", help="confirm, as the employer (the line manager's account), decisions the "
                                           "tutor recorded: english-maths, prior-learning, review-cadence")
    p.add_argument("path", type=Path)
    p.add_argument("decisions", nargs="+", metavar="DECISION", choices=("english-maths", "prior-learning",
                                                                        "review-cadence"),
                   help="which: english-maths, prior-learning or review-cadence (`learner decisions` lists them)")
    p.set_defaults(func=cmd_learner_confirm)


@changes
def cmd_learner_set(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.update_learner(
            _service(args.path),
            employer=args.employer,
            line_manager=args.line_manager,
            tutor=args.tutor,
            review_cadence=args.review_cadence,
            contracted_hours_per_week=args.contracted_hours,
            otj_target_hours=args.otj_target,
            age_at_start=args.age_at_start,
            epa_presentation=args.epa_date,
            planned_end=args.end,
            review_cadence_agreed_by=args.review_agreed_by,
            english_maths_decision=args.english_maths,
            english_maths_decided_by=args.english_maths_decided_by,
            prior_learning_hours=args.prior_learning_hours,
            prior_learning_reason=args.prior_learning_reason,
            prior_learning_agreed_by=args.prior_learning_agreed_by,
            last_day_of_learning=args.last_day_of_learning,
        )
    return 0


def cmd_learner_decisions(args: argparse.Namespace) -> int:
    from portfolio_tui.cli.output import print_json
    from portfolio_tui.domain.text import clean_text
    from portfolio_tui.services.views import believed_decision_rows

    with refusals():
        rows = believed_decision_rows(_service(args.path).load())
    if args.json:
        print_json({"path": str(args.path), "decisions": [r.to_dict() for r in rows]})
        return 0
    for row in rows:
        print(clean_text(f"{row.decision}: {row.words}"))
    return 0


@changes
def cmd_learner_confirm(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.confirm_employer_decisions(_service(args.path), args.decisions)
    return 0


def _service(path: Path):
    from portfolio_tui.services.session import PortfolioSession

    return PortfolioSession(path)


@changes
def cmd_review_add(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.record_review(
            _service(args.path),
            on=args.date,
            attendees=args.attendees,
            otj_hours=args.otj_hours,
            actions=args.actions,
            notes=args.notes,
            signed_by=args.signed_by,
        )
    return 0


@changes
def cmd_review_confirm(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.confirm_review(_service(args.path), args.id, args.party)
    return 0


@changes
def cmd_otj_add(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.log_otj(
            _service(args.path),
            on=args.date,
            hours=args.hours,
            category=args.category,
            criteria=[c for c in args.criteria.split(",") if c.strip()],
            description=args.description,
        )
    return 0


@changes
def cmd_break_add(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.record_break(_service(args.path), start=args.start, end=args.end, reason=args.reason)
    return 0


@changes
def cmd_break_end(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.end_break(_service(args.path), args.id, args.end)
    return 0


@changes
def cmd_prerequisite(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.record_prerequisite(_service(args.path), args.key, achieved_on=args.date, note=args.note)
    return 0


@changes
def cmd_checklist(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.record_checklist(_service(args.path), args.key, on=args.date, detail=args.detail)
    return 0


@changes
def cmd_milestone_done(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.mark_milestone_done(_service(args.path), args.key, on=args.date or date.today())
    return 0


@changes
def cmd_milestone_undo(args: argparse.Namespace) -> int:
    from portfolio_tui.services import records

    with refusals():
        records.undo_milestone(_service(args.path), args.key, reason=args.reason)
    return 0


@changes
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
        if args.grade is None:
            raise CliError("--grade: required with --component")
        values = {"component": args.component, "grade": args.grade}
        if args.met:
            values["met"] = [m.strip() for item in args.met for m in item.split(",") if m.strip()]
    else:
        raise CliError("say what to record: --component and --grade, --method and --pass-met, or --section ID=MARK")
    if args.on:
        values["on"] = args.on
    if args.note:
        values["note"] = args.note
    with refusals():
        records.record_grade(_service(args.path), kind, values)
    return 0
