"""Service and store failures as one-line CLI errors.

Exit status 2: the user's input, the file or the id given is wrong (fix it and run again).
Exit status 1: the request was fine but could not be done now: someone else changed the record
(a conflict), the save failed (disk full, read-only folder), another program held the lock, or
this OS account may not do it (the message says who may).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from portfolio_tui.cli.errors import BAD_INPUT, CliError
from portfolio_tui.domain.text import clean_text

NOT_NOW = 1

DESTS = {
    "otj_target_hours": "otj_target",
    "contracted_hours_per_week": "contracted_hours",
    "epa_presentation": "epa_date",
    "planned_end": "end",
    "review_cadence_agreed_by": "review_agreed_by",
    "english_maths_decision": "english_maths",
    "achieved_on": "date",
    "output": "output",
}
"""A service's name for a field -> the argparse ``dest`` that carries it, where the two differ."""

_options: ContextVar[Mapping[str, str] | None] = ContextVar("options", default=None)


def name_options(options: Mapping[str, str]) -> None:
    """The running command's options by ``dest`` (``otj_target`` -> ``--otj-target``), set by ``main``."""
    _options.set(options)


def cli_names() -> dict[str, str]:
    """Each service field whose name is not what the user typed -> the running command's option for it
    (``otj_target_hours`` -> ``--otj-target``); a one-word field (``title``) already reads as its option."""
    options = _options.get() or {}
    names = {dest: option for dest, option in options.items() if "_" in dest}
    names.update({field: options[dest] for field, dest in DESTS.items() if dest in options})
    return names


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
    from portfolio_tui.services.errors import (
        ConflictError,
        InputError,
        LockTimeout,
        ServiceError,
        StoreError,
        WriteFailed,
    )

    if isinstance(exc, InputError):
        return CliError(clean_text(exc.named(cli_names())), BAD_INPUT)
    if isinstance(exc, (NotAllowed, ConflictError, WriteFailed, LockTimeout)):
        return CliError(clean_text(str(exc)), NOT_NOW)
    if isinstance(exc, (ServiceError, StoreError)):
        return CliError(clean_text(str(exc)), BAD_INPUT)
    return None


def warn_if_read_only(service: object) -> None:
    """One warning line on stderr when the portfolio is shown read-only (a hand edit broke the schema) or holds
    records changed outside the app (not believed, review F6)."""
    import sys

    reasons = [service.read_only_reason(), service.changed_outside_reason()]  # type: ignore[attr-defined]
    shown = "; and ".join(clean_text(reason) for reason in reasons if reason)
    if shown:
        print(f"portfolio: warning: {shown}", file=sys.stderr)
