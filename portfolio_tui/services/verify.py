"""``portfolio verify``: is each portfolio's record as the app wrote it?

Reads the portfolio files directly (strict JSON; the TinyDB layout in docs/ARCHITECTURE.md) rather
than through the store, so that it checks the bytes on disk, never a repaired or migrated copy,
and never writes. The hash checks are pure (``domain.audit_chain.verify_document``); who signed
each entry and whether they were allowed to is ``services.signature_check``, against the trust
anchors given (``--trust FILE``) or in force here; the person running it also has their receipts
checked (``store.receipts``), which shows entries of theirs cut off the end of a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio_tui import roster as roster_io
from portfolio_tui import sharing
from portfolio_tui.domain import attachments, audit_chain
from portfolio_tui.domain.audit_chain import Break
from portfolio_tui.domain.signatures import Anchors
from portfolio_tui.jsonfile import JsonFileError, loads_strict
from portfolio_tui.services import signature_check
from portfolio_tui.services.errors import ServiceError
from portfolio_tui.store import file_store, receipts
from portfolio_tui.store.files import portfolio_files
from portfolio_tui.store.reading import read_regular

UNREADABLE = "unreadable"
ROSTER = "roster"
MISSING_ROSTER = "roster-missing"
STORED_FILE = "stored-file"


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
            files = list(portfolio_files(path))
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


def check(paths: Iterable[Path], trust: Path | None = None) -> list[FileReport]:
    """``portfolio verify``: every file of ``paths`` checked, signatures against the allowed signers in
    ``trust`` (default: the ones in force here); :class:`ServiceError` for a path or trust file that is wrong."""
    from portfolio_tui.store.trust import TrustError, load_anchors

    paths = list(paths)
    try:
        files = targets(paths)
        anchors = load_anchors(trust)
    except (ValueError, TrustError) as exc:
        raise ServiceError(str(exc)) from None
    rosters = {p.parent for p in files if p.name == roster_io.ROSTER_FILE}
    reports = [verify_file(path, anchors, roster_reported=path.parent in rosters) for path in files]
    return reports + [report for folder in paths if folder.is_dir() for report in deleted_files(folder)]


def verify_file(path: Path, anchors: Anchors | None = None, *, roster_reported: bool = False) -> FileReport:
    """Check one file: a roster (by name) or a portfolio.

    ``anchors`` ``None`` means the ones in force here; a portfolio's roster problems are its own
    breaks unless ``roster_reported`` (the roster is checked as a file of the same run).
    """
    if path.name == roster_io.ROSTER_FILE:
        return _verify_roster(path, anchors)
    try:
        document = loads_strict(read_regular(path)[1].decode("utf-8"))
    except (OSError, UnicodeDecodeError, JsonFileError) as exc:
        return FileReport(path, [Break(str(path.name), UNREADABLE, _why(exc))])
    if not isinstance(document, Mapping):
        return FileReport(path, [Break(str(path.name), UNREADABLE, "is not a portfolio (not a JSON object)")])
    breaks = audit_chain.verify_document(document) + _stored_file_breaks(path, document)
    audit = audit_chain.ordered(document["audit"]) if isinstance(document.get("audit"), Mapping) else []
    entries = [e for _, e in audit if isinstance(e, Mapping)]
    history, roster_breaks, notes = _roster_history(path, anchors)
    if not roster_reported:
        breaks += roster_breaks
    signed_breaks, signed_notes = signature_check.check(document, path, anchors or Anchors(), history)
    breaks += signed_breaks + _receipt_breaks(path, document.get("audit"), notes)
    return FileReport(path, breaks, len(audit), audit_chain.head(entries),
                      _writer_note(path, entries) + notes + signed_notes)


def _stored_file_breaks(path: Path, document: Mapping[str, Any]) -> list[Break]:
    """Every file the evidence keeps in the portfolio's file store, checked against its sha256."""
    kept: list[tuple[str, str]] = []
    evidence = document.get("evidence")
    for record in evidence.values() if isinstance(evidence, Mapping) else ():
        files = record.get("files") if isinstance(record, Mapping) else None
        for entry in files if isinstance(files, list) else ():
            parsed = attachments.parse(entry) if isinstance(entry, str) else None
            if parsed is not None and parsed.stored:
                kept.append((parsed.digest, parsed.name))
    return [Break(f"file {p.name}", STORED_FILE, p.message) for p in file_store.check(path, kept)]


def _roster_history(
    path: Path, anchors: Anchors | None
) -> tuple[list[dict[str, Any]] | None, list[Break], list[str]]:
    """The roster history beside a portfolio (``None`` when there is none to ask), its breaks and notes."""
    folder = path.parent
    roster = roster_io.roster_path(folder)
    try:
        checked = roster_io.read_roster(folder, anchors or None)
    except roster_io.RosterError as exc:
        return None, [Break(roster.name, ROSTER, str(exc).removeprefix(f"{roster}: "))], []
    if checked is not None:
        return checked[1], [], []
    if anchors is None:
        anchors = Anchors()
        managed = roster_io.is_managed(folder)
    else:
        managed = bool(anchors) and sharing.folder_is_shared(folder)
    if managed:
        return None, [Break(roster.name, MISSING_ROSTER, "is missing from this managed cohort folder: it was "
                            "deleted, and every change here is refused until a tutor starts it again")], []
    return None, [], []


def _receipt_breaks(path: Path, audit: Any, notes: list[str]) -> list[Break]:
    """Entries the person running verify signed in this file (by their receipts) that are gone or changed."""
    if not isinstance(audit, Mapping):
        return []
    mine, elsewhere = receipts.mine(path, receipts.genesis_of(audit))
    if elsewhere:
        notes.append(f"you signed {elsewhere} entries in a file at this path whose history began differently: "
                     "it was replaced or made again")
    breaks = []
    for receipt in mine:
        entry = audit.get(str(receipt.audit))
        if isinstance(entry, Mapping) and entry.get(audit_chain.HASH_FIELD) == receipt.hash:
            continue
        state = "is gone" if entry is None else "is not what you signed"
        breaks.append(Break(f"audit {receipt.audit}", signature_check.MISSING,
                            f"you signed it at {receipt.at} (your receipt), and it {state}: removed outside the app"))
    return breaks


def deleted_files(folder: Path) -> list[FileReport]:
    """Portfolios in ``folder`` that the person running verify signed entries in, and that are gone."""
    return [
        FileReport(folder / name, [Break(name, signature_check.MISSING,
                                         f"is gone, but you signed {count} entries in it (your receipts): deleted")])
        for name, count in sorted(receipts.gone_from(folder).items())
    ]


def _verify_roster(path: Path, anchors: Anchors | None = None) -> FileReport:
    try:
        checked = roster_io.read_roster(path.parent, anchors or None)
    except roster_io.RosterError as exc:
        return FileReport(path, [Break(path.name, ROSTER, str(exc).removeprefix(f"{path}: "))])
    changes = checked[1] if checked else []
    notes = [] if anchors or roster_io.is_managed(path.parent) else [
        "not anchored: no allowed-signers file says whose keys signed the roster's changes"]
    return FileReport(path, [], len(changes), audit_chain.head(changes), notes)


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
