"""Shell completion (argcomplete): commands, options, portfolio files, criteria ids and record keys.

``portfolio completion bash`` (or ``zsh``, ``fish``) prints the shell code to ``eval`` or source.
The shell then runs ``portfolio`` with ``_ARGCOMPLETE`` set; :func:`complete` answers and exits
before any command runs. Keys and criteria come from the portfolio named on the line (or the
account's own), read as this account may see it: a refusal completes nothing.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from portfolio_tui.cli import conventions
from portfolio_tui.domain.evidence import EVIDENCE_KINDS
from portfolio_tui.domain.progress import OTJ_CATEGORIES

SHELLS = ("bash", "zsh", "fish")
KEY_KINDS = {
    ("prerequisite", "record"): "prerequisite",
    ("checklist", "record"): "checklist",
    ("milestone", "done"): "milestone",
}
"""The commands whose ``key`` argument names a record of the standard, and which list it comes from."""
CHOICES = {"kind": EVIDENCE_KINDS, "category": OTJ_CATEGORIES}
"""Options of ``evidence`` and ``otj`` commands whose values come from a fixed list."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("completion", help="print the shell code that completes portfolio's commands and keys")
    p.add_argument("shell", choices=SHELLS, help="your shell")
    p.set_defaults(func=cmd_completion)


def cmd_completion(args: argparse.Namespace) -> int:
    import argcomplete

    print(argcomplete.shellcode(["portfolio"], shell=args.shell))
    return 0


def _portfolio(parsed: argparse.Namespace) -> Path:
    """The portfolio named on the line so far. With FILE optional, argparse gives a lone word to the
    required positional after it (``key``), so a word that names an existing file is taken as FILE."""
    if getattr(parsed, "path", None):
        return Path(parsed.path)
    given = getattr(parsed, "key", None)
    if isinstance(given, str) and Path(given).is_file():
        return Path(given)
    return conventions.own_locations()["portfolio"]


def _standard(parsed: argparse.Namespace) -> Any:
    from portfolio_tui.services.keys import portfolio_standard

    path = _portfolio(parsed)
    try:
        return portfolio_standard(Path(path))
    except Exception:  # nothing to offer: a missing, refused or unreadable file completes nothing
        return None


def _keys(kind: str) -> Callable[..., list[str]]:
    def complete_keys(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
        from portfolio_tui.services.keys import record_keys

        standard = _standard(parsed_args)
        if standard is None:
            return []
        return [key for key, _title in record_keys(standard)[kind] if key.startswith(prefix)]

    return complete_keys


def _choices(values: dict[str, str]) -> Callable[..., list[str]]:
    def complete_choice(prefix: str, **_: Any) -> list[str]:
        return [v for v in values if v.startswith(prefix)]

    return complete_choice


def _criteria(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    standard = _standard(parsed_args)
    if standard is None:
        return []
    done, _comma, last = prefix.rpartition(",")
    head = f"{done}," if done else ""
    return [head + cid for cid in standard.criteria if cid.casefold().startswith(last.casefold())]


def _standard_ids(prefix: str, **_: Any) -> list[str]:
    from portfolio_tui.services.standards import installed

    items, _broken = installed()
    return [i.standard.id for i in items if i.standard.id.startswith(prefix)]


def complete(parser: argparse.ArgumentParser, **options: Any) -> None:
    """Answer the shell's completion request (argcomplete's protocol) and exit; ``options`` go to argcomplete."""
    import argcomplete

    for names, command in conventions.walk(parser):
        for action in command._actions:
            if action.dest == "key" and names in KEY_KINDS:
                action.completer = _keys(KEY_KINDS[names])  # type: ignore[attr-defined]  # argcomplete's hook
            elif action.dest == "criteria":
                action.completer = _criteria  # type: ignore[attr-defined]  # argcomplete's hook
            elif action.dest in CHOICES and names[:1] in (("evidence",), ("otj",)):
                action.completer = _choices(CHOICES[action.dest])  # type: ignore[attr-defined]  # argcomplete's hook
            elif action.dest in ("standard", "id") and names[:1] == ("standards",) or action.dest == "standard":
                action.completer = _standard_ids  # type: ignore[attr-defined]  # argcomplete's hook
    options.setdefault("exit_method", os._exit)
    argcomplete.autocomplete(parser, **options)
