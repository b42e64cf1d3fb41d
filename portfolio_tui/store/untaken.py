"""What readers leave uncounted in a cohort: a history from before signing that no tutor has taken in.

Anyone in a cohort's group can write a file whose history is unsigned (schema version 2 or older, or
a current file whose first entries carry no signature) by hand, the tutor's judgements and all three
sign-offs included (review F13). The store refuses to build on such a history until a tutor's
``portfolio repair`` takes it in (``store.sealing``), and ``verify`` calls what it judged and signed
off ``not-vouched``. Readers (the gateway, readiness, the evidence log) must not count it either: the
records that history wrote are named here, and the readers add them to what they do not believe
(``Portfolio.changed_outside``), so a piece loses its judgements and the gateway's item "No record
changed outside the app" fails, with ``portfolio verify`` and a tutor's repair as the way on.

Outside a cohort (one apprentice on a laptop) the history is the apprentice's own and counts, as
``verify`` says (``legacy``). "Taken in" is the store's own test (a signed ``repair`` whose digest of
the history before it still matches, ``sealing.taken_in``): whether its signer was allowed to repair is
``verify``'s and the store's to judge (a repair by someone else stops every other account's save).

A file whose first entry is signed costs one parsed line; only an unsigned one is read further.
"""

from __future__ import annotations

from collections.abc import Mapping

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.audit_chain import SIG_FIELD

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


def begins_unsigned(first: Any) -> bool:
    """Does a history whose first audit entry is ``first`` begin before signing (``None``: no entry)?"""
    return isinstance(first, Mapping) and SIG_FIELD not in first


def not_taken_in(snap: Any, path: Path) -> tuple[str, ...]:
    """The records (``evidence 2``) of a reading (``store.reading.Snapshot``) of the portfolio at ``path`` that
    unsigned history no tutor took in wrote, when the file is in a cohort folder; otherwise none."""
    if not begins_unsigned(snap.record("audit", "1")) or not in_cohort(path):
        return ()
    from portfolio_tui.store import sealing  # (signatures are checked only for such a file)

    audit = snap.table("audit")
    if sealing.taken_in(audit):
        return ()
    named: dict[str, None] = {}
    for _, entry in audit_chain.ordered(audit):
        if not isinstance(entry, Mapping) or SIG_FIELD in entry:
            break
        table, record = entry.get("table"), entry.get("record")
        if isinstance(table, str) and table not in audit_chain.UNCHAINED_TABLES and record is not None \
                and snap.has(table, str(record)):
            named[f"{table} {record}"] = None
    return tuple(named)


def in_cohort(path: str | Path) -> bool:
    """Is the portfolio in a cohort folder, as the store judges it before a save (``sealing.is_managed``): one
    with a roster, or one the group may write where there are trust anchors (anchors that cannot be read or
    trusted count as anchors: they manage the folder, and refuse every change in it)?"""
    from portfolio_tui import path_text, sharing
    from portfolio_tui.store.files import ROSTER_FILE
    from portfolio_tui.store.trust import TrustError, load_anchors

    folder = path_text.parent(path)  # (by its text, as a Path would name it: a gateway run starts without pathlib)
    if path_text.exists(path_text.joined(folder, ROSTER_FILE)):
        return True
    try:
        if not sharing.folder_is_shared(folder):
            return False
        return bool(load_anchors())
    except TrustError:
        return True
    except OSError:
        return False
