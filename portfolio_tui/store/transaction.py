"""One change to a portfolio: TinyDB tables over the freshly read document, saved once at the end.

Inside a transaction TinyDB works on the in-memory document. Its tables are a subclass that
records which records each operation set, changed or removed (so the save re-serialises only
those) and that updates the table in place instead of copying all of it on every insert.

Use :meth:`Transaction.insert`, :meth:`~Transaction.update` and :meth:`~Transaction.remove` for
changes: they keep each record's revision, who/when fields and the audit trail. ``table(name)``
gives the TinyDB table for queries.

The audit trail is tamper-evident (``domain.audit_chain``): each audit entry holds the digest of
the record it changed, as left by the change, is chained by hash to the entry before and is signed
by the account making the change (``domain.signatures``), so judgements, sign-offs and every other
record are signed through the entry that fingerprints them; each sign-off is also chained to the
sign-off before and never changed after. Writing a record table's
records any other way than through these three methods leaves a record that ``portfolio verify``
reports as changed outside the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.change import Change
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.store import audit_index
from portfolio_tui.store.errors import ConflictError, NotFound, SealedRecord, Unsound, singular
from portfolio_tui.store.keys import Signer, seal_signed
from portfolio_tui.store.reading import Snapshot
from portfolio_tui.store.records import RECORD_TABLES, check_record, from_record
from portfolio_tui.store.storage import Dirty

SEALED_TABLES = frozenset({"signoffs"})
"""Tables whose records are chained by hash among themselves when inserted, and never changed after."""


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (much faster than ``copy.deepcopy`` for it)."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


class _IdView(MutableMapping):
    """The raw ``{"id": record}`` table seen with integer ids, noting every record an operation may change.

    Reading a record through it counts as a change, because TinyDB's ``update`` edits records in place.
    """

    __slots__ = ("_raw", "_touched")

    def __init__(self, raw: dict[str, Any], touched: set[str]):
        self._raw, self._touched = raw, touched

    def __getitem__(self, doc_id: int) -> Any:
        key = str(doc_id)
        record = self._raw[key]
        self._touched.add(key)
        return record

    def __setitem__(self, doc_id: int, record: Any) -> None:
        key = str(doc_id)
        self._raw[key] = record
        self._touched.add(key)

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        del self._raw[key]
        self._touched.add(key)

    def __iter__(self) -> Iterator[int]:
        return iter([int(k) for k in self._raw])

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self._raw


class _TransactionStorage(Storage):
    def __init__(self, snapshot: Snapshot):
        super().__init__()
        self.snapshot = snapshot
        self.dirty: Dirty = {}
        self.rewrite_all = False

    def read(self) -> dict[str, dict[str, Any]]:
        return self.snapshot.doc

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # Only TinyDB's table-level operations (drop_table, drop_tables) come here.
        if data is not self.snapshot.doc:
            self.snapshot.doc.clear()
            self.snapshot.doc.update(data)
        self.rewrite_all = True

    def next_id(self, table: str) -> int:
        snapshot = self.snapshot
        counters = snapshot.next_ids
        candidate = counters.get(table) or int(snapshot.last_id(table) or 0) + 1
        while snapshot.has(table, str(candidate)):
            candidate += 1
        counters[table] = candidate + 1
        return candidate


class _TrackedTable(Table):
    _storage: _TransactionStorage

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        raw = self._storage.snapshot.table(self.name, create=True)
        view = _IdView(raw, self._storage.dirty.setdefault(self.name, set()))
        updater(view)  # type: ignore[arg-type]  # a dict-like view: TinyDB's updater only indexes it
        self.clear_cache()

    def _get_next_id(self) -> int:
        return self._storage.next_id(self.name)


class _TransactionDB(TinyDB):
    table_class = _TrackedTable


class Transaction:
    """The change being made under the portfolio's lock; see the module docstring."""

    def __init__(
        self, snapshot: Snapshot, actor: str, now: str, signer: Signer | None = None, path: Path | None = None
    ):
        self.actor = actor
        self.path = path
        """The file, named in a refusal."""
        self.now = now
        self.signer = signer
        self.signed: list[tuple[int, str, str]] = []
        """``(audit id, hash, at)`` of each entry this transaction signed: the signer's receipts."""
        self._storage = _TransactionStorage(snapshot)
        self.db = _TransactionDB(storage=lambda: self._storage)
        self.changes: list[Change] = []
        """What this transaction changed, one entry per audit entry it wrote (for the CLI's report)."""

    @property
    def touched(self) -> bool:
        return self._storage.rewrite_all or any(self._storage.dirty.values())

    @property
    def dirty(self) -> Dirty | None:
        """What to re-serialise: ``None`` means everything."""
        return None if self._storage.rewrite_all else self._storage.dirty

    @property
    def snapshot(self) -> Snapshot:
        """The reading of the file this change is made to (read it only; change it through the methods)."""
        return self._storage.snapshot

    def table(self, name: str) -> Table:
        return self.db.table(name)

    def _raw(self, table: str, record_id: int) -> dict[str, Any]:
        record = self._storage.snapshot.table(table).get(str(record_id))
        if record is None:
            raise NotFound(f"there is no {singular(table)} {record_id} in this portfolio")
        return record

    def _read_only(self, table: str, record_id: int) -> dict[str, Any]:
        """One record, to read only: a lazy table (``Snapshot.lazy``) parses just its line."""
        record = self._storage.snapshot.record(table, str(record_id))
        if record is None:
            raise NotFound(f"there is no {singular(table)} {record_id} in this portfolio")
        return record

    def get(self, table: str, record_id: int) -> dict[str, Any]:
        """A copy of one record; raises :class:`NotFound`."""
        return copy_json(self._read_only(table, record_id))

    def records(self, table: str) -> list[tuple[int, dict[str, Any]]]:
        return [(int(k), copy_json(r)) for k, r in self._storage.snapshot.table(table).items()]

    def record_object(self, table: str, record_id: int) -> Any:
        """The domain dataclass for one record of a record table."""
        return from_record(RECORD_TABLES[table], record_id, self._read_only(table, record_id))

    def insert(self, table: str, fields: dict[str, Any], detail: str = "") -> int:
        """Add a record (revision 1, who/when filled in) and its audit entry; returns the new id.

        Who made it is always the account saving: a sign-off naming anyone else is refused, since it would
        stand in their name (and only they could withdraw it).
        """
        if table == "signoffs" and fields.get("by") != self.actor:
            raise ValueError(f"a sign-off is by the account saving it ({self.actor}), not {fields.get('by')!r}")
        record = {
            **copy_json(fields),
            "rev": 1,
            "created_by": self.actor,
            "created_at": self.now,
            "updated_by": self.actor,
            "updated_at": self.now,
        }
        _check(table, record)
        snapshot = self._storage.snapshot
        if table in SEALED_TABLES:
            self._refuse_changed_head(table)
            record_id = self._insert_chained(table, record)
        elif table in snapshot.lazy:  # appended without parsing the table (as TinyDB's insert would store it)
            record_id = self._storage.next_id(table)
            snapshot.added(table, str(record_id), record)
            self._storage.dirty.setdefault(table, set()).add(str(record_id))
            self.table(table).clear_cache()
        else:
            record_id = self.table(table).insert(record)
        self.audit("add", table, record_id, detail or f"added {table} {record_id}")
        return record_id

    def _insert_chained(self, table: str, record: dict[str, Any]) -> int:
        """Insert ``record`` sealed after the table's last record (a new record gets the highest id).

        The head is found once per reading of the file and then follows the inserts, so that adding to
        a long history does not scan it every time.
        """
        snapshot = self._storage.snapshot
        head = snapshot.heads.get(table)
        if head is None and table in snapshot.lazy:
            last = snapshot.last_id(table)
            tip = {} if last is None else snapshot.record(table, last)
            head = str(tip.get(audit_chain.HASH_FIELD, audit_chain.GENESIS))
        elif head is None:
            head = audit_chain.table_head(snapshot.table(table))
        signer = self.signer if table == "audit" else None
        sealed = audit_chain.seal(record, head) if signer is None else seal_signed(record, head, AUDIT, signer)
        if table in snapshot.lazy:  # appended without parsing the table: it goes at the end of its lines
            record_id = self._storage.next_id(table)
            snapshot.added(table, str(record_id), sealed)
            self._storage.dirty.setdefault(table, set()).add(str(record_id))
        else:
            record_id = self.table(table).insert(sealed)
        snapshot.heads[table] = sealed[audit_chain.HASH_FIELD]
        if signer is not None:
            self.signed.append((record_id, sealed[audit_chain.HASH_FIELD], self.now))
        return record_id

    def update(
        self,
        table: str,
        record_id: int,
        changes: dict[str, Any],
        expected_rev: int | None = None,
        *,
        action: str = "edit",
        detail: str = "",
    ) -> dict[str, Any]:
        """Change fields of one record; a stale ``expected_rev`` raises :class:`ConflictError`.

        Fields whose value does not change are ignored; when nothing changes, nothing is written.
        Returns a copy of the record as it now is.
        """
        current = self._raw(table, record_id)
        if table in SEALED_TABLES:
            raise SealedRecord(table, record_id)
        self._refuse_changed_outside(table, record_id, current)
        rev = current.get("rev", 1)
        if expected_rev is not None and expected_rev != rev:
            raise ConflictError(
                table, record_id, expected_rev, rev, current.get("updated_by", ""), current.get("updated_at", ""),
                self.changed_since(table, record_id, expected_rev),
            )
        changed = {k: copy_json(v) for k, v in changes.items() if current.get(k, _MISSING) != v}
        if not changed:
            return copy_json(current)
        before = {k: copy_json(current.get(k)) for k in changed}
        _check(table, {**current, **changed})
        self.table(table).update({**changed, "rev": rev + 1, "updated_by": self.actor, "updated_at": self.now},
                                 doc_ids=[record_id])
        self.audit(
            action,
            table,
            record_id,
            detail or f"changed {', '.join(changed)}",
            changes={k: {"from": before[k], "to": copy_json(v)} for k, v in changed.items()},
        )
        return copy_json(current)

    def changed_since(self, table: str, record_id: int, rev: int) -> tuple[str, ...]:
        """The fields of one record changed after its revision ``rev``, from the audit (only read on a conflict).

        A record's revision counts its audit entries (its adding, then one per change), so the entries
        after the first ``rev`` of them made the revisions since.
        """
        entries = [e for e in self._storage.snapshot.doc.get("audit", {}).values()
                   if e.get("table") == table and e.get("record") == record_id]
        fields: dict[str, None] = {}
        for entry in entries[rev:]:
            fields.update(dict.fromkeys(entry.get("changes") or {}))
        return tuple(fields)

    def remove(self, table: str, record_id: int, detail: str = "") -> dict[str, Any]:
        """Delete a record for good (evidence is never removed this way; it is marked deleted)."""
        record = self.get(table, record_id)
        if table in SEALED_TABLES:
            raise SealedRecord(table, record_id)
        self._refuse_changed_outside(table, record_id, record)
        self.table(table).remove(doc_ids=[record_id])
        self.audit("delete", table, record_id, detail or f"deleted {table} {record_id}", changes={"record": record})
        return record

    def _refuse_changed_outside(self, table: str, record_id: int, found: dict[str, Any]) -> None:
        """Raise :class:`Unsound` when ``found`` is not as its newest audit entry left it: a change signed on top
        would vouch for what someone wrote by hand (``store.audit_index``)."""
        problem = audit_index.problem(self._latest(), table, str(record_id), found)
        if problem is not None:
            raise Unsound(self.path or Path("this portfolio"), problem)

    def _refuse_changed_head(self, table: str) -> None:
        """A record chained after the table's last one (a sign-off) takes that record's hash into its own, signed:
        so that record must be as its newest audit entry left it, or the new one vouches for a hand edit (review
        R18: an assessor's reason blanked by hand, its in-table hash recomputed, then the apprentice signed off)."""
        snapshot = self._storage.snapshot
        last = snapshot.last_id(table)
        if last is not None:
            self._refuse_changed_outside(table, int(last), snapshot.record(table, last))

    def _latest(self) -> audit_index.LatestEntries:
        snapshot = self._storage.snapshot
        if snapshot.latest is None:
            snapshot.latest = audit_index.LatestEntries(snapshot)
        return snapshot.latest

    def audit(
        self, action: str, table: str, record: int | None, detail: str, changes: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        """Append an audit entry, sealed: call it after the change it describes, which it fingerprints.

        For an entry about one record (of a table other than ``meta`` and ``audit``), ``record_hash``
        is the digest of that record as it now stands in the document (``None`` once deleted).
        ``extra``: further fields the entry carries (a repair's ``taken_in``, ``store.sealing``).
        """
        entry: dict[str, Any] = {
            "at": self.now, "by": self.actor, "action": action, "table": table, "record": record, "detail": detail,
        }
        if changes is not None:
            entry["changes"] = changes
        if extra:
            entry.update(extra)
        stored = self._storage.snapshot.record(table, str(record)) if record is not None else None
        if record is not None and table not in audit_chain.UNCHAINED_TABLES:
            entry["record_hash"] = audit_chain.record_digest(stored)
        revision = stored.get("rev") if isinstance(stored, dict) and table != "meta" else None
        self.changes.append(Change(action, table, record, revision, detail))
        audit_id = self._insert_chained("audit", entry)
        latest = self._storage.snapshot.latest
        if latest is not None:
            latest.noted(str(audit_id), self._storage.snapshot.record("audit", str(audit_id)))
        return audit_id

    def bump_generation(self) -> None:
        """Every save changes the file's first line, which other processes' caches check."""
        meta = self._storage.snapshot.tables["meta"]["1"]
        meta["generation"] = int(meta.get("generation", 0)) + 1
        self._storage.dirty.setdefault("meta", set()).add("1")


class _Missing:
    pass


_MISSING = _Missing()


def _check(table: str, record: dict[str, Any]) -> None:
    """Refuse to put a record of the wrong shape into the document (a programming error, not user input)."""
    if table == "learner":
        problems = check_record(Learner, record, "$.learner")
    elif table in RECORD_TABLES:
        problems = check_record(RECORD_TABLES[table], record, f"$.{table}")
    else:
        return
    if problems:
        raise ValueError("; ".join(f"{path}: {message}" for path, message in problems))
