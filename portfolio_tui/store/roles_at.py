"""Who held which role on a cohort's roster, and when: readers count a judgement, a sign-off or a confirmation only
when the roster, as it stood when it was made, gave its account that role for the portfolio (review R7-8).

``verify`` asks the same of each entry's signer (``services.signature_check``: the roster at the entry's date). An
apprentice's own acceptance of her evidence, or her assessor's sign-off, signed with her own key, passed every
check a reader makes (the record is as its entry left it) and counted towards the gateway. Here the roster's
history is read once per folder and process (its file's identity noted), and turned into each account's spans of
holding a role that covers the portfolio, so that a reader's question costs a look-up and a comparison of two
times as text (the app writes every time in one ISO-8601 form, as ``verify``'s ``rosters_at`` compares them).

Times are to the second, and nothing orders an entry and a roster change of the same second (two files): an
account holds a role through the second of the change that takes it away, as ``verify`` takes it (review D16).

What a tutor's repair or import took in (made before it) is history, not asked again, as ``verify`` takes it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from portfolio_tui.domain import roles
from portfolio_tui.domain.audit_chain import SIG_FIELD

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from portfolio_tui.domain.signatures import Anchors

Span = tuple[str, str | None, str]
"""(from, until or None, role): the account held the role, covering the portfolio, from ``from`` until ``until``
(both seconds included: see the module)."""

SIGNOFF_ROLE: dict[str, str] = {signoff: role for role, signoff in roles.SIGNOFF_OF_ROLE.items()}
"""The roster role each gateway sign-off is made in (assessor: tutor)."""
PARTY_ROLE: dict[str, str] = {party: role for role, party in roles.REVIEW_PARTY_OF_ROLE.items()}
"""The roster role each party to a review (and the employer of its decisions) confirms as."""
JUDGING = frozenset({"accept", "refer"})
"""A tutor's judgements (a reopen mark is the editor's own, and only takes back)."""


class RolesAt:
    """Each account's spans of holding a role that covers one portfolio, from a roster's checked history; and the
    keys that may sign in each account's name (:attr:`keys`)."""

    __slots__ = ("spans", "began", "keys", "anchored")

    def __init__(self, history: Sequence[Mapping[str, Any]], portfolio: str, anchors: Anchors | None = None):
        self.spans: dict[str, list[Span]] = {}
        self.began = str(history[0].get("at", "")) if history else ""
        self.anchored = bool(anchors)
        self.keys: dict[str, frozenset[str]] = {}
        """Account -> the keys that sign in its name: those the allowed-signers file enrols for it, or without one
        the key it first signed the roster with (as ``verify`` holds an entry's signer to its ``by``, review
        R7-6). The key an entry names is compared, not its signature checked (that costs a caseload's reading
        several times over: ``verify``'s to do), so an entry signed with one account's own key in another's name
        is not believed; one naming the other's key over a signature that does not verify is verify's to name."""
        if anchors:
            for anchor in anchors.anchors:
                self.keys[anchor.account] = self.keys.get(anchor.account, frozenset()) | {anchor.key}
        else:
            for change in history:
                if SIG_FIELD in change:
                    self.keys.setdefault(str(change.get("by")), frozenset({str(change.get("key"))}))
        times = [str(change.get("at", "")) for change in history]
        for index in range(len(history)):
            until = times[index + 1] if index + 1 < len(times) else None
            if until is not None and until < times[index]:
                continue  # (stood for no time at all)
            roster = roles.replay(history[:index + 1])
            for account, entry in roster.entries.items():
                if entry.covers(portfolio):
                    self.spans.setdefault(account, []).append((times[index], until, entry.role))

    def holds(self, account: object, role: str, at: object) -> bool:
        """Did ``account`` hold ``role`` for the portfolio at ``at``?"""
        if type(at) is not str:
            return False
        for start, until, held in self.spans.get(account, ()) if type(account) is str else ():
            if held == role and start <= at and (until is None or at <= until):
                return True
        return False


class RoleCheck:
    """The records a reader takes in whose judgements, sign-offs or confirmations were made by an account the
    roster did not give that role then, or made by no entry of their own account: each named with the time of the
    first such, for :meth:`flagged` to leave out what a repair or an import took in.

    The role is asked of the name a judgement or a sign-off holds (``by``), so that name must be its maker's: a
    judgement counts only when an entry signed in the same name at the same moment lists it as made (``made``), and
    a sign-off only when an entry in its name added it (``adders``), as ``verify`` holds them (review F3: an
    apprentice's own signed entry holding an acceptance and a sign-off in her tutor's name counted for every
    reader). Unsigned history vouches for what it lists, as verify takes it (``store.untaken`` decides what that
    counts for); a tutor's ``seal`` in a repair for the judgements it lists as found.
    """

    __slots__ = ("roles", "found", "judged", "made", "signed_off", "adders", "deleted", "seals")

    def __init__(self, roles_at: RolesAt):
        self.roles = roles_at
        self.found: dict[tuple[str, str], str] = {}
        self.judged: dict[str, list[Any]] = {}
        """Evidence id -> the judgements it holds (the record's own list: nothing is made of it unless asked)."""
        self.made: dict[str, list[tuple[int, tuple[Any, Any] | None, list[Any]]]] = {}
        """Evidence id -> (audit id, who made them, by and at; ``None``: any) and the judgements each entry listed as
        made."""
        self.signed_off: dict[str, tuple[Any, str]] = {}
        """Sign-off id -> (who it names, when) for each sign-off (not a withdrawal)."""
        self.adders: dict[str, list[tuple[int, Any]]] = {}
        """Sign-off id -> (audit id, the account) of each entry that added it (:data:`ANYONE`: unsigned history)."""
        self.seals: set[int] = set()
        """The audit ids of the signed ``seal`` entries (a repair's, once :meth:`unlisted` let them stand)."""
        self.deleted: dict[tuple[str, str], int] = {}
        """Record -> the audit id of the newest entry deleting it: what was made of it before is not of the record
        now there under its id (review F12: a piece "deleted" and added again, wider, kept its acceptance)."""

    def records(self, table: str, records: Mapping[str, Any]) -> None:
        check = _CHECKS.get(table)
        if check is None:
            return
        for record_id, record in records.items():
            if type(record) is dict:
                at = check(self.roles, record)
                if at is not None:
                    self.found[(table, record_id)] = at
                if table == "evidence":
                    judgements = record.get("judgements")
                    if judgements:
                        self.judged[record_id] = judgements
                elif table == "signoffs" and record.get("withdrawal") is not True:
                    self.signed_off[record_id] = (record.get("by"), str(record.get("created_at")))

    def signer(self, named: tuple[str, str], entry: dict[str, Any]) -> None:
        """A signed entry about the record ``named``: one whose key is not one that signs in its ``by``'s name
        (with anchors, one not enrolled for it) leaves the record not believed."""
        keys = self.roles.keys.get(entry.get("by"))  # type: ignore[arg-type]
        if keys is None and not self.roles.anchored:
            return
        if keys is None or entry.get("key") not in keys:
            self.found.setdefault(named, str(entry.get("at", "")))

    def unlisted(self, named: tuple[str, str], entry: dict[str, Any]) -> None:
        """A signed entry about the record ``named`` that changes it without listing how, as only the app's own
        bookkeeping does (:data:`UNLISTING`): a ``seal`` is a tutor's repair, and a ``migrate`` or an ``import``
        entry changes no record, so one by anyone else, or about a record, leaves it not believed (review F11: an
        apprentice's own seal made what a review held as added "not to be told", so a confirmation in her tutor's
        name, dated as the tutor's adding of it, counted)."""
        action = entry.get("action")
        if action == "seal" and self.roles.holds(entry.get("by"), roles.TUTOR, entry.get("at")):
            return
        if action == "create" and named == ("learner", "1"):
            return  # (the portfolio's start; a second is a rewrite: ``audit_index.Fingerprints.rewrites``)
        self.found.setdefault(named, str(entry.get("at", "")))

    def may_take_in(self, entry: dict[str, Any]) -> bool:
        """May a repair or an import (``audit_chain.takes_in``) take in the history before it, for readers: signed,
        with a key that signs in its ``by``'s name (as :meth:`signer`), by a tutor of the portfolio then (review F4:
        an apprentice's own "repair" made everything before it history, her own acceptance included). Its digest
        of that history is ``verify``'s to check (``store.sealing.taken_in`` before a save)."""
        by = entry.get("by")
        if SIG_FIELD not in entry or type(by) is not str:
            return False
        keys = self.roles.keys.get(by)
        if (keys is not None or self.roles.anchored) and (keys is None or entry.get("key") not in keys):
            return False
        return self.roles.holds(by, roles.TUTOR, entry.get("at"))

    def maker(self, record: str, entry: dict[str, Any], signed: bool, order: int) -> None:
        """An entry about the evidence or sign-off ``record``: what it made in its own name (see the class). (Lean:
        it runs for every such entry the gateway reads.)"""
        changes = entry.get("changes")
        change = changes.get("judgements") if type(changes) is dict else None
        if type(change) is dict:
            listed = change.get("to")
            if not signed and type(listed) is list and type(change.get("from")) is list:
                listed = [*listed, *change["from"]]
            who = (entry.get("by"), entry.get("at")) if signed else None
        elif entry.get("table") == "signoffs":
            if entry.get("action") in _ADDING:
                self.adders.setdefault(record, []).append((order, entry.get("by") if signed else ANYONE))
            return
        elif entry.get("action") == "seal" and (
                not signed or self.roles.holds(entry.get("by"), roles.TUTOR, entry.get("at"))):
            listed, who = entry.get("judgements"), None
        else:
            return
        if type(listed) is list:
            self.made.setdefault(record, []).append((order, who, listed))

    def flagged(self, taken_at: str, changed_after: Callable[[tuple[str, str]], bool] | None = None) -> list[str]:
        """``table id`` of each record found, but for one whose word came before ``taken_at`` (a repair, an import) and
        that did not change since (``changed_after``: was it changed by an entry after the repair? A word's date is its
        writer's to give: one dated back before a repair, in an entry after it, passed as history, review F13)."""
        found = self.found
        deleted = self.deleted
        for record_id, judgements in self.judged.items():
            made, since = self.made.get(record_id, ()), deleted.get(("evidence", record_id), 0)
            for judgement in judgements:
                if type(judgement) is not dict or judgement.get("outcome") not in JUDGING:
                    continue
                mine = (judgement.get("by"), judgement.get("at"))
                for order, who, listed in made:
                    if (who is None or who == mine) and order > since and judgement in listed:
                        break
                else:
                    found.setdefault(("evidence", record_id), str(judgement.get("at")))
                    break
        for record_id, (by, at) in self.signed_off.items():
            since = deleted.get(("signoffs", record_id), 0)
            if not any(order > since and (adder is ANYONE or adder == by)
                       for order, adder in self.adders.get(record_id, ())):
                found.setdefault(("signoffs", record_id), at)
        return [f"{table} {record_id}" for (table, record_id), at in found.items()
                if at > taken_at or (changed_after is not None and changed_after((table, record_id)))]


UNLISTING = frozenset({"seal", "migrate", "import", "create"})
"""Actions :meth:`RoleCheck.unlisted` asks about (an ``add`` or a ``delete`` is the record's own; ``repair`` is
``meta``'s)."""
ANYONE = object()
"""An adder that vouches for any name: unsigned history (``store.untaken`` decides what it counts for)."""
_ADDING = frozenset({"add", "create"})


def _judgements(held: RolesAt, record: dict[str, Any]) -> str | None:
    """(Lean: it runs for every judgement the gateway counts. Most accounts hold one span, still open: that is
    looked at first.)"""
    judgements = record.get("judgements")
    if not judgements:
        return None
    spans, tutor = held.spans, roles.TUTOR
    for judgement in judgements:
        if type(judgement) is not dict or judgement.get("outcome") not in JUDGING:
            continue
        at = judgement.get("at")
        mine = spans.get(judgement.get("by"))  # type: ignore[arg-type]
        if mine is not None and len(mine) == 1 and type(at) is str:
            start, until, role = mine[0]
            if role == tutor and start <= at and until is None:
                continue
        if not held.holds(judgement.get("by"), tutor, at):
            return str(at)
    return None


def _signoff(held: RolesAt, record: dict[str, Any]) -> str | None:
    at = record.get("created_at")
    role = SIGNOFF_ROLE.get(record.get("role"))  # type: ignore[arg-type]
    if record.get("withdrawal") is True or (role is not None and held.holds(record.get("by"), role, at)):
        return None
    return str(at)


def _confirmations(field: str) -> Callable[[RolesAt, dict[str, Any]], str | None]:
    def check(held: RolesAt, record: dict[str, Any]) -> str | None:
        for made in record.get(field) or ():
            if type(made) is dict:
                role = PARTY_ROLE.get(made.get("party"))  # type: ignore[arg-type]
                if role is None or not held.holds(made.get("by"), role, made.get("at")):
                    return str(made.get("at"))
        return None
    return check


_CHECKS = {"evidence": _judgements, "signoffs": _signoff, "reviews": _confirmations("confirmations"),
           "learner": _confirmations("employer_confirmations")}


def _anchors() -> Anchors | None:
    """The anchors in force (``None`` where they cannot be trusted: the roster was refused then anyway)."""
    from portfolio_tui.store import trust

    try:
        return trust.load_anchors()
    except trust.TrustError:
        return None


_held: dict[str, tuple[tuple[object, ...], RolesAt]] = {}
"""Folder and portfolio -> (the roster file's identity and the anchors', its spans): read once per process while
neither changed."""


def for_portfolio(path: str | Path) -> RolesAt | None:
    """The spans of the roster beside the portfolio at ``path``; ``None`` only outside a cohort (no roster, in a folder
    that is not a cohort's: ``store.untaken.in_cohort``), where the file's owner may do everything.

    A cohort folder whose roster is missing, unreadable or refused gives no one any role: each judgement, sign-off
    and confirmation in it is not believed. Checking none then let an apprentice's own acceptance and assessor's
    sign-off count the moment she deleted the roster, or renamed a copy of it over itself (hers now, so refused),
    which any group member may do (review F2)."""
    from portfolio_tui import roster as roster_io

    folder, name = os.path.split(os.fspath(path))
    roster_file = os.path.join(folder or ".", roster_io.ROSTER_FILE)
    try:
        st = os.stat(roster_file, follow_symlinks=False)
    except FileNotFoundError:
        return _unrostered(folder or ".", name)
    except OSError:
        return RolesAt((), name, _anchors())
    identity = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, *_anchors_identity())
    key = f"{folder}\0{name}"
    kept = _held.get(key)
    if kept is not None and kept[0] == identity:
        return kept[1]
    try:
        checked = roster_io.read_roster(folder or ".")
    except roster_io.RosterError:
        checked = None
    # (``None`` here: the roster went between the look and the reading; no role is known either way)
    spans = RolesAt(checked[1] if checked is not None else (), name, _anchors())
    _held[key] = (identity, spans)
    return spans


def _anchors_identity() -> tuple[object, ...]:
    """The trust anchors' file as it is now, and who may write its folder: the keys each account signs with, and
    whether the roster is refused, follow them (review F6: a program that ran on kept spans and keys while root
    enrolled or revoked a key, its roster unchanged). (``store.trust`` is imported by the roster's reading anyway.)"""
    from portfolio_tui.store import trust

    path = trust.trust_path()
    found: list[object] = []
    for place in (path, path.parent):
        try:
            st = os.stat(place)
        except OSError as exc:
            found.append(type(exc).__name__)
            continue
        found += [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode, st.st_uid]
    return tuple(found)


def _unrostered(folder: str, name: str) -> RolesAt | None:
    """A folder with no roster: ``None`` (the owner's file) unless it is a cohort's, whose roster is then missing."""
    try:
        if not os.stat(folder).st_mode & 0o020:  # (a private folder is no cohort's: nothing more to look at)
            return None
    except OSError:
        return None
    from portfolio_tui.store.untaken import in_cohort

    return RolesAt((), name, _anchors()) if in_cohort(os.path.join(folder, name)) else None
