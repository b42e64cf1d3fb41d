"""The history of a portfolio or of one record, read from its audit: who changed what, and when."""

from __future__ import annotations

from dataclasses import dataclass

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
    changed: str
    """The fields that changed, old -> new, when the audit kept them."""


def _record(entry: AuditEntry) -> str:
    name = TABLE_NAMES.get(entry.table, entry.table)
    return f"{name} {entry.record}" if entry.record is not None else name


def _changed(entry: AuditEntry) -> str:
    if not entry.changes:
        return ""
    parts = []
    for key, value in entry.changes.items():
        if isinstance(value, dict) and {"from", "to"} <= set(value):
            parts.append(f"{key}: {_short(value['from'])} -> {_short(value['to'])}")
        else:
            parts.append(f"{key}: {_short(value)}")
    return "; ".join(parts)


def _short(value: object, width: int = 40) -> str:
    text = clean_text(str(value))
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def history(service: PortfolioService, table: str | None = None, record: int | None = None) -> list[HistoryRow]:
    """The audit of the portfolio (or of one record), newest first, as rows to show."""
    entries = service.history(table, record)
    return [
        HistoryRow(clean_text(e.at).replace("T", " ").removesuffix("Z"), clean_text(e.by), clean_text(e.action),
                   _record(e), clean_text(e.detail), _changed(e))
        for e in reversed(entries)
    ]
