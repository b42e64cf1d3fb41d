"""Which audit entry last fingerprinted each record, so that a change is never signed over a hand edit.

Every audit entry about a record holds ``record_hash``, the digest of the record as the change left
it (``domain.audit_chain``). A record whose digest is no longer that hash was changed outside the
app, and a change the app made on top of it, signed and fingerprinting the whole record, would
vouch for the hand edit ("No silent re-sealing", docs/shared-server.md). So before the store
changes or removes a record it compares the record as found with its newest entry's hash
(:func:`problem`), and refuses on a difference.

:class:`LatestEntries` finds that entry. It is kept once per reading of the file (``Snapshot``)
and looks newest first: most records changed are ones changed lately. A lazy audit (kept as its
lines) is not parsed for it: a line that does not hold the record's table and id as the store writes
them cannot name it, and only a line that does is parsed and compared field by field, so a look-up
in a 5,000-entry history costs about a millisecond at worst. A change of many records at once reads
the whole history once instead (:data:`SCANS`). Entries the process appends are taken in as they are
sealed, so the index stays right across a long-running program's saves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from portfolio_tui.domain import audit_chain
from portfolio_tui.store.reading import parse_fragments

Key = tuple[str, str]
"""(table, record id as text)."""


SCANS = 4
"""Look-ups after which the whole history is parsed into the index once, rather than searched again."""


class LatestEntries:
    """(table, record id) -> (audit id, entry) of the newest audit entry that fingerprints that record.

    ``snapshot`` is a :class:`~portfolio_tui.store.reading.Snapshot`; its audit entries present now
    are searched newest first, on demand; :meth:`noted` takes in each entry appended afterwards.
    """

    def __init__(self, snapshot: Any):
        self._snap = snapshot
        self._found: dict[Key, tuple[str, Mapping[str, Any]]] = {}
        self._ids: list[str] | None = None
        """The ids of the entries present when first asked, newest first."""
        self._whole = False
        self._scans = 0
        self._sealed: bool | None = None

    def latest(self, table: str, record_id: str) -> tuple[str, Mapping[str, Any]] | None:
        """The newest entry fingerprinting the record, or ``None`` when no entry does."""
        key = (table, record_id)
        found = self._found.get(key)
        if found is not None or self._whole:
            return found
        self._scans += 1
        if self._scans > SCANS:
            self._read_whole()
            return self._found.get(key)
        snap = self._snap
        lines = snap.fragments.get("audit", {}) if "audit" in snap.lazy else {}
        named = b'"table":' + orjson.dumps(table)
        record = b'"record":' + record_id.encode()
        for audit_id in self._newest_first():
            line = lines.get(audit_id)
            if line is not None and not (_holds(line, record) and named in line):
                continue  # the store writes both as these bytes: this entry does not name the record
            entry = snap.record("audit", audit_id)
            if _names(entry) == key:
                self._found[key] = (audit_id, entry)
                return self._found[key]
        return None

    @property
    def sealed(self) -> bool:
        """Does any entry fingerprint a record? (If none does, the file predates fingerprints.)"""
        if self._sealed is None:
            self._sealed = bool(self._found) or any(
                _names(self._snap.record("audit", audit_id)) is not None for audit_id in self._newest_first())
        return self._sealed

    def noted(self, audit_id: str, entry: Mapping[str, Any]) -> None:
        """Take in an entry just appended (newer than every other)."""
        named = _names(entry)
        if named is not None:
            self._sealed = True
            self._found[named] = (audit_id, entry)

    def _newest_first(self) -> list[str]:
        if self._ids is None:
            snap = self._snap
            ids = set(snap.tables.get("audit", {}))
            if "audit" in snap.lazy:
                ids.update(snap.fragments["audit"])
            self._ids = sorted(ids, key=_id_order, reverse=True)
        return self._ids

    def _read_whole(self) -> None:
        snap = self._snap
        ids = self._newest_first()
        if "audit" in snap.lazy:
            lines = snap.fragments["audit"]
            parsed = parse_fragments([lines[i] for i in ids if i in lines])
            entries = {**parsed, **snap.tables.get("audit", {})}
        else:
            entries = snap.tables.get("audit", {})
        for audit_id in ids:
            entry = entries.get(audit_id)
            named = _names(entry)
            if named is not None and isinstance(entry, Mapping):
                self._found.setdefault(named, (audit_id, entry))
        self._whole = True


def _holds(line: bytes, field: bytes) -> bool:
    """Does ``line`` hold ``field`` (``"record":12``) as a whole value, followed by ``,`` or ``}``?"""
    at = line.find(field)
    while at >= 0:
        end = at + len(field)
        if line[end:end + 1] in (b",", b"}"):
            return True
        at = line.find(field, end)
    return False


def _id_order(audit_id: str) -> tuple[int, int, str]:
    return (1, int(audit_id), "") if audit_id.isdigit() else (0, 0, audit_id)


def _names(entry: Any) -> Key | None:
    """The record an entry fingerprints (as ``verify`` reads it), or ``None``."""
    if not isinstance(entry, Mapping) or "record_hash" not in entry:
        return None
    table, record = entry.get("table"), entry.get("record")
    if table is None or record is None:
        return None
    return str(table), str(record)


def problem(index: LatestEntries, table: str, record_id: str, found: Mapping[str, Any]) -> str | None:
    """Why the record ``found`` must not be changed by the app (``None``: it is as its newest entry left it).

    Tables the audit does not fingerprint (``meta``, ``audit``) and files from before fingerprints
    have nothing to compare.
    """
    if table in audit_chain.UNCHAINED_TABLES:
        return None
    latest = index.latest(table, record_id)
    where = f"{table} {record_id}"
    if latest is None:
        return f"{where}: has no audit entry: added outside the app" if index.sealed else None
    audit_id, entry = latest
    expected = entry.get("record_hash")
    if expected is None:
        return f"{where}: deleted by audit {audit_id} but is there: put back outside the app"
    if audit_chain.record_digest(found) != expected:
        return f"{where}: changed outside the app since audit {audit_id}"
    return None
