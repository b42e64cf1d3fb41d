"""The ``portfolio`` command: headless subcommands, and the TUI when run bare or with ``open``/``demo``.

Each subcommand lives in its own module with a ``register(subparsers)`` function; heavy imports
(Rich, jsonschema, Textual) happen inside the handlers, so ``portfolio gateway --json`` starts fast.
``gateway`` in its plain form (paths and its own options, spelled in full) is not even given to
argparse (``readiness_cmds.plain_gateway``): a tutor's repeated check of a caseload is answered from
what was kept in a few times the interpreter's own start-up, and argparse and the parser's tree would
be a third of that.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

TYPE_CHECKING = False  # typing itself costs the plain gateway's start-up a few milliseconds
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator

COMMANDS = {
    "standards": "standards",
    "open": "tui_commands", "demo": "tui_commands",
    "roster": "people", "doctor": "people", "verify": "people",
    "new": "portfolio_cmds", "validate": "portfolio_cmds", "where": "portfolio_cmds", "history": "portfolio_cmds",
    "completion": "completion",
    "evidence": "evidence",
    "timeline": "readiness_cmds", "gateway": "readiness_cmds", "review": "rules", "otj": "rules", "break": "rules",
    "prerequisite": "rules", "checklist": "rules", "milestone": "rules", "grade": "rules", "learner": "rules",
    "signoff": "signoffs",
    "keys": "signing_cmds", "trust": "signing_cmds", "repair": "signing_cmds",
    "report": "reports", "export": "reports", "import": "reports", "serve": "serve",
}
"""Top-level command -> the module that registers it, so one command imports only its own module."""
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv`` naming a known command, only that command's module is imported."""
    import argparse
    from importlib import import_module

    from portfolio_tui import __version__
    from portfolio_tui.cli import conventions

    parser = conventions.Parser(
        prog="portfolio",
        description="Apprenticeship evidence, EPA timeline and gateway readiness in the terminal.\n"
        "Bare `portfolio` opens your own portfolio in the TUI.",
        epilog=conventions.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"portfolio-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=conventions.Parser)
    first = next((a for a in argv or () if not a.startswith("-")), None)
    modules = (COMMANDS[first],) if first in COMMANDS else COMMAND_MODULES
    for name in modules:
        import_module(f"portfolio_tui.cli.{name}").register(sub)
    conventions.apply(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    for stream in (sys.stdout, sys.stderr):
        # Whatever slips past the escaping (a terminal that is not UTF-8) is shown as an escape, not a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if "_ARGCOMPLETE" in os.environ:  # a shell asking for completions: answer and exit
        from portfolio_tui.cli.completion import complete

        complete(build_parser())
    if argv[:1] == ["gateway"]:
        with _no_cycle_collection():  # (its modules imported as it goes: the collector paused till it is done)
            from portfolio_tui.cli.readiness_cmds import plain_gateway

            plain = plain_gateway(argv[1:])
            if plain is not None:
                return _run(lambda: plain.func(plain))
    from portfolio_tui.cli import conventions

    with _no_cycle_collection():
        parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:  # bare ``portfolio``: the TUI on the user's own portfolio
        from portfolio_tui.cli.tui_commands import open_default

        handler = open_default
    from portfolio_tui.cli.refusals import name_options

    name_options(conventions.options_of(parser, handler))

    def command() -> int:
        conventions.fill_in_portfolio(args)
        if getattr(handler, "changes", False):
            return conventions.run_change(handler, args)
        return int(handler(args) or 0)

    return _run(command)


def _run(command: Callable[[], int]) -> int:
    """The command's exit status: its own, or that of the one-line error it ended with."""
    from portfolio_tui.cli.errors import CliError

    try:
        return command()
    except CliError as exc:
        print(f"portfolio: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except PermissionError as exc:  # a path in a folder this account cannot enter (review R7-2): one line, exit 2
        from portfolio_tui.cli.errors import BAD_INPUT
        from portfolio_tui.domain.text import clean_text

        where = clean_text(os.fsdecode(exc.filename)) if exc.filename is not None else "a file or folder"
        print(f"portfolio: {where}: permission denied (this account cannot reach it)", file=sys.stderr)
        return BAD_INPUT
    except _bad_setting() as exc:  # (wherever a command reads it, as `validate` and `doctor` read the size limit)
        from portfolio_tui.cli.errors import BAD_INPUT

        print(f"portfolio: {exc}", file=sys.stderr)
        return BAD_INPUT


def _bad_setting() -> type[Exception]:
    """What a setting from the environment that the app cannot take raises (``store.errors.BadSetting``: its line
    names the variable, its value escaped): one line and exit 2 from any command, never a traceback. Imported only
    once a command has failed, so a command that succeeds pays nothing for it."""
    from portfolio_tui.services.errors import BadSetting

    return BadSetting


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic collector paused while a command's modules are imported and its parser is built.

    Importing makes tens of thousands of objects (modules, classes, functions, the dataclasses'
    generated code) that live as long as the process, and no garbage, so the collector would walk them
    again and again for nothing: some twenty collections, a few milliseconds of every command's
    start-up. They are frozen (left out of every later walk) before it is turned back on, as
    ``store.reading`` does with what it reads; the TUI unfreezes and collects when a screen closes.
    """
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()
