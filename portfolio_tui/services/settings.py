"""The settings the app takes from the environment, checked at once where a program starts that reads them later."""

from __future__ import annotations


def check() -> None:
    """Raise :class:`~portfolio_tui.services.errors.BadSetting` (one line naming the variable) for a size limit the
    environment holds wrongly. The TUI reads them while it runs (a piece's files, each portfolio of a caseload),
    where a bad one was an error inside a screen, or one on every learner's row, rather than one line before it
    starts."""
    from portfolio_tui.store import file_store, size_limit

    file_store.limit_bytes()
    size_limit.limit_bytes()
