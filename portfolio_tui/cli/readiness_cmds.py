"""``portfolio timeline`` and ``portfolio gateway``: what a portfolio's dates and readiness are.

They only read. ``gateway`` exits 0 when every learner checked is ready, 1 when any is not, 2 on bad
input or a portfolio that cannot be read. The commands that record progress are in ``rules``.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import date
from functools import partial

from portfolio_tui import path_text
from portfolio_tui.cli.errors import CliError
from portfolio_tui.cli.output import json_text, print_json, print_json_lists
from portfolio_tui.cli.refusals import refusals, warn_if_read_only
from portfolio_tui.cli.spool import TextSpool
from portfolio_tui.domain.dates import parse_date

TYPE_CHECKING = False  # typing, argparse, pathlib and the readiness services cost the plain gateway's start-up
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from pathlib import Path
    from types import SimpleNamespace
    from typing import Any

    from portfolio_tui.services import readiness

NOT_READY = 1


def _as_of(value: str) -> date:
    import argparse

    try:
        return parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


GATEWAY_FLAGS = {"--json": "json", "--csv": "csv", "--no-cache": "no_cache"}
GATEWAY_OPTIONS = {
    "as_of": "--as-of", "json": "--json", "csv": "--csv", "no_cache": "--no-cache", "help": "--help",
}
"""``gateway``'s options by ``dest``, as ``conventions.options_of`` finds them (a test holds them equal)."""


def plain_gateway(argv: list[str]) -> SimpleNamespace | None:
    """``gateway``'s arguments (those after the word) in their plain form, read as its parser reads them:
    paths, and its options each spelled in full (``--as-of DATE`` or ``--as-of=DATE``); ``None`` for
    anything else (help, ``--``, an unknown option, a date that does not parse, no path at all), which
    the parser then reads and, where it is a mistake, refuses in its own words.

    So a tutor's ``portfolio gateway FOLDER --json`` starts without argparse and the parser's tree
    (``cli.main``), and a kept answer (``services.gateway_cache``) is printed in a few times the
    interpreter's own start-up.
    """
    from types import SimpleNamespace

    from portfolio_tui.cli.refusals import name_options

    args = SimpleNamespace(command="gateway", paths=[], as_of=None, json=False, csv=False, no_cache=False,
                           func=cmd_gateway)
    tokens = iter(argv)
    for token in tokens:
        option, given, value = token.partition("=")
        if token in GATEWAY_FLAGS:
            setattr(args, GATEWAY_FLAGS[token], True)
        elif option == "--as-of":
            value = value if given else next(tokens, "-")
            if value.startswith("-"):
                return None
            try:
                args.as_of = parse_date(value)
            except ValueError:
                return None
        elif token and not token.startswith("-"):
            args.paths.append(path_text.normal(token))  # (as its parser's ``type=Path`` would name it)
        else:
            return None
    if not args.paths:
        return None
    name_options(GATEWAY_OPTIONS)
    return args


def register(sub: argparse._SubParsersAction) -> None:
    from pathlib import Path

    p = sub.add_parser("timeline", help="the EPA milestones, reviews and breaks of one portfolio")
    p.add_argument("path", type=Path)
    p.add_argument("--as-of", type=_as_of, metavar="DATE", help="the day to judge statuses on (default today)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("gateway", help="gateway readiness of portfolios, or of every portfolio in a folder")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH_OR_FOLDER")
    p.add_argument("--as-of", type=_as_of, metavar="DATE", help="the day to judge readiness on (default today)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--csv", action="store_true", help="print one CSV row per learner, for spreadsheets")
    p.add_argument("--no-cache", action="store_true",
                   help="read every file afresh (by default the table and --json reuse what this account worked out "
                   "from a file unchanged since, for the same day, standard and app version)")
    p.set_defaults(func=cmd_gateway)


def cmd_timeline(args: argparse.Namespace) -> int:
    from portfolio_tui.services.session import PortfolioSession

    as_of = args.as_of or date.today()
    with refusals():
        session = PortfolioSession(args.path)
        timeline = session.timeline(as_of)
        warn_if_read_only(session)
    report, portfolio = timeline.report, timeline.portfolio
    doc = timeline.document()
    if args.json:
        print_json(doc)
        return 0
    from rich.table import Table

    from portfolio_tui.cli.output import console, text

    out = console()
    out.print(text(f"{report.learner}: planned end {doc['effective_end']}, gateway {doc['gateway_date']}", "bold"))
    table = Table("date", "milestone", "status", "days", title_justify="left")
    for m in report.milestones:
        status = _status(m.status)
        if m.out_of_order:
            status.append(" (out of order)", "yellow")
        table.add_row(m.date.isoformat(), text(m.title), status, str((m.date - as_of).days))
    out.print(table)
    r = report.reviews
    rule = f", rule {r.rule.id}" if r.rule is not None else ""
    upcoming = (f"next due {r.next_due}" if r.next_due is not None
                else "no further review due before the practical period ends")
    out.print(text(f"Reviews ({r.cadence_label}{rule}): {upcoming}; missed: {len(r.missed)}"))
    for gap in r.gaps:
        out.print(text(f"  missed: due {gap.due}, " + (f"held {gap.held}" if gap.held else "none held since")))
    for held in doc["reviews"]["held"]:
        out.print(text(f"  held {held['date']} (review {held['id']}): {held['words']}"))
    for b in portfolio.breaks:
        out.print(text(f"Break {b.id}: {b.start} to {b.end or 'ongoing'} {b.reason}"))
    return 0


def _status(status: str):
    from portfolio_tui.cli.output import text

    styles = {"done": "green", "overdue": "bold red", "due-soon": "yellow", "open": "cyan"}
    return text(status, styles.get(status, ""))


def cmd_gateway(args: argparse.Namespace) -> int:
    from portfolio_tui.services import settings
    from portfolio_tui.services.caseload import readable_portfolios

    as_of = args.as_of or date.today()
    if args.csv and args.json:
        raise CliError("--csv and --json: choose one")
    settings.check_portfolio_limit()  # (a bad one: one line, exit 2, before any file is read)
    with refusals():
        paths = readable_portfolios(args.paths)
    if not paths:
        raise CliError(f"no portfolios found in {', '.join(map(str, args.paths))}")
    if args.csv:
        return _gateway_csv(paths, as_of)
    with _no_cycle_collection():
        if args.json:
            return _gateway_json(paths, as_of, cached=not args.no_cache)
        return _gateway_tables(paths, as_of, cached=not args.no_cache)


def _exit_status(ready: bool | None) -> int:
    """A learner's part of the exit status: 0 ready, 1 not ready, 2 the file could not be read (the worst counts)."""
    return 2 if ready is None else 0 if ready else NOT_READY


def _gateway_csv(paths: Sequence[Path], as_of: date) -> int:
    import csv
    import sys

    from portfolio_tui.cli.csv_cells import inert
    from portfolio_tui.services import readiness
    from portfolio_tui.services.report import CASELOAD_COLUMNS, caseload_row

    rows = [caseload_row(c.path, c.report, c.error) for c in readiness.check_portfolios(paths, as_of, parallel=True)]
    writer = csv.writer(sys.stdout, lineterminator="\r\n")
    writer.writerow(CASELOAD_COLUMNS)
    writer.writerows([inert(value) for value in row.values()] for row in rows)
    if not all(row.readable for row in rows):
        return 2
    return 0 if all(row.cells["ready"] == "yes" for row in rows) else NOT_READY


def _encoded_entry(
    checked: readiness.Checked, *, document: bool = True, card: bool = True
) -> tuple[bool | None, str, tuple[str, float, float] | None, dict[str, Any] | None]:
    """One portfolio's part of ``gateway --json`` (unless ``document`` is false: the table, not kept, needs
    none), encoded where it was checked (a worker, for a big caseload); its weighted aggregate mark, for
    the cohort's Distinction; and its card, for the table (``readiness.gateway_card``; None if unreadable, or
    unless ``card``: ``--json`` not kept needs none)."""
    from portfolio_tui.services import readiness

    entry = readiness.gateway_entry(checked)
    text = json_text(entry.document, depth=2) if document or checked.report is None else ""
    shown = readiness.gateway_card(checked.report) if card and checked.report is not None else None
    return entry.ready, text, readiness.aggregate_of(checked.report), shown


def _gateway_json(paths: Sequence[Path], as_of: date, *, cached: bool = True) -> int:
    """Print ``gateway --json``; the exit status (:func:`_exit_status` of the worst learner).

    Each portfolio is let go once its document is encoded, and the documents wait in a spool (on disk
    but for the first few) until the cohort's standing is known; of each learner only an aggregate mark
    is kept, where there is one: memory does not grow with the caseload. A file unchanged since this
    account last checked it on the same terms is not read again (``services.gateway_cache``) unless
    ``cached`` is false.
    """
    from portfolio_tui.services.standing import cohort_standing

    status = 0
    errors: list[str] = []
    marks: dict[int, tuple[str, float, float]] = {}  # document's place -> its learner's aggregate mark
    encode = _encoded_entry if cached else partial(_encoded_entry, card=False)  # (a card is kept for the table)
    with TextSpool() as documents:
        for is_ready, text, aggregate, _card in _entries(paths, as_of, encode, cached=cached):
            status = max(status, _exit_status(is_ready))
            if is_ready is None:
                errors.append(text)
                continue
            if aggregate is not None:
                marks[len(documents)] = aggregate
            documents.add(text)
        standing = dict(zip(marks, cohort_standing(list(marks.values())), strict=True))
        print_json_lists({"portfolios": _with_cohort(documents, standing), "errors": errors})
    return status


def _entries(
    paths: Sequence[Path], as_of: date, encode: Callable[[readiness.Checked], Any], *, cached: bool
) -> Iterator[Any]:
    """``encode`` of each portfolio's check, in order: from this account's kept entries where they hold
    (``services.gateway_cache``), or, with ``--no-cache``, each file read now, as ``gateway_cache`` reads one
    (``readiness.each_checked``), without importing the kept entries' machinery."""
    if cached:
        from portfolio_tui.services import gateway_cache

        return gateway_cache.each_entry(paths, as_of, encode)
    from portfolio_tui.services import readiness

    return readiness.each_checked(paths, as_of, parallel=True, then=encode)


def _with_cohort(documents: Iterable[str], standing: Mapping[int, dict[str, Any] | None]) -> Iterator[str]:
    """Each document, with ``predicted_grade.cohort`` added where the learner has an aggregate mark."""
    import json

    for place, text in enumerate(documents):
        cohort = standing.get(place)
        if cohort is not None:
            document = json.loads(text)
            document["predicted_grade"]["cohort"] = cohort
            text = json_text(document, depth=2)
        yield text


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading a caseload makes no reference cycles: all it reads is freed by reference counting, so
    the cyclic collector would only walk the growing list of reports again and again. Pause it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _gateway_tables(paths: Sequence[Path], as_of: date, *, cached: bool = True) -> int:
    """Print each learner's card as a table, the files that cannot be read on stderr, and a summary line;
    the exit status (:func:`_exit_status` of the worst learner).

    From the same kept entries as ``--json`` (``services.gateway_cache``); where the output is not a
    terminal and Rich would draw the tables without styles, they are drawn by ``cli.plain_table`` the
    same way, character for character, without importing Rich.
    """
    import json

    from portfolio_tui.cli import plain_table
    from portfolio_tui.services.caseload import as_named

    encode = _encoded_entry if cached else partial(_encoded_entry, document=False)
    shown: list[tuple[str, dict[str, Any] | None, str]] = []  # (path, card, or why it cannot be read)
    status = learners = ready = unreadable = 0
    for path, (is_ready, text, _aggregate, card) in zip(
        map(path_text.normal, as_named(paths)), _entries(paths, as_of, encode, cached=cached),
        strict=True
    ):
        status = max(status, _exit_status(is_ready))
        if is_ready is None or card is None:
            name = path_text.name(path)
            said = json.loads(text)["error"]
            said = said.removeprefix(f"cannot open {path}: ").removeprefix(f"cannot open {name}: ")
            said = said.replace(f"{path}", name)  # the path is named once, in full, first
            shown.append((path, None, f"portfolio: {path}: {said}"))
            unreadable += 1
            continue
        learners += 1
        ready += is_ready
        shown.append((path, card, ""))
    plain_table.show(shown, gateway_summary(learners, ready, unreadable, as_of))
    return status


def gateway_summary(learners: int, ready: int, unreadable: int, as_of: date) -> str:
    """"3 learners, 1 ready, 4 files unreadable (as of ...)": a file that cannot be read is not a learner."""
    counts = [_count(learners, "learner"), f"{ready} ready"]
    if unreadable:
        counts.append(_count(unreadable, "file") + " unreadable")
    return f"{', '.join(counts)} for gateway as of {as_of.isoformat()}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
