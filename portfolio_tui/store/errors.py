"""Refused files, failed saves and conflicts: each message is one line a user can act on."""

from __future__ import annotations

import json

TYPE_CHECKING = False  # (pathlib costs the gateway's start-up: a Path is made only for a refusal)
if TYPE_CHECKING:
    from pathlib import Path


def _path(path: Path | str) -> Path:
    from pathlib import Path

    return Path(path)


class StoreError(Exception):
    """Base of every store failure; ``str(error)`` is one complete line."""


class BadSetting(StoreError):
    """An environment variable the app reads holds what it cannot take: refused in one line, never a traceback or
    a silent default (review: ``PORTFOLIO_TUI_FILE_LIMIT_MB=abc`` gave 50 MB without a word)."""

    def __init__(self, name: str, value: str, expected: str):
        self.name, self.value = name, value
        shown = json.dumps(value[:40] + ("…" if len(value) > 40 else ""))  # escapes a control character
        super().__init__(f"{name}: {shown} is not {expected}; set it right, or unset it for the default")


class CorruptFile(StoreError):
    """The file is not a readable portfolio; it is left exactly as it was."""

    def __init__(self, path: Path | str, problem: str):
        self.path = _path(path)
        self.problem = problem
        super().__init__(f"cannot open {path}: {problem} (the file was left as it is)")


class Unsound(StoreError):
    """The file's record does not check, so no change is made until a tutor repairs it (``store.sealing``)."""

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = _path(path), problem
        super().__init__(
            f"{path}: {problem}; no change is saved to it until a tutor repairs it with "
            f"`portfolio repair {path} --reason TEXT` (`portfolio verify` lists what is wrong)"
        )


class NewerVersion(StoreError):
    def __init__(self, path: Path | str, found: int, supported: int):
        self.path, self.found, self.supported = _path(path), found, supported
        super().__init__(
            f"cannot open {path}: it was written by a newer portfolio-tui (schema version {found}; this one reads "
            f"up to {supported}); upgrade portfolio-tui to open it (the file was left as it is)"
        )


class BreaksSchema(StoreError):
    """A hand-edited file breaks the schema's rules (not its types): it may be read, never changed."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]):
        self.path, self.problems = _path(path), problems
        super().__init__(f"{path} {breaks_schema(problems)}; fix the file first (nothing was changed)")


def breaks_schema(problems: list[tuple[str, str]]) -> str:
    """The first of ``problems`` in words, for a refusal or a warning."""
    where, what = problems[0]
    more = f" (and {len(problems) - 1} more; `portfolio validate` lists them)" if len(problems) > 1 else ""
    return f"breaks the portfolio schema at {where}: {what}{more}"


class ConflictError(StoreError):
    """Someone else changed the record after it was read: shown to the user, never silently overwritten."""

    def __init__(
        self, table: str, record: int, expected: int, actual: int, by: str, at: str, fields: tuple[str, ...] = ()
    ):
        self.table, self.record, self.expected, self.actual, self.by, self.at = table, record, expected, actual, by, at
        self.fields = fields
        """What the other change(s) touched, so a save over them can keep the rest."""
        who = f" by {by or 'unknown'} at {at or 'an unknown time'}"
        what = f"; they changed {', '.join(fields)}" if fields else ""
        super().__init__(
            f"{singular(table)} {record} was changed{who} after you opened it "
            f"(revision {expected}, now {actual}{what}); reload it and make your change again"
        )


class WriteFailed(StoreError):
    def __init__(self, path: Path | str, reason: str):
        self.path, self.reason = _path(path), reason
        super().__init__(f"could not save {path}: {reason} (the file on disk was not changed)")


class NotFound(StoreError):
    def __init__(self, what: str):
        super().__init__(what)


class AlreadyExists(StoreError):
    def __init__(self, path: Path | str):
        self.path = _path(path)
        super().__init__(f"{path} already exists; choose another name (nothing was changed)")


class SealedRecord(StoreError):
    """A gateway sign-off is sealed into its chain when it is made, and never changed or removed after."""

    def __init__(self, table: str, record: int):
        self.table, self.record = table, record
        super().__init__(
            f"{singular(table)} {record} is sealed: a sign-off is never changed or removed once made "
            "(nothing was changed)"
        )


class LockTimeout(StoreError):
    def __init__(self, path: Path | str, seconds: float):
        self.path = _path(path)
        super().__init__(f"{path} is being saved by another program; gave up after {seconds:g} s (try again)")


def singular(table: str) -> str:
    return {"evidence": "evidence", "reviews": "review", "breaks": "break", "grades": "grade",
            "signoffs": "sign-off", "milestones": "milestone", "otj": "off-the-job entry",
            "prerequisites": "prerequisite"}.get(table, table)
