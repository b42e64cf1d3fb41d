"""Shared output helpers: JSON to stdout, and a Rich console that never reads user text as markup."""

from __future__ import annotations

import json
import sys
from typing import Any

from portfolio_tui.domain.text import clean_text


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def console(stderr: bool = False):
    """A Rich console with markup and emoji off: strings passed to it are shown as typed."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def text(value: object, style: str = ""):
    """User text as a Rich ``Text`` with control and escape characters removed."""
    from rich.text import Text

    return Text(clean_text(str(value)), style=style)
