"""No silent re-sealing: a portfolio whose record does not check is not written to until it is repaired.

Appending a signed entry to a broken record would vouch for it, so before a change is saved the
store checks what it can check cheaply on every save, and the whole chain when a file is upgraded:

* a file whose schema version is older than the signatures it holds was set back outside the app
  (an older app would re-seal it "as found", forged entries included);
* the newest audit entry must match its own hash and, in a signed file, carry a valid signature
  by a key enrolled for its author where there are anchors (an entry appended by hand cannot be
  signed by anyone else); and so must every entry since this account's own newest one, each chained
  to the one before it and allowed its signer by the roster (:func:`unvouched`): an entry appended on
  top of a bad one does not make the file sound;
* an unsigned file is upgraded to signing only when its whole chain and every record check, and
  never by an ordinary save in a cohort folder (one with a roster, or group-writable where there are
  trust anchors): anyone in the group could have written its unsigned history by hand, judgements and
  sign-offs in the tutor's name included (review F13), so only a tutor's repair takes it in;
* a file that says it is signed holds a signed entry (one whose signatures were stripped is refused).

Each refusal is :class:`Unsound`, one line naming the entry. A tutor (the file's owner where there
is no roster) repairs the file with ``portfolio repair PATH --reason TEXT``: a signed ``repair``
entry that records the reason and what was wrong, and the digest of every entry before it
(``taken_in``: the history the tutor took in as found), then a signed ``seal`` entry for each record
that no longer matches the audit or that ``verify`` named (an evidence record's lists the judgements
it holds), so the record goes on from the repaired state. ``verify`` reports what came before the
repair as history in a note, no longer as breaks, unless that history changes afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portfolio_tui import sharing
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.audit_chain import HASH_FIELD
from portfolio_tui.domain.signatures import AUDIT, SIG_FIELD, Anchors
from portfolio_tui.store import keys
from portfolio_tui.store.errors import StoreError, Unsound
from portfolio_tui.store.files import ROSTER_FILE
from portfolio_tui.store.reading import Snapshot
from portfolio_tui.store.transaction import Transaction

SIGNED_VERSION = 3
"""The first schema version whose audit entries are signed."""
REPAIR = "repair"
"""The action of a tutor's repair entry, which takes in the history before it."""


def problems(snap: Snapshot, anchors: Anchors | None = None, now: str | None = None, *, managed: bool = False
             ) -> list[str]:
    """Why a change must not be saved to this reading of the file (empty when it may); ``now`` is when the
    change is made (the store's clock; default the present): the newest entry must not be dated after it,
    nor before the entry it follows, beyond ``audit_chain.CLOCK_SKEW``, or the next entry would be back-dated.
    ``managed``: the file is in a cohort folder, where a file from before signing waits for a tutor's repair."""
    moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
    last_id = snap.last_id("audit") if "audit" in snap.lazy else None
    if last_id is not None:  # a current file read by lines: its newest entry is all this needs
        previous_id = str(int(last_id) - 1)
        return _tip_problems(last_id, snap.record("audit", last_id), anchors or Anchors(), lambda: snap.table("audit"),
                             lambda: snap.record("audit", previous_id), moment)
    audit = snap.doc.get("audit", {})
    if not audit:
        return []
    if snap.found_version < SIGNED_VERSION and any(SIG_FIELD in e for e in audit.values() if isinstance(e, Mapping)):
        return [f"its schema version is {snap.found_version}, but it holds signed entries: the version was set "
                "back outside the app"]
    if snap.found_version < SIGNED_VERSION:
        found = [f"{b.where} {b.message}" for b in audit_chain.verify_document(snap.doc)]
        if managed:
            found.append(PRE_SIGNING.format(version=snap.found_version))
        return found
    last_id = str(max(map(int, audit)))
    return _tip_problems(last_id, audit[last_id], anchors or Anchors(), lambda: audit,
                         lambda: audit.get(str(int(last_id) - 1)), moment)


def _tip_problems(last_id: str, tip: Any, anchors: Anchors, audit: Callable[[], Mapping[str, Any]],
                  before: Callable[[], Any], now: datetime) -> list[str]:
    where = f"audit {last_id}"
    if not isinstance(tip, Mapping) or audit_chain.entry_hash(tip) != tip.get(audit_chain.HASH_FIELD):
        return [f"{where} does not match its own hash: it was changed after it was written"]
    if SIG_FIELD in tip:
        if not keys.signature_valid(AUDIT, tip):
            return [f"{where} has a signature that does not verify: it was forged or changed"]
        problem = anchors.problem(str(tip.get("by")), str(tip.get("key")), str(tip.get("at"))) if anchors else None
        if problem:
            return [f"{where} {problem}"]
        previous = before()
        chained = isinstance(previous, Mapping) and previous.get(HASH_FIELD) == tip.get(audit_chain.PREV_FIELD)
        dating = audit_chain.dating_problem(tip.get("at"), previous.get("at") if chained else None, now)
        if dating:
            return [f"{where} {dating}"]
    elif _any_signed(audit()):
        return [f"{where} is not signed, but every entry after signing began must be: it was added outside the app"]
    else:  # a file of a signing version (it is read by lines, or upgraded) whose entries are all unsigned
        return [f"{where} is not signed, and no entry is, though the file says it is signed: its signatures were "
                "stripped outside the app"]
    return []


def _any_signed(audit: Mapping[str, Any]) -> bool:
    """Is any entry signed? Looks from the newest, where a signed file's entries are signed."""
    return any(isinstance(entry, Mapping) and SIG_FIELD in entry for entry in reversed(list(audit.values())))


PRE_SIGNING = ("it is from before signing (schema version {version}) and in a cohort folder, where anyone in the "
               "group could have written its unsigned history, judgements and sign-offs included: only a tutor who "
               "has checked it takes it in")


def is_managed(path: Path, anchors: Anchors) -> bool:
    """Is the portfolio in a cohort folder: one with a roster, or one the group may write where there are
    anchors (``roster.is_managed``'s test, from the store's side)?"""
    folder = path.parent
    return (folder / ROSTER_FILE).exists() or (bool(anchors) and sharing.folder_is_shared(folder))


UNTAKEN = ("its unsigned history from before signing has not been taken in by a tutor, and it is in a cohort "
           "folder, where anyone in the group could have written that history")


def taken_in(audit: Mapping[str, Any]) -> bool:
    """Does a signed ``repair`` (or ``import``, ``audit_chain.TAKING_IN``) entry take in the history before it (its
    ``taken_in`` digest still matches)? Whether its signer was allowed to is ``verify``'s to say; this stops saves on
    a history nobody took in."""
    entries = [e for _, e in audit_chain.ordered(audit) if isinstance(e, Mapping)]
    return any(
        audit_chain.takes_in(entry) and SIG_FIELD in entry and keys.signature_valid(AUDIT, entry)
        and entry.get(audit_chain.TAKEN_IN) == audit_chain.history_digest(entries[:position])
        for position, entry in enumerate(entries)
    )


def unvouched(snap: Snapshot, anchors: Anchors, now: datetime, own_key: str) -> tuple[list[str], list[str]]:
    """The entries this account has not vouched for (their ids, newest first), and what is wrong with them.

    Walking back from the newest entry: each must match its own hash and be the one the entry after it
    follows; a signed one must verify, by a key enrolled for its author then, dated no earlier than the
    entry it follows nor in the future (``audit_chain.CLOCK_SKEW``); an unsigned one may only be history
    from before signing (nothing signed before it). The walk stops at this account's own newest entry
    (``own_key``'s: before signing it, the store checked everything before it the same way, and its
    signature, covering the hash it follows, pins that history) or at a ``repair`` or an ``import`` (it took in
    what came before it: whether its signer may repair is asked with the rest), else at the first entry. So an entry
    appended on top of a bad one never makes the file sound, whoever appends it (review: "genesis" gap b):
    the file stays refused from the bad entry on until a tutor's repair takes it in. The walk costs one
    parsed entry and one signature check per entry someone else made since this account last signed."""
    last = snap.last_id("audit")
    walked: list[str] = []
    newer: tuple[str, Mapping[str, Any]] | None = None
    unsigned_since: str | None = None
    """The newest unsigned entry walked, while nothing older than it has been found signed."""
    for number in range(int(last) if last else 0, 0, -1):
        audit_id = str(number)
        entry = snap.record("audit", audit_id)
        where = f"audit {audit_id}"
        if not isinstance(entry, Mapping):
            return walked, [f"{where} is missing: an entry was removed outside the app"]
        if newer is not None and newer[1].get(audit_chain.PREV_FIELD) != entry.get(HASH_FIELD):
            return walked, [f"audit {newer[0]} does not follow the entry before it: an entry was removed, inserted "
                            "or moved here"]
        if audit_chain.entry_hash(entry) != entry.get(HASH_FIELD):
            return walked, [f"{where} does not match its own hash: it was changed after it was written"]
        signed = SIG_FIELD in entry
        if signed and unsigned_since is not None:
            return walked, [f"audit {unsigned_since} is not signed, but every entry after signing began must be: "
                            "it was added outside the app"]
        if signed and not keys.signature_valid(AUDIT, entry):
            return walked, [f"{where} has a signature that does not verify: it was forged or changed"]
        if newer is not None and SIG_FIELD in newer[1] and not audit_chain.takes_in(newer[1]):
            dating = audit_chain.dating_problem(newer[1].get("at"), entry.get("at"), now)
            if dating:
                return walked, [f"audit {newer[0]} {dating}"]
        if signed and entry.get("key") == own_key:
            return walked, []
        problem = anchors.problem(str(entry.get("by")), str(entry.get("key")), str(entry.get("at"))) \
            if signed and anchors else None
        if problem:
            return walked, [f"{where} {problem}"]
        if not signed:
            unsigned_since = unsigned_since or audit_id
        else:
            walked.append(audit_id)
            if audit_chain.takes_in(entry):  # a repair, or an import (it took in what it brought)
                return walked, []
        newer = (audit_id, entry)
    if newer is not None and SIG_FIELD in newer[1]:
        dating = audit_chain.dating_problem(newer[1].get("at"), None, now)
        if dating:
            return walked, [f"audit {newer[0]} {dating}"]
    return walked, []


class NothingToRepair(StoreError):
    """``repair`` on a file whose record checks: nothing is written."""


REPAIRABLE = frozenset({audit_chain.RECORD_CHANGED, audit_chain.RECORD_ADDED, audit_chain.RECORD_REMOVED})


def repair(tx: Transaction, reason: str, reported: Sequence[tuple[str, str]] = ()) -> list[str]:
    """Append the signed ``repair`` entry and one signed ``seal`` per record found changed or named in
    ``reported`` (``verify``'s breaks as ``(where, message)``: who signed what, and whether they were
    allowed, is the services' to check); returns what was wrong."""
    snap = tx.snapshot
    document = snap.doc
    breaks = audit_chain.verify_document(document)
    entries = [e for _, e in audit_chain.ordered(document.get("audit", {})) if isinstance(e, dict)]
    legacy = bool(entries) and SIG_FIELD not in entries[0] and not taken_in(document.get("audit", {}))
    unsigned = next((n for n, entry in enumerate(entries) if SIG_FIELD in entry), len(entries))
    found = list(dict.fromkeys([
        *problems(snap), *(f"{b.where} {b.message}" for b in breaks), *(f"{w} {m}" for w, m in reported),
        *([f"audit 1-{unsigned}: unsigned history from before signing, not yet taken in"] if legacy else []),
    ]))
    if not found:
        raise NothingToRepair("the file's record checks: there is nothing to repair")
    shown = "; ".join(found[:20]) + (f"; and {len(found) - 20} more" if len(found) > 20 else "")
    tx.audit(REPAIR, "meta", None, f"repaired: {reason} (found: {shown})",
             extra={audit_chain.TAKEN_IN: audit_chain.history_digest(entries)})
    named = [b.where for b in breaks if b.kind in REPAIRABLE] + [where for where, _ in reported]
    for where in dict.fromkeys(named):
        table, _, record = where.partition(" ")
        if record.isdigit() and table not in audit_chain.UNCHAINED_TABLES and table in document:
            row = document[table].get(record)
            judgements = row.get("judgements") if table == "evidence" and isinstance(row, Mapping) else None
            tx.audit("seal", table, int(record), "recorded as found when the file was repaired",
                     extra={"judgements": judgements} if isinstance(judgements, list) else None)
    return found


def refuse_unsound(path: Path, snap: Snapshot, anchors: Callable[[], Anchors], now: str | None = None,
                   allowed: Callable[[Snapshot, Sequence[str]], str | None] | None = None) -> None:
    """Raise :class:`Unsound` unless this reading may be written to; checked once per reading, since
    every entry added after the check is this process's own, signed as it is added. Every entry since this
    account's own newest one is checked (:func:`unvouched`), not the newest alone: an entry appended on top
    of a bad one does not make it sound. ``allowed`` says why the signer of one of those entries (their ids,
    newest first) was not allowed to make it (the roster is the services' to read), or ``None``."""
    if snap.sound:
        return
    given = anchors()
    first = snap.record("audit", "1")
    pre_signing = snap.found_version < SIGNED_VERSION or (isinstance(first, Mapping) and SIG_FIELD not in first)
    managed = pre_signing and is_managed(path, given)
    found = problems(snap, given, now, managed=managed)
    if not found and managed and snap.found_version >= SIGNED_VERSION and not taken_in(snap.doc.get("audit", {})):
        found = [UNTAKEN]
    walked: list[str] = []
    if not found and snap.found_version >= SIGNED_VERSION:
        moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
        walked, found = unvouched(snap, given, moment, keys.own_signer().public)
    if not found and allowed is not None and walked:
        found = [problem] if (problem := allowed(snap, walked)) else []
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise Unsound(path, found[0] + more)
    snap.sound = True
