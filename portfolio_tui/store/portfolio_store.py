"""One apprentice's portfolio file: snapshots to read, transactions to change it.

A transaction takes the lock beside the file, re-reads the file (from the cache when ``os.stat``
and the first line say nothing changed), applies the change, writes atomically, appends audit
entries, and releases. The lock is held only for that: never while a person is typing, so callers
collect and validate input first and then open a transaction.
"""

from __future__ import annotations

import os
import secrets
import stat
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from portfolio_tui import identity
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.change import Change
from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.store import change_log, constraints, keys, migrations, receipts, sealing, trust
from portfolio_tui.store.errors import AlreadyExists, BreaksSchema, NotFound, StoreError, WriteFailed
from portfolio_tui.store.lock import DEFAULT_TIMEOUT, PortfolioLock
from portfolio_tui.store.persistence import link_target, utc_now, write_atomically
from portfolio_tui.store.reading import Snapshot, object_of, portfolio_of
from portfolio_tui.store.records import TABLES, AuditEntry, audit_from_record, check_document, to_record
from portfolio_tui.store.storage import AtomicJSONStorage, describe, remove_stale_temp_files
from portfolio_tui.store.transaction import Transaction


class PortfolioStore:
    """The portfolio at ``path``; ``actor`` defaults to the OS account running this process."""

    def __init__(
        self,
        path: str | Path,
        actor: str | None = None,
        *,
        clock: Callable[[], str] = utc_now,
        lock_timeout: float = DEFAULT_TIMEOUT,
    ):
        self.path = link_target(Path(path))
        self.actor = actor or identity.current_user()
        self._clock = clock
        self._lock = PortfolioLock(self.path, lock_timeout)
        self._storage = AtomicJSONStorage(self.path)
        self._mutex = threading.RLock()
        self._in_transaction = False
        self._swept = False
        self.criteria: Callable[[], Collection[str] | None] = lambda: None
        """The criterion ids of the portfolio's standard (``None``: not known), for :meth:`problems`."""
        self.receipts: bool = True
        """Whether its saves leave the account receipts (``store.receipts``): an import's staged copy leaves none,
        since a receipt (keyed by the history's first hash, wherever a copy is) of its ``import`` entry would make
        every later import of the same export look cut short, and refused."""
        self.signers_check: Callable[[Snapshot, Sequence[str]], str | None] | None = None
        """Why the signer of one of the entries this account has not vouched for (their ids, newest first) was not
        allowed to make it (``None``: all were), asked before the first save to a reading
        (``store.sealing.refuse_unsound``): who was allowed is the roster's, read above the store."""

    @classmethod
    def create(
        cls, path: str | Path, learner: Learner, actor: str | None = None, **options: Any
    ) -> PortfolioStore:
        """Write a new portfolio for ``learner``; refuses a path that already exists, a link included: a
        dangling link a group member planted at the new name would otherwise have the portfolio made wherever
        it points (review R8: in the tutor's own home, leaving the cohort only the link)."""
        if os.path.islink(path):
            raise AlreadyExists(Path(path))
        store = cls(path, actor, **options)
        if not store.path.parent.is_dir():
            raise NotFound(f"the folder {store.path.parent} does not exist")
        with store._mutex, store._lock.held():
            if os.path.lexists(store.path):
                raise AlreadyExists(store.path)
            now = store._clock()
            detail = (f"created the portfolio for {learner.name} ({learner.standard_id}, "
                      f"{learner.start.isoformat()} to {learner.planned_end.isoformat()})")
            doc: dict[str, dict[str, Any]] = {table: {} for table in TABLES}
            doc["meta"]["1"] = migrations.meta_record()
            doc["learner"]["1"] = {
                **to_record(learner), "rev": 1,
                "created_by": store.actor, "created_at": now, "updated_by": store.actor, "updated_at": now,
            }
            doc["audit"]["1"] = first = keys.seal_signed({
                "at": now, "by": store.actor, "action": "create", "table": "learner", "record": 1,
                "detail": detail,
                "record_hash": audit_chain.record_digest(doc["learner"]["1"]),
                "nonce": secrets.token_hex(16),
            }, audit_chain.GENESIS, AUDIT, keys.own_signer())
            problems = check_document(doc)
            if problems:
                raise ValueError("; ".join(f"{p}: {m}" for p, m in problems))
            store._storage.commit(doc, None)
            genesis = first[audit_chain.HASH_FIELD]
            receipts.record(store.path, genesis, [(1, genesis, now)])
        change_log.note([Change("create", "learner", 1, 1, detail)])
        return store

    def genesis(self) -> str:
        """The hash of the file's first audit entry: what stands for this history wherever a copy of it goes
        (receipts, the roster's record of the portfolio being made)."""
        with self._mutex:
            first = self._storage.snapshot().record("audit", "1")
            return str(first.get(audit_chain.HASH_FIELD, "")) if isinstance(first, dict) else ""

    def load(self) -> Portfolio:
        """The whole portfolio as immutable domain objects (rebuilt only for records that changed)."""
        with self._mutex:
            return portfolio_of(self._storage.snapshot(), self.path)

    def learner(self) -> Learner:
        with self._mutex:
            return object_of(self._storage.snapshot(), "learner", Learner, "1")

    def evidence(self, evidence_id: int) -> Evidence:
        """One piece of evidence (removed ones included); raises :class:`NotFound`."""
        with self._mutex:
            snap = self._storage.snapshot()
            if not snap.has("evidence", str(evidence_id)):
                raise NotFound(f"there is no evidence {evidence_id} in {self.path}")
            return object_of(snap, "evidence", Evidence, str(evidence_id))

    def audit(self, table: str | None = None, record: int | None = None) -> list[AuditEntry]:
        """The history, oldest first; optionally only one table's or one record's entries."""
        with self._mutex:
            entries = self._storage.snapshot().doc.get("audit", {})
            return [
                audit_from_record(int(key), entry)
                for key, entry in entries.items()
                if (table is None or entry.get("table") == table) and (record is None or entry.get("record") == record)
            ]

    def problems(self) -> list[tuple[str, str]]:
        """How the file breaks the schema beyond types (nothing, for a file this app wrote).

        A file with problems is read-only: every transaction on it raises :class:`BreaksSchema`.
        """
        with self._mutex:
            return self._problems(self._storage.snapshot())

    def _problems(self, snap: Snapshot) -> list[tuple[str, str]]:
        if snap.problems is None:
            criteria = self.criteria()
            snap.checked_against = constraints.criteria_digest(criteria)
            if snap.clean == snap.checked_against:  # a save noted it clean, against these criteria
                snap.problems = []
            elif snap.clean is not None and criteria is None:  # ... and no criteria to check now
                snap.problems = []
            elif snap.clean is not None:  # ... against others: only the criteria are checked again
                tagged = {name: snap.table(name) for name in constraints.TAGGED_TABLES}
                snap.problems = constraints.criteria_problems(tagged, criteria)
            else:
                snap.problems = constraints.problems(snap.tables, criteria)
        return snap.problems

    @contextmanager
    def transaction(self, *, repair: bool = False) -> Iterator[Transaction]:
        """Lock, re-read, let the caller change the document, save atomically, unlock.

        If the body raises, nothing is saved. An older file is upgraded by the first transaction,
        after its original bytes are kept beside it. A file whose record does not check is refused
        (:class:`~portfolio_tui.store.sealing.Unsound`) unless ``repair``: only
        :meth:`repair` opens one so.
        """
        with self._mutex:
            if self._in_transaction:
                raise RuntimeError("transactions on one portfolio do not nest")
            self._in_transaction = True
            try:
                with self._lock.held():
                    yield from self._run(self._clock(), repair)
            finally:
                self._in_transaction = False

    def repair(self, reason: str, reported: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
               ) -> list[str]:
        """Record a signed ``repair`` entry with ``reason`` and what was wrong, then re-fingerprint each
        record that no longer matches the audit (``store.sealing``); returns what was wrong.

        The caller checks that this account may repair the file (a tutor, or the owner without a roster);
        ``reported`` says what else is wrong with the document as read under the lock, as ``(where, message)``.
        """
        with self.transaction(repair=True) as tx:
            found = sealing.repair(tx, reason, reported(tx.snapshot.doc) if reported else ())
        return found

    def _run(self, now: str, repair: bool = False) -> Iterator[Transaction]:
        before = self._storage.cached
        snap = self._storage.snapshot()
        if snap is not before or not self._swept:
            remove_stale_temp_files(self.path)
            self._swept = True
        found = self._problems(snap)
        if found:
            raise BreaksSchema(self.path, found)
        if not repair:
            sealing.refuse_unsound(self.path, snap, trust.load_anchors, now, self.signers_check)
        tx = Transaction(snap, self.actor, now, keys.own_signer(), self.path)
        try:
            yield tx
            self._check_changes(snap, tx)
            if snap.original is not None:
                backup = self._keep_backup(snap)
                tx.audit(
                    "migrate", "meta", 1,
                    f"upgraded from schema version {snap.found_version} to {migrations.CURRENT_VERSION}; "
                    f"the original is kept as {backup.name}",
                )
            elif not tx.touched:
                return
            tx.bump_generation()
            # It kept the rules (checked above and in _check_changes), criteria included if they are still
            # the ones the rest of the file was checked against.
            same = constraints.criteria_digest(self.criteria()) == snap.checked_against
            self._storage.commit(snap.tables, tx.dirty, clean=snap.checked_against if same else None)
            if self.receipts:
                receipts.record(self.path, receipts.genesis_of({"1": snap.record("audit", "1")}), tx.signed)
            change_log.note(tx.changes)
        except BaseException:
            if tx.touched:
                self._storage.forget()
            raise

    def _check_changes(self, snap: Snapshot, tx: Transaction) -> None:
        """Only what the transaction changed is checked again; the rest was checked when the file was read."""
        dirty = tx.dirty
        if dirty is None:
            changed = snap.doc
        else:
            tables = snap.tables  # a lazy table holds what was added, and only that can be dirty in it
            changed = {t: {k: tables[t][k] for k in keys if k in tables.get(t, {})} for t, keys in dirty.items()}
        found = constraints.problems(changed, self.criteria())
        if changed.get("otj"):  # a day's entries together, the new ones with those already there
            found += constraints.days_over(snap.table("otj"), {r.get("date") for r in changed["otj"].values()})
        if found:
            raise BreaksSchema(self.path, list(dict.fromkeys(found)))

    def _keep_backup(self, snap: Snapshot) -> Path:
        assert snap.original is not None
        backup = migrations.backup_path(self.path, snap.found_version)
        try:
            mode = stat.S_IMODE(os.stat(self.path).st_mode)
            write_atomically(backup, snap.original, mode)
        except OSError as exc:
            raise WriteFailed(backup, describe(exc)) from None
        return backup


__all__ = ["PortfolioStore", "StoreError", "utc_now"]
