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
from portfolio_tui.domain.signatures import Anchors, is_signed
from portfolio_tui.jsonfile import JsonFileError, loads_strict
from portfolio_tui.services import signature_check
from portfolio_tui.services.errors import InputError, ServiceError
from portfolio_tui.store import file_store, receipts
from portfolio_tui.store.files import portfolio_files
from portfolio_tui.store.reading import read_regular
from portfolio_tui.store.size_limit import TooLarge

UNREADABLE = "unreadable"
ROSTER = "roster"
MISSING_ROSTER = "roster-missing"
STORED_FILE = "stored-file"
REPLACED = "replaced"
NEWER = "newer-version"


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
    reports = [verify_file(path, anchors, roster_reported=path.parent in rosters, trust_given=trust is not None)
               for path in files]
    return reports + [report for folder in paths if folder.is_dir() for report in deleted_files(folder)]


def verify_file(path: Path, anchors: Anchors | None = None, *, roster_reported: bool = False,
                trust_given: bool = False) -> FileReport:
    """Check one file: a roster (by name) or a portfolio.

    ``anchors`` ``None`` means the ones in force here; a portfolio's roster problems are its own
    breaks unless ``roster_reported`` (the roster is checked as a file of the same run).
    ``trust_given`` (``verify --trust``: a copy checked elsewhere): a portfolio with no roster to say who
    was allowed to make each change is a break, not a note (review F20); an unpacked export brings one.
    """
    if path.name == roster_io.ROSTER_FILE:
        return _verify_roster(path, anchors)
    try:
        document = loads_strict(read_regular(path)[1].decode("utf-8"))
    except (OSError, UnicodeDecodeError, JsonFileError) as exc:
        return FileReport(path, [Break(str(path.name), UNREADABLE, _why(exc))])
    except TooLarge as exc:
        return FileReport(path, [Break(str(path.name), UNREADABLE, f"{exc.problem}; not read")])
    if not isinstance(document, Mapping):
        return FileReport(path, [Break(str(path.name), UNREADABLE, "is not a portfolio (not a JSON object)")])
    newer = _newer_version(document)
    if newer is not None:
        audit = document.get("audit")
        entries = [e for _, e in audit_chain.ordered(audit) if isinstance(e, Mapping)] if isinstance(
            audit, Mapping) else []
        return FileReport(path, [newer], len(entries), audit_chain.head(entries), _writer_note(path, entries))
    breaks = audit_chain.verify_document(document) + _stored_file_breaks(path, document)
    audit = audit_chain.ordered(document["audit"]) if isinstance(document.get("audit"), Mapping) else []
    entries = [e for _, e in audit if isinstance(e, Mapping)]
    history, roster_breaks, notes = _roster_history(path, anchors)
    if anchors is None:
        anchors = _anchors_in_force()
    if not roster_reported:
        breaks += roster_breaks
    if history is None and not roster_breaks:
        history, copy_breaks = _exported_roster(path, anchors)
        breaks += copy_breaks
        if history:  # authentic, but perhaps not the latest: only the provider can say (review R20)
            last = history[-1]
            notes.append(f"who was allowed was checked against the roster copy this export carries, as it stood "
                         f"after its last change ({last.get('by')} at {last.get('at')}, head "
                         f"{str(last.get(audit_chain.HASH_FIELD))[:16]}): an older copy would pass too, so ask the "
                         "provider whether that is still their roster's last change")
        if history is None and trust_given and not copy_breaks:
            breaks.append(Break(path.name, MISSING_ROSTER, "has no roster with it, so who was allowed to make each "
                                "change cannot be checked (beyond what only a tutor may do): a portfolio exported "
                                "from a cohort folder (`portfolio export`) carries its roster"))
    made = _recorded_start(path, document.get("audit"), history)
    breaks += _made_breaks(path, made)
    signed = signature_check.check_signatures(document, path, anchors, history)
    breaks += signed.breaks + _receipt_breaks(path, document.get("audit"), notes,
                                              _made_by(document.get("audit"), signed, made), signed.taken_at)
    return FileReport(path, _not_repaired(breaks, signed), len(audit), audit_chain.head(entries),
                      _writer_note(path, entries) + notes + signed.notes)


_CHAIN_KINDS = frozenset({audit_chain.LINK, audit_chain.CHANGED, audit_chain.UNSEALED})


def _not_repaired(breaks: list[Break], signed: signature_check.Checked) -> list[Break]:
    """The breaks a tutor's repair has not taken in: what it found in the history before it is shown
    in its note, and a record it sealed as found keeps no chain problem from before (review F4)."""
    return [b for b in breaks if b.where not in signed.taken_in
            and not (b.kind in _CHAIN_KINDS and b.where in signed.sealed)]


def repair_findings(path: Path, document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What verify reports about who signed ``document`` (the portfolio at ``path``, as the store read it under
    its lock) and whether they were allowed, as ``(where, message)``: what a tutor's repair takes in (review F4).
    The hash chain and the records the store checks itself."""
    anchors = _anchors_in_force()
    audit = document.get("audit")
    if not isinstance(audit, Mapping) or not any(is_signed(e) for e in audit.values() if isinstance(e, Mapping)):
        return []  # from before signing (upgraded as it is read): the repair takes its history in whole
    history, _, _ = _roster_history(path, anchors)
    signed = signature_check.check_signatures(document, path, anchors, history)
    made_by = _made_by(audit, signed, _recorded_start(path, audit, history))
    breaks = _not_repaired(signed.breaks + _receipt_breaks(path, audit, [], made_by), signed)
    return [(b.where, b.message) for b in breaks]


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


@dataclass(frozen=True)
class _Start:
    """The roster's latest record of a portfolio by this name being made or imported, and whether the file begins
    as it records (with the first audit entry whose hash it names)."""

    by: str
    at: str
    kept: bool


def _recorded_start(path: Path, audit: Any, history: list[dict[str, Any]] | None) -> _Start | None:
    """How the roster says the portfolio at ``path`` began (``None``: it records nothing)."""
    made = roster_io.recorded_genesis(history, path.name) if history is not None else None
    if made is None or not isinstance(audit, Mapping):
        return None
    return _Start(str(made.get("by")), str(made.get("at")), receipts.genesis_of(audit) == made.get("genesis"))


def _made_breaks(path: Path, made: _Start | None) -> list[Break]:
    """The file must begin as the roster recorded when a tutor made (or imported) the portfolio by this name."""
    if made is None or made.kept:
        return []
    return [Break(path.name, REPLACED, f"does not begin as the portfolio {made.by} made at {made.at} "
                  "(the roster records its first entry): another file was put in its place")]


def _made_by(audit: Any, signed: signature_check.Checked, made: _Start | None = None) -> str | None:
    """Who made the file, when its first entry is a signed ``create`` that passed every check, or it was imported
    (its newest ``import`` entry passed every check: an import of an older format begins unsigned), or it begins as
    the roster records a tutor made or imported it."""
    if made is not None and made.kept:
        return f"{made.by} at {made.at}"
    items = audit_chain.ordered(audit) if isinstance(audit, Mapping) else []
    failed = {b.where for b in signed.breaks}
    starts = [(n, e) for n, e in items[:1] if isinstance(e, Mapping) and e.get("action") == signature_check.CREATE]
    starts += [(n, e) for n, e in items if isinstance(e, Mapping) and e.get("action") == signature_check.IMPORT]
    trusted = [e for n, e in starts if is_signed(e) and f"audit {n}" not in failed]
    return f"{trusted[-1].get('by')} at {trusted[-1].get('at')}" if trusted else None


def _anchors_in_force() -> Anchors:
    from portfolio_tui.store.trust import TrustError, load_anchors

    try:
        return load_anchors()
    except TrustError as exc:
        raise ServiceError(str(exc)) from None


def _exported_roster(path: Path, anchors: Anchors | None) -> tuple[list[dict[str, Any]] | None, list[Break]]:
    """The roster history an unpacked export holds beside the portfolio (``portable.ROSTER_MEMBER``), checked
    as a roster is with ``anchors`` (all but the file's owner: a copy is owned by whoever unpacked it)."""
    from portfolio_tui.services import portable

    try:
        found = portable.exported_roster(path)
    except InputError as exc:
        return None, [Break(portable.ROSTER_MEMBER, ROSTER, exc.message)]
    if found is None:
        return None, []
    copy, raw = found
    try:
        return roster_io.check_copy(copy, raw.decode("utf-8"), anchors or Anchors()), []
    except (UnicodeDecodeError, roster_io.RosterError) as exc:
        return None, [Break(copy.name, ROSTER, str(exc).removeprefix(f"{copy}: "))]


def _receipt_breaks(path: Path, audit: Any, notes: list[str], made_by: str | None = None, taken_at: str = ""
                    ) -> list[Break]:
    """Entries the person running verify signed in this file (by their receipts) that are gone or changed;
    ``made_by``: who made the file as it is, when its making checks; ``taken_at``: when a tutor's repair took the
    file in as found, so that what was cut off before then is history (a note), not a break (review R21)."""
    if not isinstance(audit, Mapping):
        return []
    mine, elsewhere = receipts.mine(path, receipts.genesis_of(audit))
    breaks = []
    if elsewhere and made_by:  # the app made it again here (a signed, allowed start)
        notes.append(f"you signed {elsewhere} entries in a file at this path whose history began differently: "
                     f"this one was made again, by {made_by}")
    elif elsewhere:  # a history swapped in by hand shows as such (review F13): a note went unread
        breaks.append(Break(path.name, REPLACED, f"you signed {elsewhere} entries in a file at this path whose "
                            "history began differently (your receipts), and this one's first entry is no signed "
                            "start the app made: it was replaced outside the app"))
    taken: list[str] = []
    for receipt in mine:
        entry = audit.get(str(receipt.audit))
        if isinstance(entry, Mapping) and entry.get(audit_chain.HASH_FIELD) == receipt.hash:
            continue
        if receipt.at < taken_at:  # (times in one format compare as text)
            taken.append(str(receipt.audit))
            continue
        state = "is gone" if entry is None else "is not what you signed"
        breaks.append(Break(f"audit {receipt.audit}", signature_check.MISSING,
                            f"you signed it at {receipt.at} (your receipt), and it {state}: removed outside the app"))
    if taken:
        notes.append(f"audit {', '.join(taken)}: you signed them (your receipts), and they were gone when the file "
                     f"was repaired at {taken_at}: taken in with the rest")
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


def _newer_version(document: Mapping[str, Any]) -> Break | None:
    """A file whose schema version is newer than this app reads cannot be checked here, and every command refuses
    it: never ``ok`` (review R7-11: one hand edit of the number to 99 locked everyone out, and verify said ok)."""
    from portfolio_tui.store.migrations import CURRENT_VERSION

    meta = document.get("meta")
    record = meta.get("1") if isinstance(meta, Mapping) else None
    version = record.get("schema_version") if isinstance(record, Mapping) else None
    if type(version) is not int or version <= CURRENT_VERSION:
        return None
    return Break("meta 1", NEWER, f"says schema version {version}, newer than this portfolio-tui reads (up to "
                 f"{CURRENT_VERSION}), so it is not checked and every command refuses it: if no newer portfolio-tui "
                 "wrote it, the number was set forward outside the app")


def _why(exc: OSError | UnicodeDecodeError | JsonFileError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "is not UTF-8 text"
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    return str(exc)
