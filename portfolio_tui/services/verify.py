"""``portfolio verify``: is each portfolio's record as the app wrote it?

Reads the portfolio files directly (strict JSON; the TinyDB layout in docs/ARCHITECTURE.md) rather
than through the store, so that it checks the bytes on disk, never a repaired or migrated copy,
and never writes. The checks themselves are pure: ``domain.audit_chain.verify_document``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio_tui import roster as roster_io
from portfolio_tui import sharing
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.audit_chain import Break
from portfolio_tui.jsonfile import JsonFileError, loads_strict
from portfolio_tui.store.files import portfolio_files

UNREADABLE = "unreadable"
ROSTER = "roster"


@dataclass(frozen=True)
class FileReport:
    path: Path
    breaks: list[Break] = field(default_factory=list)
    entries: int = 0
    """How many audit entries (or roster changes) the chain holds."""
    head: str = audit_chain.GENESIS
    """The last entry's hash: written down elsewhere, it shows a later file was not cut short."""
    notes: list[str] = field(default_factory=list)
    """Things worth a look that are not breaks (who last replaced the file)."""

    @property
    def ok(self) -> bool:
        return not self.breaks

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "ok": self.ok,
            "entries": self.entries,
            "head": self.head,
            "breaks": [{"where": b.where, "kind": b.kind, "message": b.message} for b in self.breaks],
            "notes": self.notes,
        }


def targets(paths: Iterable[Path]) -> list[Path]:
    """The files ``portfolio verify`` checks for its arguments; ``ValueError`` names a path that is not there."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            files = portfolio_files(path)
            if roster_io.roster_path(path).exists():
                files.append(roster_io.roster_path(path))
            if not files:
                raise ValueError(f"{path}: no portfolio files in this folder")
            found += files
        elif path.is_file():
            found.append(path)
        else:
            raise ValueError(f"{path}: no such file or folder")
    return found


def verify_file(path: Path) -> FileReport:
    """Check one file: a roster (by name) or a portfolio."""
    if path.name == roster_io.ROSTER_FILE:
        return _verify_roster(path)
    try:
        document = loads_strict(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, JsonFileError) as exc:
        return FileReport(path, [Break(str(path.name), UNREADABLE, _why(exc))])
    if not isinstance(document, Mapping):
        return FileReport(path, [Break(str(path.name), UNREADABLE, "is not a portfolio (not a JSON object)")])
    breaks = audit_chain.verify_document(document)
    audit = audit_chain.ordered(document["audit"]) if isinstance(document.get("audit"), Mapping) else []
    entries = [e for _, e in audit if isinstance(e, Mapping)]
    return FileReport(path, breaks, len(audit), audit_chain.head(entries), _writer_note(path, entries))


def _verify_roster(path: Path) -> FileReport:
    try:
        checked = roster_io.read_roster(path.parent)
    except roster_io.RosterError as exc:
        return FileReport(path, [Break(path.name, ROSTER, str(exc).removeprefix(f"{path}: "))])
    changes = checked[1] if checked else []
    return FileReport(path, [], len(changes), audit_chain.head(changes))


def _writer_note(path: Path, entries: list[Mapping[str, Any]]) -> list[str]:
    """The app writes by rename, so the file's owner is whoever saved it last: say so when the audit disagrees.

    Not a break: copying or restoring a file (as root, from a backup, from git) changes its owner too.
    """
    if not entries:
        return []
    last_by = entries[-1].get("by")
    writer = sharing.owner_of(path)
    if writer == last_by:
        return []
    return [f"the file was last replaced by {writer}, but its last audit entry is by {last_by}"]


def _why(exc: OSError | UnicodeDecodeError | JsonFileError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "is not UTF-8 text"
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    return str(exc)
