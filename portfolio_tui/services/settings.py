"""The settings the app takes from the environment, checked at once where a program starts that reads them later."""

from __future__ import annotations


def check() -> None:
    """Raise :class:`~portfolio_tui.services.errors.BadSetting` (one line naming the variable) for a size limit the
    environment holds wrongly. The TUI reads them while it runs (a piece's files, each portfolio of a caseload),
    where a bad one was an error inside a screen, or one on every learner's row, rather than one line before it
    starts."""
    from portfolio_tui.store import file_store

    file_store.limit_bytes()
    check_portfolio_limit()


def check_portfolio_limit() -> None:
    """:func:`check` of the portfolio size limit alone: what ``portfolio gateway`` reads of each file it checks, so that
    a bad one is one line before any file is read, not one error per file (review D5). (The added files' limit lives
    with the files' store, which loads OpenSSL and ``dataclasses``: a gateway run has no use for either.)"""
    from portfolio_tui.store import size_limit

    size_limit.limit_bytes()
