"""What a service refuses: bad input names the field, so the CLI prints one line and the TUI marks the field.

The store's refusals (a corrupt or newer file, a conflict, a failed save, a lock held too long) and
the roster's reach the CLI and the TUI as they are, named here: the interfaces import their errors
from this module and never from the store.
"""

from __future__ import annotations

from collections.abc import Mapping

from portfolio_tui.roster import RosterError
from portfolio_tui.store.errors import (
    BadSetting,
    ConflictError,
    CorruptFile,
    LockTimeout,
    NewerVersion,
    NotFound,
    SealedRecord,
    StoreError,
    WriteFailed,
)

__all__ = [
    "BadSetting", "ConflictError", "CorruptFile", "InputError", "LockTimeout", "NewerVersion", "NotFound",
    "RosterError", "SealedRecord", "ServiceError", "StandardMissing", "StoreError", "WriteFailed",
]


class ServiceError(Exception):
    """A request that cannot be carried out as asked; ``str(error)`` is one line."""


class InputError(ServiceError):
    """A value the user gave is wrong: ``field`` is the name the CLI option and the form field share."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    def named(self, names: Mapping[str, str]) -> str:
        """The one line as an interface shows it: the field by that interface's name for it (the CLI's
        option, ``--otj-target``; the form's label), or the service's name when it has none."""
        return f"{names.get(self.field, self.field)}: {self.message}"


class StandardMissing(ServiceError):
    """The portfolio's standard is not installed here, so its criteria cannot be checked."""

    def __init__(self, standard_id: str):
        self.standard_id = standard_id
        super().__init__(
            f"this portfolio follows the standard '{standard_id}', which is not installed here "
            "(see `portfolio standards list`)"
        )


class NotBelieved(ServiceError):
    """Records of the file were changed outside the app (``Portfolio.changed_outside``): nothing is signed on
    what they say until a tutor repairs the file."""
