"""The habits every ``portfolio`` command keeps, applied to the whole parser tree in one place.

Commands register their own arguments; this module then walks the tree once, so a command added
later keeps the same conventions without anyone remembering them:

- a portfolio argument (``path``, or ``paths`` for commands that take several) may be left out,
  and then means the account's own portfolio (see ``portfolio where``);
- every positional argument has help;
- every command that changes something says what it changed in one line (``--quiet`` silences it,
  ``--json`` prints the changed records' ids and revisions for scripts);
- options are never abbreviated, and an unknown option is named as unknown (argparse would
  otherwise report a missing required option first, or take ``--tit`` for ``--title``).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from portfolio_tui import locations
from portfolio_tui.cli.errors import CliError

PORTFOLIO_HELP = "a portfolio file (default: your own portfolio; `portfolio where` prints its path)"
PORTFOLIOS_HELP = "portfolio files or cohort folders (default: your own portfolio)"
POSITIONAL_HELP = {
    "id": "the record's id, as the matching list command or --json output shows it",
    "key": "the item's key; `portfolio standards show ID` lists the keys of a standard",
    "folder": "a cohort folder (one portfolio file per apprentice, and its roster)",
    "file": "a standard file (JSON)",
    "account": "an OS account name on this server",
    "action": "what to ask about",
    "portfolio": "the portfolio file's name in the folder",
}
EPILOG = """\
your portfolio:
  FILE may be left out wherever a command takes one: it then means your own
  portfolio, which bare `portfolio` creates on first run. `portfolio where`
  prints where it is. PORTFOLIO_TUI_HOME moves the data folder (and so your
  portfolio); PORTFOLIO_TUI_STANDARDS moves the folder of your own standards.

exit status:
  0  done, or ready
  1  refused, not ready, or could not be done now (try again)
  2  bad input: the message names what and where; nothing was changed
"""
NO_PATH_CHECK = frozenset({"new", "open"})
"""Commands for which the default portfolio need not exist yet: they create it."""


def changes(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Mark a command handler as one that changes a file: its command takes ``--quiet``."""
    handler.changes = True  # type: ignore[attr-defined]  # a marker read by apply()
    return handler


_INVALID_VALUE = re.compile(r"argument (\w+): invalid \w+ value: '(.*)'")
"""argparse's message for a positional whose word does not convert (an id that is not a number)."""


class Parser(argparse.ArgumentParser):
    """argparse with the conventions above: no abbreviations, unknown options named, one-line errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {self._missing_after_file(message) or message} (see --help)\n")

    def _missing_after_file(self, message: str) -> str | None:
        """With FILE optional before a required positional, ``evidence remove FILE`` gives FILE to the id,
        and argparse calls it an invalid id; when that word names a path, say that the id is missing."""
        found = _INVALID_VALUE.fullmatch(message)
        if not found or not any(a.dest == "path" and a.nargs == "?" for a in self._actions):
            return None
        name, word = found.groups()
        if not ("/" in word or word.endswith(".json") or os.path.exists(word)):
            return None
        return f"{name} is missing: '{word}' is the FILE, and the {name} goes after it"

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        # A command's own parser (one with no subcommands) sees exactly its own arguments, so any
        # option it does not know is a mistake, reported before "required" checks can hide it.
        if args is not None and self._subparsers is None and "_ARGCOMPLETE" not in os.environ:
            self._refuse_unknown(list(args))
        return super().parse_known_args(args, namespace)

    def _refuse_unknown(self, args: list[str]) -> None:
        for token in args:
            if token == "--":
                return
            if not token.startswith("-") or token == "-" or " " in token or self._negative_number_matcher.match(token):
                continue
            name = token.split("=", 1)[0] if token.startswith("--") else token[:2]
            if name in self._option_string_actions:
                continue
            import difflib  # only for a mistake: every command's start-up is spared it

            known = [o for o in self._option_string_actions if o.startswith("--")]
            close = difflib.get_close_matches(name, known, n=1)
            self.error(f"unknown option {name}" + (f" (did you mean {close[0]}?)" if close else ""))


def walk(parser: argparse.ArgumentParser, names: tuple[str, ...] = ()) -> Iterator[
    tuple[tuple[str, ...], argparse.ArgumentParser]
]:
    """Every parser in the tree with its command words, the top one first."""
    yield names, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, (*names, name))


def options_of(parser: argparse.ArgumentParser, handler: Callable[..., Any]) -> dict[str, str]:
    """The long options of the command ``handler`` runs, by ``dest``: how a refusal names a field."""
    for _names, command in walk(parser):
        if command.get_default("func") is handler:
            return {a.dest: max(a.option_strings, key=len) for a in command._actions if a.option_strings}
    return {}


def _describe(commands: argparse._SubParsersAction) -> None:
    """Each command's own ``--help`` opens with the line the list of commands gives it (else it says nothing
    of what the command does)."""
    said = {choice.dest: choice.help for choice in commands._choices_actions}
    for name, child in commands.choices.items():
        if child.description is None and said.get(name):
            child.description = said[name]


def _long_choices(action: argparse.Action) -> None:
    """A long list of choices goes in the (wrapped) help, not the usage line, which argparse cannot wrap."""
    choices = list(action.choices or ()) if not isinstance(action, argparse._SubParsersAction) else []
    if action.metavar is not None or len(", ".join(map(str, choices))) <= 40:
        return
    action.metavar = (action.dest if not action.option_strings else action.dest.replace("_", "-")).upper()
    listed = f"one of: {', '.join(map(str, choices))}"
    action.help = f"{action.help} ({listed})" if action.help else listed


def apply(parser: argparse.ArgumentParser) -> None:
    """Give every command in the tree the conventions this module describes."""
    for _names, command in walk(parser):
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                _describe(action)
            _long_choices(action)
            if action.option_strings:
                continue
            if action.dest == "path" and action.nargs is None:
                action.nargs, action.default, action.metavar = "?", None, action.metavar or "FILE"
                action.help = action.help or PORTFOLIO_HELP
            elif action.dest == "paths" and action.nargs == "+":
                action.nargs, action.default = "*", []
                action.help = action.help or PORTFOLIOS_HELP
            elif not action.help and action.dest in POSITIONAL_HELP:
                action.help = POSITIONAL_HELP[action.dest]
        handler = command.get_default("func")
        if getattr(handler, "changes", False) and "--quiet" not in command._option_string_actions:
            command.add_argument("-q", "--quiet", action="store_true", help="print nothing when it worked")
            command.add_argument("--json", action="store_true",
                                 help="print what changed as JSON (each record's table, id and revision)")


def run_change(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a changing command and say in one line what it changed (unless ``--quiet``)."""
    from portfolio_tui.services.changes import recording, summary

    with recording() as made:
        status = int(handler(args) or 0)
    if status != 0 or getattr(args, "quiet", False):
        return status
    if getattr(args, "json", False):
        from dataclasses import asdict

        from portfolio_tui.cli.output import print_json

        print_json({"changed": bool(made), "changes": [asdict(c) for c in made]})
    else:
        print(summary(made))
    return status


def fill_in_portfolio(args: argparse.Namespace) -> None:
    """A left-out portfolio argument becomes the account's own portfolio, which must exist to be read.

    Where it is comes from platformdirs, imported only when a portfolio argument was left out."""
    if getattr(args, "path", "") is None:
        own = args.path = locations.default_portfolio_path()
    elif getattr(args, "paths", None) == []:
        own = locations.default_portfolio_path()
        args.paths = [own]
    else:
        return
    if args.command not in NO_PATH_CHECK and not own.exists():
        raise CliError(
            f"you have no portfolio yet (looked for {own}): give FILE, or run `portfolio` to create yours"
        )


def own_locations() -> dict[str, Path]:
    """What ``portfolio where`` prints: the account's portfolio and the folders the app uses."""
    return {
        "portfolio": locations.default_portfolio_path(),
        "data": locations.data_dir(),
        "standards": locations.user_standards_dir(),
    }
