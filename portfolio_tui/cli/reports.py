"""``portfolio report``, ``export`` and ``import``: a portfolio outside the app, and back.

``report FILE`` writes one learner's gateway evidence pack (HTML, PDF or Markdown); ``report FOLDER``
writes a caseload page linking each learner's pack. ``export`` puts a portfolio, its attachments,
the pack and its evidence by criterion kind in one zip; ``import`` restores exactly that, with a signed audit
entry saying who imported it, when, and from which file (its sha256).
Reading is refused (exit 1, naming who may) when the account may not see the portfolio; bad input
(unknown format, an OUT that cannot be written, a zip that is not ours or not safe) exits 2 with
one line, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from portfolio_tui.cli.errors import CliError
from portfolio_tui.cli.refusals import refusals
from portfolio_tui.domain.text import clean_text, utf8

FORMATS = ("html", "pdf", "md")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="a portfolio's gateway evidence pack (html, pdf or md), or a folder's "
                                      "caseload page linking each learner's pack")
    p.add_argument("path", type=Path, metavar="FILE_OR_FOLDER")
    p.add_argument("--format", default="html", metavar="FORMAT",
                   help=f"one of {', '.join(FORMATS)} (default html; a folder's caseload page is html)")
    p.add_argument("-o", "--output", type=Path, metavar="OUT",
                   help="where to write it, '-' for standard output (default: NAME.FORMAT here; for a folder, "
                        "a folder NAME-report here)")
    p.add_argument("--as-of", type=_as_of, metavar="DATE", help="the day to judge readiness on (default today)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="one zip to take away: the portfolio, its attachments, the HTML pack as "
                                      "index.html and the evidence by Knowledge, Skills and Behaviours")
    p.add_argument("path", type=Path, metavar="FILE")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="NAME.zip")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="restore a portfolio from an export zip into the folder DEST, exactly")
    p.add_argument("source", type=Path, metavar="NAME.zip", help="a zip written by `portfolio export`")
    p.add_argument("dest", type=Path, metavar="DEST", help="where to restore the portfolio (a new file)")
    p.set_defaults(func=cmd_import)


def _as_of(value: str) -> date:
    from portfolio_tui.domain.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _render(report, fmt: str) -> bytes:
    if fmt == "pdf":
        from portfolio_tui.cli import report_pdf

        return report_pdf.render(report)
    if fmt == "md":
        from portfolio_tui.cli import report_md

        return utf8(report_md.render(report))
    from portfolio_tui.cli import report_html

    return utf8(report_html.render(report))


def write_file(path: Path, data: bytes) -> None:
    from portfolio_tui.services import report as report_model

    with refusals():
        report_model.save(path, data)


def cmd_report(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt not in FORMATS:
        raise CliError(f"--format: unknown format '{fmt}' (expected one of {', '.join(FORMATS)})")
    if args.path.is_dir():
        if fmt != "html":
            raise CliError(f"--format: a folder's caseload page is html, not {fmt}")
        return _caseload_report(args)
    from portfolio_tui.services import report as report_model

    if not args.path.is_file():
        raise CliError(f"{args.path}: no such file or folder")
    with refusals():
        report = report_model.for_portfolio(args.path, args.as_of)
    data = _render(report, fmt)
    if args.output == Path("-"):
        if fmt == "pdf" and sys.stdout.isatty():
            raise CliError("-o -: a PDF is not shown on a terminal; name a file")
        if fmt == "pdf":
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return 0
    out = args.output or Path(f"{args.path.stem}.{fmt}")
    write_file(out, data)
    print(f"wrote {out} ({clean_text(report.learner)}: {len(report.criteria)} criteria, {report.rag})")
    return 0


def _caseload_report(args: argparse.Namespace) -> int:
    from portfolio_tui.cli import report_html
    from portfolio_tui.services import report as report_model

    folder: Path = args.path
    out: Path = args.output or Path(f"{folder.resolve().name}-report")
    if out == Path("-"):
        raise CliError("-o -: a caseload report is a folder of pages; name a folder")
    if out.exists() and not out.is_dir():
        raise CliError(f"{out}: is a file; a caseload report is written into a folder")
    try:
        report_model.make_folder(out)
    except OSError as exc:
        raise CliError(f"{out}: cannot be written ({exc.strerror or exc})") from None
    with refusals():
        rows = report_model.caseload([folder], args.as_of)
        links: dict[str, str] = {}
        packs = []
        for row in rows:
            if row.readable:
                packs.append((row, report_model.for_portfolio(row.path, args.as_of)))
    for row, report in packs:
        name = f"{row.path.stem}.html"
        write_file(out / name, utf8(report_html.render(report)))
        links[str(row.path)] = name
    generated = packs[0][1].generated_at if packs else ""
    page = report_html.render_caseload(rows, links, generated, f"Caseload: {folder.resolve().name}")
    write_file(out / "index.html", utf8(page))
    print(f"wrote {out / 'index.html'} and {len(packs)} learner pack(s)")
    return 0 if all(r.readable for r in rows) else 2


def cmd_export(args: argparse.Namespace) -> int:
    from portfolio_tui.cli import report_html, report_md
    from portfolio_tui.services import portable
    from portfolio_tui.services import report as report_model

    if not args.path.is_file():
        raise CliError(f"{args.path}: no such portfolio file")
    target: Path = args.output
    if target.suffix != ".zip":
        raise CliError(f"-o: {target}: an export is a .zip file")
    if target.is_dir() or not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise CliError(f"-o: {target}: cannot be written (not a file in an existing folder)")
    with refusals():
        report = report_model.for_portfolio(args.path)
        pages = {name: report_md.evidence_page(c, e) for name, c, e in portable.evidence_pages(report)}
        try:
            done = portable.export(args.path, target, report, report_html.render(report), pages)
        except OSError as exc:
            raise CliError(f"-o: {target}: cannot be written ({exc.strerror or exc})") from None
    print(f"wrote {done.target}: the portfolio, {done.attachments} attachment(s), index.html and "
          f"{done.pages} evidence page(s)")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from portfolio_tui.services import portable

    with refusals():
        done = portable.import_zip(args.source, args.dest, _readable)
    checked = ("chain, signatures, and who was allowed to make each change, by the roster it came with"
               if done.roster else "chain and signatures; who was allowed to make each change was not checked, as "
               "no roster came with this export")
    print(f"imported {clean_text(str(done.portfolio))} with {done.attachments} attachment(s); its record verifies "
          f"({checked})")
    return 0


def _readable(path: Path, dest: Path) -> None:
    """The imported portfolio must open in this version and its record verify, or nothing is kept. Who
    was allowed to make each change is judged by the roster of the folder it came from, which an export
    carries (unpacked beside the staged copy); ``dest``'s roster did not exist when those changes were made."""
    from portfolio_tui.services.errors import InputError, StoreError
    from portfolio_tui.services.session import PortfolioSession
    from portfolio_tui.services.verify import verify_file

    try:
        PortfolioSession(path).load()
    except StoreError as exc:  # it names the hidden staging copy, removed by now: name the zip's member instead
        why = str(exc).replace(str(path), f"{path.name} in the zip").replace(" (the file was left as it is)", "")
        raise InputError("zip", f"{why}; nothing was written") from None
    checked = verify_file(path)
    if not checked.ok:
        where = checked.breaks[0]
        raise InputError("zip", f"the portfolio in it does not verify ({where.where}: {where.message}); "
                                "nothing was written")
