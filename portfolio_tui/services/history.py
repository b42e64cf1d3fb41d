"""The history of a portfolio or of one record, read from its audit: who changed what, and when."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portfolio_tui.domain import attachments
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store.records import AuditEntry

TABLE_NAMES = {
    "evidence": "evidence", "reviews": "review", "otj": "off-the-job", "breaks": "break",
    "prerequisites": "prerequisite", "checklist": "checklist", "milestones": "milestone", "grades": "grade",
    "signoffs": "sign-off", "comments": "comment", "learner": "learner", "meta": "file",
}


@dataclass(frozen=True)
class HistoryRow:
    """One change as the history view lists it, newest first."""

    at: str
    by: str
    action: str
    record: str
    detail: str
    changes: tuple[str, ...] = ()
    """One line a field that changed, ``field: before -> after`` in words (criteria as codes, dates as
    dates, a judgement as who judged what and when), when the audit kept them."""


def _record(entry: AuditEntry) -> str:
    name = TABLE_NAMES.get(entry.table, entry.table)
    return f"{name} {entry.record}" if entry.record is not None else name


def change_lines(changes: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The audit's before and after of each field, as people read them (text safe to show)."""
    lines = []
    for key, value in (changes or {}).items():
        label = clean_text(str(key)).replace("_", " ")
        if key == "files":
            value = _file_names(value)
        if not (isinstance(value, Mapping) and {"from", "to"} <= set(value)):
            lines.append(f"{label}: {_shown(value)}")
            continue
        before, after = value["from"], value["to"]
        if isinstance(before, list | type(None)) and isinstance(after, list) and after[:len(before or [])] == (
                before or []) and any(isinstance(v, Mapping) for v in after):
            lines.append(f"{label}: added {_shown(after[len(before or []):])}")  # appended, as judgements are
        else:
            lines.append(f"{label}: {_shown(before)} -> {_shown(after)}")
    return tuple(lines)


def _file_names(value: Any) -> Any:
    """A kept file by its name ("notes.txt"), not its ``sha256:<hex>/notes.txt`` entry: cut to the width,
    every entry read as the same hash, and the file added or taken off did not show."""
    if isinstance(value, Mapping):
        return {k: _file_names(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [attachments.parse(v).name if isinstance(v, str) else v for v in value]
    return value


def _shown(value: object, width: int = 60) -> str:
    """A value in words: none, yes/no, whole numbers without ".0", a timestamp to the minute, a list as
    its items (criteria as codes), a judgement as who judged what and when; cut at ``width`` with "…"."""
    if value is None or value == "" or value == []:
        text = "none"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, list | tuple):
        text = "; ".join(_shown(v, width) for v in value) if any(isinstance(v, Mapping) for v in value) \
            else ", ".join(_shown(v, width) for v in value)
    elif isinstance(value, Mapping):
        text = _judgement(value) if "outcome" in value else _confirmation(value) if "party" in value else ", ".join(
            f"{clean_text(str(k))} {_shown(v, width)}" for k, v in value.items())
    else:
        text = clean_text(str(value))
        if _TIMESTAMP.fullmatch(text):
            text = text.replace("T", " ")[:16]
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z?")


def _confirmation(value: Mapping[str, Any]) -> str:
    by = f" by {clean_text(str(value['by']))}" if value.get("by") else ""
    on = f" on {clean_text(str(value['at']))[:10]}" if value.get("at") else ""
    return f"the {clean_text(str(value['party']))}'s confirmation{by}{on}"


def _judgement(value: Mapping[str, Any]) -> str:
    criterion = f" of {clean_text(str(value['criterion']))}" if value.get("criterion") else ""
    by = f" by {clean_text(str(value['by']))}" if value.get("by") else ""
    on = f" on {clean_text(str(value['at']))[:10]}" if value.get("at") else ""
    return f"{clean_text(str(value['outcome']))}{criterion}{by}{on}"


def history(service: PortfolioService, table: str | None = None, record: int | None = None) -> list[HistoryRow]:
    """The audit of the portfolio (or of one record), newest first, as rows to show."""
    entries = service.history(table, record)
    return [
        HistoryRow(clean_text(e.at).replace("T", " ").removesuffix("Z"), clean_text(e.by), clean_text(e.action),
                   _record(e), clean_text(e.detail), change_lines(e.changes))
        for e in reversed(entries)
    ]
