"""No silent re-sealing: a portfolio whose record does not check is not written to until it is repaired.

Appending a signed entry to a broken record would vouch for it, so before a change is saved the
store checks what it can check cheaply on every save, and the whole chain when a file is upgraded:

* a file whose schema version is older than the signatures it holds was set back outside the app
  (an older app would re-seal it "as found", forged entries included);
* the newest audit entry must match its own hash and, in a signed file, carry a valid signature
  by a key enrolled for its author where there are anchors (an entry appended by hand cannot be
  signed by anyone else);
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
    """Does a signed ``repair`` entry take in the history before it (its ``taken_in`` digest still matches)?
    Whether its signer was allowed to is ``verify``'s to say; this stops saves on a history nobody took in."""
    entries = [e for _, e in audit_chain.ordered(audit) if isinstance(e, Mapping)]
    return any(
        entry.get("action") == "repair" and SIG_FIELD in entry and keys.signature_valid(AUDIT, entry)
        and entry.get(audit_chain.TAKEN_IN) == audit_chain.history_digest(entries[:position])
        for position, entry in enumerate(entries)
    )


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
    tx.audit("repair", "meta", None, f"repaired: {reason} (found: {shown})",
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
                   allowed: Callable[[Snapshot], str | None] | None = None) -> None:
    """Raise :class:`Unsound` unless this reading may be written to; checked once per reading, since
    every entry added after the check is this process's own, signed as it is added. ``allowed`` says why
    the newest entry's signer was not allowed to make it (the roster is the services' to read), or ``None``."""
    if snap.sound:
        return
    given = anchors()
    first = snap.record("audit", "1")
    pre_signing = snap.found_version < SIGNED_VERSION or (isinstance(first, Mapping) and SIG_FIELD not in first)
    managed = pre_signing and is_managed(path, given)
    found = problems(snap, given, now, managed=managed)
    if not found and managed and snap.found_version >= SIGNED_VERSION and not taken_in(snap.doc.get("audit", {})):
        found = [UNTAKEN]
    if not found and allowed is not None:
        found = [problem] if (problem := allowed(snap)) else []
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise Unsound(path, found[0] + more)
    snap.sound = True
