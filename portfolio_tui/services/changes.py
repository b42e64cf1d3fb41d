"""What a command changed, in one line: "evidence 3: edited title, hours (revision 2)", or "nothing changed".

The store notes each committed save's changes (``store.change_log``); a command run inside
:func:`recording` gets them, and :func:`summary` words them, one part per record in the order made.
"""

from __future__ import annotations

from collections.abc import Sequence

from portfolio_tui.domain.change import Change
from portfolio_tui.domain.text import clean_text
from portfolio_tui.store.change_log import recording
from portfolio_tui.store.errors import singular

NOTHING = "nothing changed"

__all__ = ["NOTHING", "Change", "recording", "summary"]


def summary(changes: Sequence[Change]) -> str:
    """One line for everything a command changed (a file upgrade on the way is left out)."""
    parts: dict[tuple[str, int | None], list[Change]] = {}
    for change in changes:
        if change.action != "migrate":
            parts.setdefault((change.table, change.record), []).append(change)
    if not parts:
        return NOTHING
    words = []
    for (table, record), made in parts.items():
        subject = singular(table) if record is None or table == "learner" else f"{singular(table)} {record}"
        revision = made[-1].revision
        tail = f" (revision {revision})" if revision is not None else ""
        words.append(f"{subject}: {'; '.join(c.detail for c in made)}{tail}")
    return clean_text("; ".join(words))
