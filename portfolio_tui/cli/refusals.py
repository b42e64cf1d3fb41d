"""Service and store failures as one-line CLI errors.

Exit status 2: the user's input, the file or the id given is wrong (fix it and run again).
Exit status 1: the request was fine but could not be done now: someone else changed the record
(a conflict), the save failed (disk full, read-only folder), another program held the lock, or
this OS account may not do it (the message says who may).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from portfolio_tui.cli.errors import BAD_INPUT, CliError
from portfolio_tui.domain.text import clean_text

NOT_NOW = 1


@contextmanager
def refusals() -> Iterator[None]:
    """Turn :class:`ServiceError` and :class:`StoreError` raised in the body into :class:`CliError`."""
    try:
        yield
    except Exception as exc:
        refusal = _refusal(exc)
        if refusal is None:
            raise
        raise refusal from None


def _refusal(exc: Exception) -> CliError | None:
    # The error classes are imported only once something failed, so a command that succeeds does
    # not pay for importing the roles module.
    from portfolio_tui.domain.roles import NotAllowed
    from portfolio_tui.services.errors import ConflictError, LockTimeout, ServiceError, StoreError, WriteFailed

    if isinstance(exc, (NotAllowed, ConflictError, WriteFailed, LockTimeout)):
        return CliError(clean_text(str(exc)), NOT_NOW)
    if isinstance(exc, (ServiceError, StoreError)):
        return CliError(clean_text(str(exc)), BAD_INPUT)
    return None


def warn_if_read_only(service: object) -> None:
    """One warning line on stderr when the portfolio is shown read-only (a hand edit broke the schema)."""
    import sys

    reason = service.read_only_reason()  # type: ignore[attr-defined]
    if reason:
        print(f"portfolio: warning: {clean_text(reason)}", file=sys.stderr)
