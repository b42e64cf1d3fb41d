"""One change a save made, as its audit entry describes it: what every changing command reports."""

from __future__ import annotations

from portfolio_tui.domain.frozen import frozen


@frozen
class Change:
    action: str
    """The audit entry's action: ``add``, ``edit``, ``assess``, ``delete``, ``migrate``..."""
    table: str
    record: int | None
    revision: int | None
    """The record's revision after the change (``None`` once it is deleted, or for the file itself)."""
    detail: str
