"""How a coverage state or a milestone status looks: a mark that reads without colour, and a style."""

from __future__ import annotations

STATE_MARKS = {"full": "✔", "partial": "◐", "none": "○"}
STATE_WORDS = {"full": "covered", "partial": "partly covered (nothing accepted yet)", "none": "no evidence"}
STATE_STYLE = {"full": "$text-success", "partial": "$text-warning", "none": "$text-error"}
STATE_RICH = {"full": "green", "partial": "yellow", "none": "red"}
"""For Rich ``Text`` (Tree labels), which cannot read theme variables."""
STATUS_STYLE = {
    "done": "$text-success",
    "overdue": "bold $text-error",
    "due-soon": "bold $text-warning",
    "open": "$text-primary",
    "upcoming": "$text-muted",
}


def state_mark(state: str) -> str:
    return STATE_MARKS.get(state, "?")
