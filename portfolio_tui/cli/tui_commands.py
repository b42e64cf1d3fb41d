"""``portfolio`` (bare), ``portfolio open PATH`` and ``portfolio demo``: the commands that start the TUI.

Textual is imported inside the handlers only, so the headless commands never pay for it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from portfolio_tui import locations
from portfolio_tui.cli.errors import CliError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("open", help="open a portfolio file in the TUI (creates it when it does not exist), "
                       "or a cohort folder's caseload")
    p.add_argument("path", type=Path)
    p.set_defaults(func=cmd_open)

    p = sub.add_parser("demo", help="try the TUI on a fresh copy of a sample portfolio, dated around today")
    p.add_argument("--sample", help="the sample's file name without .json (default: the first one)")
    p.add_argument("--dir", type=Path, help="where to put the copy (default: a new temporary folder)")
    p.set_defaults(func=cmd_demo)


def need_terminal() -> None:
    """Refuse to start the TUI where nobody can see it: without a terminal (``ssh host portfolio`` without
    ``-t``, cron, a pipe) it would only write screens of escapes to whatever reads its output.
    A session of ``portfolio serve`` talks to the browser over pipes through the driver it names."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    streams = (sys.stdin, sys.stdout, sys.stderr)
    if not all(stream is not None and stream.isatty() for stream in streams):
        raise CliError(
            "the TUI needs a terminal, and stdin or stdout is not one (over ssh use `ssh -t`); "
            "the headless commands, such as `portfolio gateway` and `portfolio evidence list`, need none"
        )


def check_settings() -> None:
    """The settings the TUI reads while it runs (the size limits of an added file and of a portfolio), checked before
    it starts: a bad one is one line and exit 2 here, never an error inside a screen halfway through showing a
    piece's files, nor one on every row of a caseload."""
    from portfolio_tui.cli.refusals import refusals
    from portfolio_tui.services import settings

    with refusals():
        settings.check()


def _run(path: Path, *, first_run: bool) -> int:
    """The TUI on ``path``, once this OS account is known to be allowed to see it (else one line, exit 1)."""
    from portfolio_tui.cli.refusals import refusals
    from portfolio_tui.services.session import PortfolioSession

    with refusals():
        PortfolioSession(path)
    need_terminal()
    check_settings()
    from portfolio_tui.tui.factory import build_app

    build_app(path, first_run=first_run).run()
    return 0


def open_default(args: argparse.Namespace) -> int:
    """Bare ``portfolio``: the user's own portfolio, created on first run."""
    need_terminal()
    path = locations.default_portfolio_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return _run(path, first_run=True)


def cmd_open(args: argparse.Namespace) -> int:
    path: Path = args.path
    if path.is_dir():
        need_terminal()
        check_settings()
        from portfolio_tui.tui.factory import build_caseload

        build_caseload(path).run()
        return 0
    if not path.exists() and not path.parent.is_dir():
        raise CliError(f"{path.parent} does not exist")
    return _run(path, first_run=True)


def cmd_demo(args: argparse.Namespace) -> int:
    need_terminal()
    check_settings()
    path = make_demo(args.sample, args.dir, date.today())
    print(f"Demo portfolio: {path}")
    return _run(path, first_run=False)


def samples() -> list[Path]:
    return sorted(locations.samples_dir().glob("*.json"))


SAMPLES_AS_OF = date(2026, 11, 24)
"""The day the bundled samples are written to be judged on (see sample_portfolios/make_samples.py)."""


def make_demo(sample: str | None, folder: Path | None, today: date) -> Path:
    """Copy a sample into ``folder`` (or a new temporary folder) with every date moved by the same
    number of days, so that ``today`` stands where the sample's own day stood: the learner is at the
    point the sample was written for (mid-programme for the default), and nothing, no evidence and no judgement,
    is in the future."""
    found = samples()
    if not found:
        raise CliError(f"no sample portfolios in {locations.samples_dir()}")
    if sample:
        chosen = next((p for p in found if p.stem == sample), None)
        if chosen is None:
            raise CliError(f"no sample named '{sample}' (there are: {', '.join(p.stem for p in found)})")
    else:
        chosen = found[0]
    from portfolio_tui.cli.refusals import refusals
    from portfolio_tui.services.demo import build_demo, demo_shift, read_sample

    with refusals():
        doc = read_sample(chosen)
    folder = folder or Path(tempfile.mkdtemp(prefix="portfolio-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / chosen.name
    if os.path.lexists(target):
        raise CliError(f"{target} already exists; the demo never writes over a file (choose another --dir)")
    with refusals():
        return build_demo(doc, target, demo_shift(doc, SAMPLES_AS_OF, today))
