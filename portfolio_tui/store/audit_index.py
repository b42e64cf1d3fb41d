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
in a 5,000-entry history costs a few milliseconds at worst (the record's only entry is its first), and
none once found. A change of many records at once reads the whole history once instead (:data:`SCANS`).
Entries the process appends are taken in as they are sealed, so the index stays right across a
long-running program's saves.

Readers check the same thing of every record (:class:`Fingerprints`, review F6) whenever they read a
file afresh, so that what someone typed in by hand is shown as such rather than believed; and follow
the evidence's entries for accepted work changed without being reopened (:class:`Reopenings`), which
``verify`` also checks over the signed entries alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from itertools import repeat

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.audit_chain import SIG_FIELD
from portfolio_tui.domain.evidence import ACCEPT, JUDGED_FIELDS
from portfolio_tui.store import own_files, roles_at, signed_words
from portfolio_tui.store.confirmation_makers import CONFIRMED_FIELDS, Makers
from portfolio_tui.store.reading import parse_fragments
from portfolio_tui.store.roles_at import UNLISTING, RoleCheck, RolesAt

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

JUDGED_FIELDS_SET = frozenset(JUDGED_FIELDS)
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
        import orjson

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


def named_before(snapshot: Any, table: str, record_id: str, before: int) -> tuple[str, Mapping[str, Any]] | None:
    """The newest audit entry older than audit ``before`` that names the record (fingerprinted or not), or ``None``:
    whether the record existed when an entry claiming to add it was written (``services.signature_check``). Asked
    only of an ``add`` the store is about to build on (others' entries since this account's own), searched as
    :meth:`LatestEntries.latest` searches, a line's bytes first."""
    import orjson

    lines = snapshot.fragments.get("audit", {}) if "audit" in snapshot.lazy else {}
    named = b'"table":' + orjson.dumps(table)
    record = b'"record":' + record_id.encode()
    ids = set(snapshot.tables.get("audit", {})) | set(lines)
    for audit_id in sorted((i for i in ids if i.isdigit() and int(i) < before), key=int, reverse=True):
        line = lines.get(audit_id)
        if line is not None and not (_holds(line, record) and named in line):
            continue
        entry = snapshot.record("audit", audit_id)
        if isinstance(entry, Mapping) and (str(entry.get("table")), str(entry.get("record"))) == (table, record_id):
            return audit_id, entry
    return None


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


def fingerprint(record: Any) -> str:
    """Nearly always ``audit_chain.record_digest(record)``, in a tenth of the time (see :func:`quick_print`)."""
    return quick_print(record)[0]


def quick_print(record: Any) -> tuple[str, bool]:
    """The record's digest the quick way, and whether a mismatch is sure to mean a change. orjson writes a record's
    canonical text (sorted keys, no spaces, UTF-8) as json does, except a small float (``0.00001`` and ``1e-7``,
    which json writes ``1e-05`` and ``1e-07``); what it cannot write at all (an integer beyond 64 bits, a lone
    surrogate) is hashed json's way. So a match is always sure, and a mismatch is unless the text may hold such a
    float (``0.0000``, or a digit before ``e-``): then the record is hashed json's way before it is called changed
    (:meth:`Fingerprints.changed`)."""
    import orjson

    try:
        text = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return audit_chain.digest(record), True
    return _sha256(text).hexdigest(), not (b"0.0000" in text or (b"e-" in text and _exponent(text)))


_sha256 = own_files.sha256
"""The SHA-256 of the quick prints: the interpreter's built-in one while one file is read (``hashlib`` loads
OpenSSL, a few milliseconds of a one-file gateway run's start-up), OpenSSL's, two and a half times as quick a
record, from the second file a process reads on (:class:`Fingerprints`)."""
_files_read = 0


_DIGITS = frozenset(b"0123456789")


def _exponent(text: bytes) -> bool:
    """Does ``text`` hold a number with a negative exponent (a digit, then ``e-``)? ``e-`` in words ("line-manager")
    is passed over."""
    at = text.find(b"e-")
    while at > 0:
        if text[at - 1] in _DIGITS:
            return True
        at = text.find(b"e-", at + 2)
    return False


class Reopenings:
    """Which pieces had what their tutor accepted changed afterwards without being reopened, read from the audit's
    entries (review F1): the app's edit of an accepted piece's judged fields (``domain.evidence.JUDGED_FIELDS``)
    appends a ``reopen`` mark in the same change, so an edit without one came from a client that skipped the
    rule. Followed entry by entry, in id order: a piece holds an acceptance while its judgements do
    (``domain.evidence.holds_acceptance``: of the whole piece, or of a criterion no later judgement of the whole
    piece took back, so a referral of one criterion leaves the others followed, review R7-20); a later change to a
    judged field leaves that acceptance standing only with a reopen mark or a new judgement in it.
    """

    __slots__ = ("events", "since")

    def __init__(self) -> None:
        self.events: dict[str, list[tuple[int, str, str]]] = {}
        """Evidence id -> (audit id, what happened, who accepted) in the order read."""
        self.since: dict[str, list[tuple[int, Any]]] = {}
        """Evidence id -> each acceptance (who, when, the piece's digest then) and each change after it of fields
        no tutor judged (its hours, the bin), as (audit id, entry): what :meth:`unstated` walks back."""

    def entry(self, order: int, entry: dict[str, Any]) -> None:
        changes = entry.get("changes")
        if entry.get("table") != "evidence" or type(changes) is not dict:
            return
        change = changes.get("judgements")
        after = change.get("to") if isinstance(change, dict) else None
        event = who = ""
        if type(after) is list:
            accepted = None  # (``domain.evidence.holds_acceptance``, in one pass: this runs for every judgement)
            for judgement in reversed(after):
                if type(judgement) is dict:
                    if judgement.get("outcome") == ACCEPT:
                        accepted = judgement.get("by", "")
                        break
                    if not judgement.get("criterion"):
                        break
            if accepted is not None:
                who = str(accepted)
                # an acceptance carried through a change of what it judged, with no reopen mark, is stale at once
                event = "stale" if not JUDGED_FIELDS_SET.isdisjoint(changes) else "accept"
            else:
                event = "judged"  # (nothing accepted any more: a reopen mark, a referral of the whole piece)
        elif not JUDGED_FIELDS_SET.isdisjoint(changes):
            event = "edit"
        evidence = str(entry.get("record"))
        if event:
            self.events.setdefault(evidence, []).append((order, event, who))
        if event == "accept":  # (the entry itself is not kept: a caseload's reading lets every batch go)
            self.since.setdefault(evidence, []).append((order, (entry.get("by"), entry.get("at"),
                                                                entry.get("record_hash"))))
        elif not event and evidence in self.since:
            self.since[evidence].append((order, entry))

    def unreopened(self) -> dict[str, str]:
        """Evidence id -> who accepted it, for each piece whose accepted fields changed since without a reopen."""
        found = {}
        for evidence, events in self.events.items():
            accepted = ""
            stale = False
            for _, event, who in sorted(events):
                if event == "accept":
                    accepted, stale = who, False
                elif event == "judged":
                    accepted, stale = "", False
                elif event == "stale":
                    accepted, stale = who, True
                elif accepted:
                    stale = True
            if stale:
                found[evidence] = accepted
        return found

    def unsure(self) -> list[str]:
        """Pieces that hold their acceptance and were changed since in fields no tutor judged only: whether each
        such change changed no more than it lists (an accepted piece's criteria widened in an edit that lists its
        hours, review R7-14's cousin) is :meth:`unstated`'s to say, from the piece as it stands."""
        found = []
        for evidence, events in self.events.items():
            last = max(events)
            if last[1] == "accept" and any(order > last[0] for order, _ in self.since.get(evidence, ())):
                found.append(evidence)
        return found

    def unstated(self, evidence: str, piece: Any) -> bool:
        """Did a change since the piece's acceptance change more than it lists? The piece as it stands (``piece``)
        is walked back to the acceptance, each change undone (``audit_chain.undone``), as ``verify`` does."""
        if not isinstance(piece, Mapping):
            return True
        accepted = max(order for order, event, _ in self.events[evidence] if event == "accept")
        chain = [(order, entry if isinstance(entry, Mapping) else dict(zip(("by", "at", "record_hash"), entry,
                                                                             strict=True)))
                 for order, entry in sorted(self.since.get(evidence, ()), key=lambda item: item[0])
                 if order >= accepted]
        state: dict[str, Any] = dict(piece)
        if audit_chain.record_digest(state) != chain[-1][1].get("record_hash"):
            return False  # (changed outside since its last entry: the record check names it)
        for (_, entry), (_, before) in zip(reversed(chain[1:]), reversed(chain[:-1]), strict=True):
            changes = entry.get("changes")
            found = audit_chain.undone(state, changes, before, before.get("record_hash")) if isinstance(
                changes, Mapping) else None
            if found is None:
                return True
            state = found
        return False


REPAIR = "repair"
UNLISTED = frozenset({"add", "create", "delete", "seal", "migrate", "import", REPAIR})
"""Actions the app writes about a record without listing its changes field by field (``changes``): any other entry
that lists none, or a second ``add`` of a record that exists, rewrote it as the app never does (review R7-13, R7-14:
an apprentice's own signed entry, replacing a piece the tutor accepted, needed no permission for what it did).
``verify`` names the entry (``services.signature_check``); readers do not believe the record until a repair."""


_NO_ENTRY = (0, None)
UNCHECKED = ""
"""A record :class:`Fingerprints` was told of but did not hash (it counts for nothing where it is asked)."""
UNCOUNTED = frozenset({"comments"})
_ADDING = frozenset({"add", "create"})
"""Tables readiness does not read at all."""


class Fingerprints:
    """A whole reading's check that every record is as its newest audit entry left it (review F6).

    A reader that does not parse a file with the store's care (a hand edit, a note of this account's
    that no longer matches) feeds it each record (:meth:`record`) and each audit entry (:meth:`entry`),
    in any order, a batch at a time, holding only a digest per record; :meth:`changed` then names the
    records changed, added or removed outside the app, as ``verify`` would (``evidence 2``). Readers show
    that instead of believing them: a judgement typed in by hand is not a tutor's.

    Hashing every record is most of what the check costs (a third more for the gateway's reading of a file):
    the gateway asks only of what it counts (``counted``: no comment, and no piece that holds no judgement,
    whose tags count for nothing), the readers that show every record of every one.

    With ``doubtful`` (the gateway's reader), no digest is looked into as it is taken: any that differs from
    its entry's hash is unsure (:meth:`changed` says ``None`` unless given the records), so a record's text is
    not searched for the small floats :func:`quick_print` looks for, which cost as much as the hash itself.
    Nearly every file matches throughout; the rare one that does not is read whole, which decides.
    """

    __slots__ = ("digests", "latest", "sealed", "reopenings", "unsure", "doubtful", "added", "rewrites", "repaired",
                 "makers", "confirmed", "first_signed", "unsigned", "role_check", "taken_at", "plain", "badly_signed")

    def __init__(self, *, doubtful: bool = False) -> None:
        global _files_read, _sha256
        _files_read += 1
        if _files_read == 2:  # (see _sha256)
            import hashlib

            _sha256 = hashlib.sha256
        self.digests: dict[Key, str | None] = {}
        self.unsure: set[Key] = set()
        """Records whose quick digest may differ from the audit's with nothing changed (:func:`quick_print`)."""
        self.doubtful = doubtful
        """Is every digest unsure until compared (see the class)?"""
        self.plain = _files_read == 1
        """Is this the first file the process reads? Then its records are hashed (and the gateway's reader parses
        them: ``store.outline``) with the standard library alone: orjson's import, with the ``dataclasses``,
        ``inspect`` and ``uuid`` modules it imports, would cost a one-file gateway run more than its speed saves."""
        self.latest: dict[Key, tuple[int, str | None]] = {}
        self.sealed = False
        self.reopenings = Reopenings()
        self.added: set[Key] = set()
        """The records added and not deleted since (one added again was made again: :attr:`rewrites`)."""
        self.rewrites: list[tuple[int, Key]] = []
        """(audit id, record) of each entry that rewrote a record as the app never does (:data:`REWRITING`)."""
        self.repaired = 0
        """The id of the newest ``repair`` entry: a tutor took in what came before it."""
        self.makers = Makers()
        """Which entry made each confirmation (``store.confirmation_makers``, review R7-18)."""
        self.confirmed: dict[Key, Any] = {}
        """The records that may hold confirmations (the learner's, the reviews), kept to ask of their makers."""
        self.first_signed = 0
        """The id of the first signed entry (0: none yet)."""
        self.role_check: RoleCheck | None = None
        """Judgements, sign-offs and confirmations by accounts the roster did not give that role then (review
        R7-8), when there is a roster to ask (``store.roles_at``)."""
        self.taken_at = ""
        """When the newest repair or import took in the history before it (its word is not asked again)."""
        self.badly_signed: list[tuple[int, Key]] = []
        """(audit id, record) of each entry making a judgement, a sign-off or a confirmation whose signature does not
        verify (``store.signed_words``): forged, or changed since it was signed (review R7-6)."""
        self.unsigned: list[tuple[int, Key]] = []
        """(audit id, record) of each entry with no signature: after signing began, written outside the app
        (review R7-9); before, history from before signing (``store.untaken`` decides what that counts for)."""

    def records(self, table: str, records: Mapping[str, Any], *, counted: bool = False) -> None:
        """Take in a table's records (``counted``: hash only those readiness counts; the rest are only present)."""
        if table in audit_chain.UNCHAINED_TABLES:
            return
        if table in CONFIRMED_FIELDS:
            self.confirmed.update(((table, record_id), record) for record_id, record in records.items())
        if self.role_check is not None:
            self.role_check.records(table, records)
        digests = self.digests
        if counted and table in UNCOUNTED:
            digests.update(dict.fromkeys(zip(repeat(table), records), UNCHECKED))
            return
        judged_only = counted and table == "evidence"
        print_of, unsure = self._print_of(), self.unsure
        for record_id, record in records.items():
            if type(record) is not dict:
                digests[(table, record_id)] = None
            elif judged_only and not record.get("judgements"):
                digests[(table, record_id)] = UNCHECKED
            else:
                digest, sure = print_of(record)
                digests[(table, record_id)] = digest
                if not sure:
                    unsure.add((table, record_id))

    def _print_of(self) -> Callable[[dict[str, Any]], tuple[str | None, bool]]:
        """How :meth:`records` takes a record's digest, and whether it is sure: ``quick_print`` (its text as
        written, unsure where that may not be the canonical text); with ``doubtful``, the canonical text hashed,
        always sure: orjson's, or json's (the digest's own) in the process's first file (:attr:`plain`), with the
        interpreter's SHA-256. One loop over the records for all three: the call a record costs is measured
        against the hash it makes (review of session 8's near-copies)."""
        if not self.doubtful:
            return quick_print
        sha256 = _sha256
        if self.plain:
            canonical = audit_chain.canonical
            return lambda record: (sha256(canonical(record)).hexdigest(), True)
        import orjson

        dumps, sort_keys = orjson.dumps, orjson.OPT_SORT_KEYS

        def orjson_print(record: dict[str, Any]) -> tuple[str | None, bool]:
            try:
                return sha256(dumps(record, option=sort_keys)).hexdigest(), True
            except TypeError:  # (what orjson cannot write: json's way)
                return audit_chain.digest(record), True

        return orjson_print

    def entries(self, entries: Mapping[str, Any]) -> None:
        latest = self.latest
        reopenings = self.reopenings
        added = self.added
        role_check = self.role_check
        first_signed = self.first_signed
        unsigned = self.unsigned
        for audit_id, entry in entries.items():
            if type(entry) is not dict or "record_hash" not in entry:
                if type(entry) is dict and audit_chain.takes_in(entry) and audit_id.isdigit() and (
                        role_check is None or role_check.may_take_in(entry)):  # a tutor's repair, an import
                    self.repaired = max(self.repaired, int(audit_id))
                    self.taken_at = max(self.taken_at, str(entry.get("at", "")))
                continue
            table, record = entry.get("table"), entry.get("record")
            if table is None or record is None or not audit_id.isdigit():
                continue
            self.sealed = True
            named = (str(table), str(record))
            order = int(audit_id)
            signed = SIG_FIELD in entry
            if not signed:
                unsigned.append((order, named))
            else:
                if not first_signed or order < first_signed:
                    first_signed = self.first_signed = order
                if role_check is not None:
                    role_check.signer(named, entry)
                    if entry.get("action") in UNLISTING:
                        role_check.unlisted(named, entry)
                        if entry.get("action") == "seal":
                            role_check.seals.add(order)
            if table in CONFIRMED_FIELDS:
                self.makers.entry(audit_id, entry)
            if signed and table in WORDS and _makes_word(table, entry) and not signed_words.valid(entry):
                self.badly_signed.append((order, named))
            if role_check is not None and entry["record_hash"] is None:  # deleted: nothing made of it stands
                role_check.deleted[named] = max(order, role_check.deleted.get(named, 0))
            changes = entry.get("changes")
            if changes:
                if table == "evidence":
                    reopenings.entry(order, entry)
                    if role_check is not None and "judgements" in changes:
                        role_check.maker(named[1], entry, signed, order)
                if entry["record_hash"] is None:  # deleted (the app lists the record it deletes)
                    added.discard(named)
            else:
                action = entry.get("action")
                if role_check is not None and (table == "signoffs" if action in _ADDING else (
                        action == "seal" and table == "evidence")):  # (a sign-off added; a tutor's repair)
                    role_check.maker(named[1], entry, signed, order)
                if action == "add" or action == "create":
                    if named in added:
                        self.rewrites.append((order, named))
                    else:
                        added.add(named)
                elif action not in UNLISTED:
                    self.rewrites.append((order, named))
            held = latest.get(named)
            if held is None or held[0] < order:
                expected = entry["record_hash"]
                latest[named] = (order, expected if type(expected) is str else None)

    def changed(self, record: Callable[[str, str], Any] | None = None) -> tuple[str, ...] | None:
        """The records not as the audit left them, ``table id``, in the file's order (nothing when no entry
        fingerprints any record: a file from before fingerprints). ``record`` gives a record by table and id, to
        hash json's way where the quick digest did not match and may be wrong (:func:`quick_print`); without it,
        ``None`` says one did (the caller reads the file whole to be sure)."""
        if not self.sealed:
            return ()
        latest, digests = self.latest, self.digests
        found = []
        for key, digest in digests.items():  # (each key looked up as it is: this runs for every record)
            if digest == UNCHECKED:
                continue
            expected = latest.get(key, _NO_ENTRY)[1]
            if digest is not None and digest == expected:
                continue
            table, record_id = key
            if digest is not None and expected is not None and (self.doubtful or key in self.unsure):
                if record is None:
                    return None
                if audit_chain.record_digest(record(table, record_id)) == expected:
                    continue
            found.append(f"{table} {record_id}")
        found += [f"{key[0]} {key[1]}" for key, (_, expected) in latest.items()
                  if expected is not None and key not in digests and key[0] not in audit_chain.UNCHAINED_TABLES]
        found += [named for named in (f"evidence {e}" for e in self.reopenings.unreopened()) if named not in found]
        unsure = self.reopenings.unsure()
        if unsure:  # (rare: an accepted piece whose hours or bin changed since; only its own record tells)
            if record is None:
                return None
            found += [named for named in (f"evidence {e}" for e in unsure
                                          if self.reopenings.unstated(e, record("evidence", e))) if named not in found]
        for (table, record_id), held in self.confirmed.items():
            if self.makers.unmade(table, record_id, held) and f"{table} {record_id}" not in found:
                found.append(f"{table} {record_id}")
        if self.rewrites:
            found += [named for named in dict.fromkeys(f"{key[0]} {key[1]}" for order, key in self.rewrites
                                                       if order > self.repaired and key in digests)
                      if named not in found]
        if self.badly_signed:
            found += [named for named in dict.fromkeys(f"{key[0]} {key[1]}" for order, key in self.badly_signed
                                                       if order > self.repaired and key in digests)
                      if named not in found]
        if self.role_check is not None:
            repaired = self.repaired
            seals = self.role_check.seals  # (a repair's own seals change nothing it took in)

            def after(key: Key) -> bool:
                order = latest.get(key, _NO_ENTRY)[0]
                return order > repaired and order not in seals

            found += [named for named in self.role_check.flagged(self.taken_at, after if repaired else None)
                      if named not in found]
        if self.unsigned and self.first_signed:
            found += [named for named in dict.fromkeys(
                f"{key[0]} {key[1]}" for order, key in self.unsigned
                if order > self.first_signed and order > self.repaired and key in digests) if named not in found]
        return tuple(found)


WORDS = frozenset({"evidence", "signoffs", *CONFIRMED_FIELDS})
"""The tables whose records hold what readers count in someone's word: judgements, sign-offs, confirmations."""


def _makes_word(table: str, entry: dict[str, Any]) -> bool:
    """Does an entry about a record of ``table`` (one of :data:`WORDS`) make what readers count: a judgement, a
    repair's seal of a piece as found, a sign-off, a confirmation? Only such an entry's signature is checked
    (``store.signed_words``: some 55-70 µs each, a hash for one this account signed)."""
    changes = entry.get("changes")
    action = entry.get("action")
    if table == "evidence":
        return action == "seal" or (type(changes) is dict and "judgements" in changes)
    if table == "signoffs":
        return True
    return action in _ADDING or action == "seal" or (type(changes) is dict and CONFIRMED_FIELDS[table] in changes)


def changed_outside(snap: Any, path: Any = None) -> tuple[str, ...]:
    """The records of a reading (``store.reading.Snapshot``) not as the audit left them, worked out once per
    reading: nothing for one this account's note vouched for (no one changed the file since it was checked).
    ``path``: the portfolio's, whose folder's roster says who held which role (``store.roles_at``)."""
    if snap.outside is None:
        snap.outside = () if snap.vouched else _changed(snap, roles_at.for_portfolio(path) if path else None)
    return snap.outside


BATCH = 500
"""Lines of a lazy table parsed at a time for :func:`changed_outside`, then let go: the whole audit parsed at
once would hold as much again as the file while a fresh open peaks."""


def _changed(snap: Any, roles: RolesAt | None = None) -> tuple[str, ...]:
    """:class:`Fingerprints` over a whole reading, its lazy tables parsed apart a batch at a time (the reading
    keeps their lines)."""
    prints = Fingerprints()
    if roles is not None:
        prints.role_check = RoleCheck(roles)
    for table, records in snap.tables.items():
        if table not in snap.lazy and table != "audit":
            prints.records(table, records)
    for table in snap.lazy:
        take = prints.entries if table == "audit" else partial(prints.records, table)
        lines = list(snap.fragments.get(table, {}).values())
        for start in range(0, len(lines), BATCH):
            take(parse_fragments(lines[start:start + BATCH]))
        take(snap.tables.get(table, {}))  # added since the reading, after every line
    if "audit" not in snap.lazy:
        prints.entries(snap.tables.get("audit", {}))
    return prints.changed(snap.record) or ()
