"""The ``portfolio`` command: headless subcommands, and the TUI when run bare or with ``open``/``demo``.

Each subcommand lives in its own module with a ``register(subparsers)`` function; heavy imports
(Rich, jsonschema, Textual) happen inside the handlers, so ``portfolio gateway --json`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from portfolio_tui import __version__
from portfolio_tui.cli.errors import CliError

COMMAND_MODULES = ("standards", "tui_commands", "people", "portfolio_cmds", "evidence", "rules")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line and exits 2, with no usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="portfolio",
        description="Apprenticeship evidence, EPA timeline and gateway readiness in the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"portfolio-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        import_module(f"portfolio_tui.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:
        default = getattr(args, "default_func", None) or _default_command()
        if default is None:
            parser.print_help()
            return 0
        handler = default
    try:
        return int(handler(args) or 0)
    except CliError as exc:
        print(f"portfolio: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _default_command():
    """Bare ``portfolio`` opens the TUI on the user's default portfolio, once the TUI is installed."""
    try:
        module = import_module("portfolio_tui.cli.tui_commands")
    except ModuleNotFoundError:
        return None
    return module.open_default
