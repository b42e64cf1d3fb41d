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
    from portfolio_tui.domain.roles import NotAllowed
    from portfolio_tui.services.errors import ServiceError
    from portfolio_tui.store.errors import ConflictError, LockTimeout, StoreError, WriteFailed

    try:
        yield
    except NotAllowed as exc:
        raise CliError(clean_text(str(exc)), NOT_NOW) from None
    except ServiceError as exc:
        raise CliError(clean_text(str(exc)), BAD_INPUT) from None
    except (ConflictError, WriteFailed, LockTimeout) as exc:
        raise CliError(clean_text(str(exc)), NOT_NOW) from None
    except StoreError as exc:
        raise CliError(clean_text(str(exc)), BAD_INPUT) from None
