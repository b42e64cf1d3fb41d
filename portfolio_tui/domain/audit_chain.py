"""A hash chain that makes changes to a portfolio file outside the app evident.

On a shared server any member of the cohort's group can replace a portfolio file: the OS cannot
stop it (see docs/shared-server.md). What the app can do is make such a change visible. Every audit
entry and every gateway sign-off carries the hash of the entry before it, and every audit entry
that records a change carries a digest of the record's new state. ``portfolio verify`` recomputes
both.

**Hashes.** ``canonical(value)`` is the UTF-8 JSON of ``value`` with sorted keys, no whitespace
and ``ensure_ascii=False``. ``digest(value)`` is the hex SHA-256 of that. An entry's ``hash`` is the
digest of the entry without its ``hash`` field (its ``prev`` included). The first entry of a chain
has ``prev`` = :data:`GENESIS`.

**A sealed audit entry** (table ``audit``, one document per change, in document-id order):

=============== ==============================================================================
``at``          when, ISO-8601 UTC with seconds (``2026-03-01T10:15:00Z``)
``by``          the OS account (from the process's uid)
``action``      what happened: ``create``, ``add``, ``edit``, ``delete``, ``migrate``, ...
``table``       the table of the record changed (``evidence``, ``signoffs``, ``learner``, ...)
``record``      the record's document id (the store writes an integer; verify compares it as text),
                or ``null`` for an entry about no single record
``detail``      what the action says about itself (text); the store may add ``changes``
                (field -> from/to); any further field is hashed like the rest
``record_hash`` ``record_digest(record)``: the digest of the record's whole document as stored
                after the change (bookkeeping fields included), or ``null`` when it was deleted
``prev``        the previous audit entry's ``hash`` (:data:`GENESIS` for the first)
``hash``        ``digest(entry without "hash")``
=============== ==============================================================================

An entry with ``record`` null, or with no ``record_hash``, is chained but checks no record.

**A sealed sign-off** (table ``signoffs``) is the whole stored record (the
:class:`~portfolio_tui.domain.progress.SignOff` fields and the store's bookkeeping) plus ``prev``
(the previous sign-off's ``hash``, in document-id order) and ``hash``, sealed after the bookkeeping
is filled in. A sign-off is never edited after that. Writing one also appends an audit entry for
it, as for any record.

**What verify finds.** An entry whose ``hash`` does not match its content was changed; an entry
whose ``prev`` does not match the entry before was moved, or an entry before it was removed or
inserted. A record (in any table but ``meta`` and ``audit``) whose digest differs from the
``record_hash`` of the latest audit entry naming it was changed outside the app; one that no audit
entry names was added outside the app; one that the audit says exists but is gone was removed.

**What it cannot find.** The hashes are not keyed: someone who recomputes every hash after an
edit, or who cuts the newest entries together with the records they describe, leaves a chain that
checks. ``head()`` (the last hash and the count, which ``portfolio verify`` prints) written down
elsewhere, at gateway for instance, shows that too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from portfolio_tui.domain.frozen import frozen

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

GENESIS = "0" * 64

CLOCK_SKEW = timedelta(minutes=5)
"""How far apart the clocks of two accounts writing one file may be. An entry may be dated up to this
much before the entry it follows, or after the present, and still be believed. On one shared server
every account reads the same clock, and machines that sync theirs (NTP) differ by seconds; five
minutes also covers a laptop's drift between syncs. Beyond it, an entry dated before the one it follows
was back-dated: a person taken off the roster choosing a moment when they were still on it."""


def dating_problem(at: object, before: object, now: datetime) -> str | None:
    """Why an audit entry dated ``at``, chained after one dated ``before``, cannot be believed (``None``: it can)."""
    when = _moment(at)
    if when is None:
        return f"is dated {at!r}, which is not a moment in UTC: its date was written outside the app"
    if when > now + CLOCK_SKEW:
        return f"is dated {at}, in the future: its date was written outside the app"
    previous = _moment(before)
    if previous is not None and when < previous - CLOCK_SKEW:
        return f"is dated {at}, before the entry it follows ({before}): back-dated"
    return None


def _moment(text: object) -> datetime | None:
    try:
        when = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return when if when is not None and when.utcoffset() is not None else None

HASH_FIELD = "hash"
PREV_FIELD = "prev"
SIG_FIELD = "sig"
"""An entry's signature (``domain.signatures``): here, beside the chain's fields, so that a reader asking only
whether an entry is signed (``store.untaken``) imports none of the signing."""
UNCHAINED_TABLES = frozenset({"meta", "audit"})
"""Tables whose records are not checked against the audit: the schema stamp changes on migration,
and the audit is checked by its own chain."""

CHANGED = "changed"
LINK = "link"
UNSEALED = "unsealed"
RECORD_CHANGED = "record-changed"
RECORD_ADDED = "record-added"
RECORD_REMOVED = "record-removed"
NOT_A_TABLE = "not-a-table"


@frozen
class Break:
    """One problem ``verify`` found, naming the entry or record (``audit 7``, ``evidence 12``)."""

    where: str
    kind: str
    message: str


def canonical(value: Any) -> bytes:
    """The bytes a record's hash is taken of. The app never writes a lone surrogate; one put in by hand is
    hashed as it stands (``surrogatepass``), so the hash no longer matches and verify reports the record
    as changed, where encoding it would have crashed."""
    return _canonical_text(value).encode("utf-8", "surrogatepass")


_canonical_text = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
"""``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, the encoder made once (``dumps``
makes one a call: a one-file gateway run hashes every judged record so)."""


def digest(value: Any) -> str:
    return _sha256(canonical(value)).hexdigest()


def _sha256(data: bytes) -> Any:
    """hashlib's SHA-256 of ``data``, hashlib imported when first asked (it loads OpenSSL: a few milliseconds a
    gateway run over one file, which never asks, would spend for nothing); then the name is hashlib's own."""
    global _sha256
    import hashlib

    _sha256 = hashlib.sha256  # type: ignore[assignment]
    return _sha256(data)


def entry_hash(entry: Mapping[str, Any]) -> str:
    return digest({k: v for k, v in entry.items() if k != HASH_FIELD})


def record_digest(record: Mapping[str, Any] | None) -> str | None:
    """The ``record_hash`` an audit entry stores for a record's new state (``None`` once deleted)."""
    return None if record is None else digest(dict(record))


TAKEN_IN = "taken_in"
"""The field of a ``repair`` entry holding :func:`history_digest` of every entry before it: the history the
tutor took in as found. Checked again by verify, so a change to that history after the repair shows."""


TAKING_IN = frozenset({"repair", "import"})
"""The actions whose signed entry, holding :data:`TAKEN_IN`, takes in the history before it as a start: a tutor's
``repair`` (checked by hand), a tutor's ``import`` (checked as it came in: its signatures, and who made each change
under the roster it was made under, if any). What came before was not made under this folder's roster, or was put
right, so it is not judged by it again (review D12: an honest import was BROKEN in its new cohort)."""


def takes_in(entry: Mapping[str, Any]) -> bool:
    """Is ``entry`` one that takes in the history before it (an action of :data:`TAKING_IN`, with its digest)?"""
    return entry.get("action") in TAKING_IN and TAKEN_IN in entry


def history_digest(entries: Sequence[Any]) -> str:
    """The digest of a run of audit entries, whole (every field), in order: what a repair vouches for."""
    return digest(list(entries))


def seal(entry: Mapping[str, Any], prev_hash: str) -> dict[str, Any]:
    """A copy of ``entry`` chained after ``prev_hash``: with ``prev`` set and its own ``hash``.

    ``entry`` must already hold everything that is to be stored (``record_hash`` included): any
    field added after sealing breaks the hash.
    """
    sealed = {k: v for k, v in entry.items() if k != HASH_FIELD}
    sealed[PREV_FIELD] = prev_hash
    sealed[HASH_FIELD] = entry_hash(sealed)
    return sealed


def head(entries: Sequence[Mapping[str, Any]]) -> str:
    """The hash the next entry chains to: the last entry's ``hash``, or :data:`GENESIS`."""
    if not entries:
        return GENESIS
    return str(entries[-1].get(HASH_FIELD, GENESIS))


def table_head(table: Mapping[str, Mapping[str, Any]]) -> str:
    """The hash a new entry of a TinyDB table (``{"<id>": entry}``) chains to: that of the highest id."""
    if not table:
        return GENESIS
    try:  # the common case, every id a plain number, in C: a long history is read on every fresh open
        last = str(max(map(int, table)))
    except ValueError:
        last = ""
    if last not in table:
        last = max(table, key=lambda key: (key.isdigit(), int(key) if key.isdigit() else 0, key))
    return str(table[last].get(HASH_FIELD, GENESIS))


def id_order(doc_id: str) -> tuple[int, int, str]:
    """The sort key of a TinyDB document id: numeric ids by number, anything else after them."""
    return (0, int(doc_id), "") if doc_id.isdigit() else (1, 0, doc_id)


def ordered(table: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A TinyDB table's documents in document-id order (ids are numeric strings)."""
    return sorted(table.items(), key=lambda item: id_order(item[0]))


def verify_chain(entries: Sequence[Any], ids: Sequence[str] | None = None, label: str = "audit") -> list[Break]:
    """Every place where ``entries`` (in order) is not an unbroken chain from :data:`GENESIS`."""
    breaks: list[Break] = []
    expected: str | None = GENESIS
    for index, entry in enumerate(entries):
        where = f"{label} {ids[index] if ids is not None else index + 1}"
        if not isinstance(entry, Mapping) or HASH_FIELD not in entry or PREV_FIELD not in entry:
            breaks.append(Break(where, UNSEALED, "has no hash: it was not written by the app, or its hash was removed"))
            expected = None
            continue
        if expected is not None and entry[PREV_FIELD] != expected:
            breaks.append(
                Break(where, LINK, "does not follow the entry before it: an entry was removed, inserted or moved here")
            )
        if entry_hash(entry) != entry[HASH_FIELD]:
            breaks.append(Break(where, CHANGED, "does not match its own hash: it was changed after it was written"))
        expected = entry[HASH_FIELD]
    return breaks


def verify_records(
    audit: Sequence[tuple[str, Any]], tables: Mapping[str, Any], skip: frozenset[str] = UNCHAINED_TABLES
) -> list[Break]:
    """Each record whose current state is not the one the latest audit entry naming it recorded.

    ``audit`` is the audit table's ``(id, entry)`` pairs in order; ``tables`` the whole document.
    """
    latest: dict[tuple[str, str], tuple[str, Mapping[str, Any]]] = {}
    for audit_id, entry in audit:
        names_record = isinstance(entry, Mapping) and entry.get("table") is not None and entry.get("record") is not None
        if names_record and "record_hash" in entry:
            latest[(str(entry["table"]), str(entry["record"]))] = (audit_id, entry)
    breaks: list[Break] = []
    present: set[tuple[str, str]] = set()
    for table, documents in tables.items():
        if table in skip:
            continue
        if not isinstance(documents, Mapping):
            breaks.append(Break(table, NOT_A_TABLE, "is not a table of records"))
            continue
        for doc_id, document in ordered(documents):
            key = (table, doc_id)
            present.add(key)
            where = f"{table} {doc_id}"
            if key not in latest:
                breaks.append(Break(where, RECORD_ADDED, "has no audit entry: it was added outside the app"))
                continue
            audit_id, entry = latest[key]
            expected = entry["record_hash"]
            if expected is None:
                message = f"was deleted by audit {audit_id} but is there: put back outside the app"
                breaks.append(Break(where, RECORD_ADDED, message))
            elif not isinstance(document, Mapping) or record_digest(document) != expected:
                message = f"is not as audit {audit_id} left it ({_who(entry)}): changed outside the app"
                breaks.append(Break(where, RECORD_CHANGED, message))
    for (table, doc_id), (audit_id, entry) in latest.items():
        if entry["record_hash"] is not None and (table, doc_id) not in present and table not in skip:
            message = f"is gone, but audit {audit_id} ({_who(entry)}) wrote it: removed outside the app"
            breaks.append(Break(f"{table} {doc_id}", RECORD_REMOVED, message))
    return breaks


def undone(state: Mapping[str, Any], changes: Mapping[str, Any], before: Mapping[str, Any],
           expected: object) -> dict[str, Any] | None:
    """The record as it stood before an edit (``state`` less ``changes``, the revision before, who and when from the
    entry ``before`` it), if that is what the entry before recorded (``expected``, its ``record_hash``), else ``None``:
    the edit changed more than it lists. A field whose ``from`` is null may instead have been absent (an older
    record)."""
    undone = dict(state)
    absent = []
    for name, change in changes.items():
        if not isinstance(change, Mapping) or "from" not in change:
            return None
        undone[name] = change["from"]
        if change["from"] is None:
            absent.append(name)
    rev = undone.get("rev")
    if isinstance(rev, int):
        undone["rev"] = rev - 1
    undone["updated_by"], undone["updated_at"] = before.get("by"), before.get("at")
    if record_digest(undone) == expected:
        return undone
    if absent:
        for name in absent:
            del undone[name]
        if record_digest(undone) == expected:
            return undone
    return None


def verify_document(document: Mapping[str, Any]) -> list[Break]:
    """Check a whole portfolio document: the audit chain, the sign-off chain and every record."""
    breaks: list[Break] = []
    audit = document.get("audit")
    if not isinstance(audit, Mapping):
        return [Break("audit", UNSEALED, "the file has no audit table: it was not written by this app")]
    audit_items = ordered(audit)
    if audit_items and not any(isinstance(e, Mapping) and HASH_FIELD in e for _, e in audit_items):
        return [Break("audit", UNSEALED, "no entry is sealed: the file was written before its record was made "
                      "tamper-evident, or every hash was stripped")]
    breaks += verify_chain([e for _, e in audit_items], [i for i, _ in audit_items], "audit")
    signoffs = document.get("signoffs", {})
    if isinstance(signoffs, Mapping):
        signoff_items = ordered(signoffs)
        breaks += verify_chain([e for _, e in signoff_items], [i for i, _ in signoff_items], "signoffs")
    breaks += verify_records(audit_items, document)
    return breaks


def _who(entry: Mapping[str, Any]) -> str:
    return f"{entry.get('by', '?')} at {entry.get('at', '?')}"
