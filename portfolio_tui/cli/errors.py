"""Errors a command reports as one line, with the exit status that says what kind of failure it was."""

from __future__ import annotations

BAD_INPUT = 2


class CliError(Exception):
    """A user's mistake or a refused file: printed as ``portfolio: <message>``, no traceback."""

    def __init__(self, message: str, code: int = BAD_INPUT):
        super().__init__(message)
        self.code = code
