"""``portfolio verify``'s signature checks of one portfolio document: who signed each entry, may they.

The hash chain says whether the file is as it was written (``domain.audit_chain``); these checks
say who wrote it and whether they were allowed to:

* every audit entry after signing began is signed, and its signature verifies (an entry from
  before is legacy: reported as unsigned history, not as forged; in a cohort, where anyone in the
  group could have written it, what it judged and signed off counts only once a tutor's repair took
  it in);
* what came before a tutor's ``repair`` that took it in (its ``taken_in`` digest still matches) is
  history: shown in a note, its problems no longer breaks; so is what came before a tutor's ``import``, which
  checked it as it came in (by the roster it was made under, if the export brought one: review D12);
* with anchors, each key was enrolled for the entry's ``by`` when it signed; without, a note says
  the signatures are not anchored;
* each signed entry's change was one its signer was allowed to make by the roster as it stood
  then (the roster's history is signed too, and checked by ``roster``); with anchors and no roster,
  what only a tutor may do needs a key enrolled as tutor or admin; ``create`` is audit 1 only,
  for the learner's record, and needs whoever may set portfolios up; ``migrate`` only notes an
  upgrade (table ``meta``, no record changed): anywhere else either is a forgery, since it would
  pass for a change nobody needed permission for; ``import`` notes where the file came from (the
  export's name and sha256; table ``meta``, no record changed) and needs whoever may set portfolios up;
* no signed entry adds a record that exists, or changes one without listing its changes (``_rewrite_problems``):
  either would pass for a change nobody needed permission for;
* each signed entry is dated no earlier than the entry it follows, nor in the future, give or take
  ``audit_chain.CLOCK_SKEW``: permission is judged by the roster at the entry's own date, so someone
  taken off the roster could otherwise date their entry back to when they were on it;
* no signed entry changed what a tutor accepted (a judged field of the piece) without reopening it;
* each judgement in an evidence record was made by a signed entry of the same account, and none
  made that way has gone missing since, unless a later assessment changed them; what a record held
  before an entry is replayed from the trusted entries before it, never read from the entry itself;
* each record names as who added it (``created_by``) the signer of the entry that added it, and as
  who last changed it (``updated_by``) the signer of the last entry that changed it;
* each sign-off came after the ones before it (assessor, apprentice, employer) that still stood,
  each withdrawal took back a sign-off of its own signer that stood with none after it, and each
  names as its signer (``by``) the account whose entry added it;
* each confirmation (of a review, or of the employer's decisions on the learner's record) names as its
  account the signer of the entry that made it (``confirmation_check``);
* a schema version older than the signatures in the file was set back outside the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from portfolio_tui.domain import audit_chain, roles
from portfolio_tui.domain.audit_chain import Break
from portfolio_tui.domain.evidence import JUDGED_FIELDS, REOPEN
from portfolio_tui.domain.progress import SignOff
from portfolio_tui.domain.signatures import AUDIT, Anchors, fingerprint, is_signed
from portfolio_tui.services import confirmation_check
from portfolio_tui.services.access import record_actions
from portfolio_tui.store import audit_index, keys
from portfolio_tui.store.audit_index import Reopenings
from portfolio_tui.store.reading import Snapshot
from portfolio_tui.store.sealing import SIGNED_VERSION

FORGED = "forged"
UNSIGNED = "unsigned"
UNANCHORED = "not-enrolled"
NOT_ALLOWED = "not-allowed"
DOWNGRADED = "downgraded"
ORDER = "order"
JUDGEMENT = "judgement"
MISSING = "missing"

ADD = "add"
CREATE = "create"
DELETE = "delete"
MIGRATE = "migrate"
IMPORT = "import"
REPAIR = "repair"
SEAL = "seal"
REPAIR_ACTIONS = frozenset({REPAIR, SEAL})
UNVOUCHED = "not-vouched"


@dataclass(frozen=True)
class Checked:
    """What :func:`check_signatures` found: breaks, notes, and what a tutor's repair took in as found."""

    breaks: list[Break]
    notes: list[str]
    taken_in: frozenset[str] = frozenset()
    """``audit N`` of each entry before the last trusted ``repair``: its problems are history, not breaks."""
    sealed: frozenset[str] = frozenset()
    """``table N`` of each record a trusted repair sealed as found (its chain problems are history too)."""
    taken_at: str = ""
    """When that repair was made: what was cut off before it (your receipts say) it took in too."""


def check(
    document: Mapping[str, Any],
    path: Path,
    anchors: Anchors,
    roster_history: Sequence[Mapping[str, Any]] | None,
) -> tuple[list[Break], list[str]]:
    """The breaks and notes for the signatures of ``document``; ``roster_history`` ``None``: no roster to ask."""
    checked = check_signatures(document, path, anchors, roster_history)
    return checked.breaks, checked.notes


def check_signatures(
    document: Mapping[str, Any],
    path: Path,
    anchors: Anchors,
    roster_history: Sequence[Mapping[str, Any]] | None,
) -> Checked:
    """:func:`check` with what a repair took in.

    Unsigned history from before signing (legacy) vouches for the judgements and sign-offs it made
    only where nothing is managed (no roster, no anchors). In a cohort, anyone in the group could
    write such a history by hand (review F13), so it counts once a tutor has taken it in with
    ``portfolio repair``: a signed ``repair`` entry whose ``taken_in`` digest is that of every entry
    before it. The same goes for any other problem before such a repair (review F4): the tutor
    checked it, and it is shown as history from then on.
    """
    audit = document.get("audit")
    if not isinstance(audit, Mapping):
        return Checked([], [])
    items: list[tuple[str, Mapping[str, Any]]] = [(k, e) for k, e in audit_chain.ordered(audit) if isinstance(e, dict)]
    breaks: list[Break] = []
    notes: list[str] = []
    signed_at = next((i for i, (_, e) in enumerate(items) if is_signed(e)), None)
    version = _version(document)
    managed = roster_history is not None or bool(anchors)
    if signed_at is None:
        if version >= SIGNED_VERSION and items:
            breaks.append(Break("audit", UNSIGNED, f"the file says schema version {version}, but no entry is signed: "
                                "its signatures were stripped"))
            return Checked(breaks, notes)
        if items and not managed:
            notes.append(f"audit 1-{items[-1][0]}: unsigned history from before signing (legacy), not checked")
        if not managed:
            return Checked(breaks, notes)
        signed_at = len(items)
    elif version < SIGNED_VERSION:
        breaks.append(Break("meta 1", DOWNGRADED, f"the schema version was set back to {version} outside the app: "
                            "the file holds signed entries"))
    if signed_at < len(items) and not anchors:
        notes.append("signatures are not anchored (no allowed-signers file): they show what each key signed, "
                     "not whose key it is")
    if roster_history is None and anchors:
        notes.append("no roster beside the file: who was allowed to make each change was checked only against the "
                     "roles the allowed-signers file enrols keys with (a tutor's work needs a key enrolled as tutor)")
    now = datetime.now(UTC)
    taken = _taken_in(items, signed_at, anchors, roster_history, path, now)
    legacy: _Judged | None = None
    if taken is not None:
        first = taken
        entry = items[taken][1]
        how = "`portfolio import`" if entry.get("action") == IMPORT else "`portfolio repair`"
        notes.append(f"audit 1-{items[taken - 1][0]}: taken in as found by {entry.get('by')} at {entry.get('at')} "
                     f"(audit {items[taken][0]}, {how}): {entry.get('detail')}")
    else:
        first = signed_at
        if signed_at and not managed:
            notes.append(f"audit 1-{items[signed_at - 1][0]}: unsigned history from before signing (legacy), "
                         "not checked")
        elif signed_at:
            notes.append(f"audit 1-{items[signed_at - 1][0]}: unsigned history from before signing (legacy) that "
                         "no tutor has taken in: the judgements and sign-offs it made are not counted until a tutor "
                         "checks them and takes the file in with `portfolio repair`")
            legacy = _Judged()
            for audit_id, entry in items[:signed_at]:
                legacy.follow(audit_id, entry, legacy=True)
    trusted = list(items[:first]) if taken is not None or not managed else []
    judged = _Judged(legacy)
    for audit_id, entry in trusted:
        judged.follow(audit_id, entry, legacy=True)
    rewrites = _rewrite_problems(items)
    keys_of = None if anchors else _keys_of(roster_history)
    for position, (audit_id, entry) in enumerate(items[first:], start=first):
        where = f"audit {audit_id}"
        problem = _entry_problem(entry, anchors) or _action_problem(entry, position) or rewrites.get(position)
        if problem is None and keys_of is not None:
            problem = _key_problem(entry, keys_of)
        if problem is None and audit_chain.takes_in(entry) and (
                entry[audit_chain.TAKEN_IN] != audit_chain.history_digest([e for _, e in items[:position]])):
            problem = (audit_chain.CHANGED, f"is a{'n' if entry.get('action') == IMPORT else ''} {entry.get('action')} "
                       "whose history before it was changed since the tutor took it in: changed outside the app")
        if problem is None:
            previous = items[position - 1][1].get("at") if position and not audit_chain.takes_in(entry) else None
            dating = audit_chain.dating_problem(entry.get("at"), previous, now)
            problem = (ORDER, dating) if dating else None
        if problem is None:
            problem = _permission_problem(entry, document, path, roster_history, judged, anchors)
        if problem is not None:
            breaks.append(Break(where, problem[0], problem[1]))
        else:
            trusted.append((audit_id, entry))
            judged.follow(audit_id, entry, legacy=False)
    breaks += judged.breaks + judged.unbacked(document)
    breaks += _unreopened_breaks(trusted)
    breaks += _unstated_breaks(document, trusted)
    trusted_ids = {audit_id for audit_id, _ in trusted}
    breaks += _author_breaks(document, items[first:], trusted_ids)
    untaken = items[:signed_at] if taken is None and managed else []
    legacy_signoffs = {str(e.get("record")) for _, e in untaken
                       if e.get("table") == "signoffs" and e.get("action") == ADD}
    breaks += _signoff_breaks(document, trusted, legacy_signoffs)
    breaks += confirmation_check.breaks(document, trusted, (audit_id for audit_id, _ in items[first:]),
                                        None if roster_history is None else _parties_of(roster_history, path.name))
    sealed = frozenset(f"{e.get('table')} {e.get('record')}" for _, e in trusted[first:]
                       if e.get("action") == SEAL and taken is not None)
    return Checked(breaks, notes, frozenset(f"audit {audit_id}" for audit_id, _ in items[:taken or 0]), sealed,
                   str(items[taken][1].get("at")) if taken is not None else "")


def _taken_in(
    items: Sequence[tuple[str, Mapping[str, Any]]], signed_at: int, anchors: Anchors,
    roster_history: Sequence[Mapping[str, Any]] | None, path: Path, now: datetime,
) -> int | None:
    """The position of the last ``repair`` entry that took in the history before it and may be trusted to:
    signed by an enrolled key of someone allowed to repair the file then, and that history unchanged since."""
    for position in range(len(items) - 1, signed_at - 1, -1):
        entry = items[position][1]
        if not audit_chain.takes_in(entry) or position == 0:
            continue
        if (_entry_problem(entry, anchors) is None
                and audit_chain.dating_problem(entry.get("at"), None, now) is None
                and _permission_problem(entry, {}, path, roster_history, _Judged(), anchors) is None
                and entry[audit_chain.TAKEN_IN] == audit_chain.history_digest([e for _, e in items[:position]])):
            return position
    return None


def _version(document: Mapping[str, Any]) -> int:
    meta = document.get("meta")
    record = meta.get("1") if isinstance(meta, Mapping) else None
    version = record.get("schema_version") if isinstance(record, Mapping) else None
    return version if isinstance(version, int) else 0


def _entry_problem(entry: Mapping[str, Any], anchors: Anchors) -> tuple[str, str] | None:
    if not is_signed(entry):
        return UNSIGNED, "is not signed, but every entry after signing began must be: it was added outside the app"
    if not keys.signature_valid(AUDIT, entry):
        return FORGED, f"claims to be by {entry.get('by')}, but its signature does not verify: forged or changed"
    if anchors:
        problem = anchors.problem(str(entry.get("by")), str(entry.get("key")), str(entry.get("at")))
        if problem:
            return UNANCHORED, problem
    return None


def _keys_of(roster_history: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    """Without anchors, the key that speaks for each account that signed the roster (a tutor, its owner): the one
    it signed it with first, as the roster's own history holds its signers to it (``roster.signature_problems``)."""
    found: dict[str, str] = {}
    for change in roster_history or ():
        if is_signed(change):
            found.setdefault(str(change.get("by")), str(change.get("key")))
    return found


def _key_problem(entry: Mapping[str, Any], keys_of: dict[str, str]) -> tuple[str, str] | None:
    """Without anchors a signature shows only what its own key signed, so an entry "by" an account whose key the
    roster pins (:func:`_keys_of`) must be signed with that key (review R7-6: an apprentice's entry "by" the tutor,
    signed with her own key, verified). An account that never signed the roster has no key to hold it to here."""
    by, key = str(entry.get("by")), str(entry.get("key"))
    known = keys_of.get(by)
    if known is None or known == key:
        return None
    return FORGED, (f"claims to be by {by}, but is signed with a key other than the one {by} signs with "
                    f"({fingerprint(key)}, not {fingerprint(known)}): someone else signed it")


def rosters_at(history: Sequence[Mapping[str, Any]], at: str) -> list[roles.Roster | None]:
    """The rosters that stood in ``at``'s second, oldest first (``None``: before the roster began).

    Times are to the second, and an entry and a roster change are in two files: nothing tells which of an entry and
    a change of the same second came first. So an entry of the second of a change may have been made under the
    roster before it or after it (or between two changes of that second), and is allowed if any of them allowed it
    (review D16: judged by the roster after, an honest acceptance made just before the tutor's roster change was
    "not allowed", and every later save refused until a repair). This gives nobody more than they had: an entry may
    be dated up to ``audit_chain.CLOCK_SKEW`` before the one it follows, so someone taken off the roster could
    already date theirs a second before the change."""
    times = [str(change.get("at", "")) for change in history]
    found: list[roles.Roster | None] = [None] if not times or at <= times[0] else []
    for index, start in enumerate(times):
        if start <= at and (index + 1 == len(times) or at <= times[index + 1]):
            found.append(roles.replay(history[:index + 1]))
    return found or [None]


def _parties_of(history: Sequence[Mapping[str, Any]], portfolio: str) -> Callable[[str, str], tuple[str, ...]]:
    """The confirming parties the roster as it stood at a time makes an account for ``portfolio``: its review
    party (``roles.review_parties``), and ``employer`` for the employer's decisions when it is the line manager
    (any roster of that second's: :func:`rosters_at`)."""
    def parties(account: str, at: str) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for roster in rosters_at(history, at):
            if roster is not None:
                found.update(dict.fromkeys(roles.review_parties(roster, account, portfolio)))
        return tuple(found)
    return parties


def _action_problem(entry: Mapping[str, Any], position: int) -> tuple[str, str] | None:
    """A ``create`` or ``migrate`` entry anywhere the app does not write one (it would pass for a change
    nobody needed permission for)."""
    action = entry.get("action")
    if action == CREATE and (position, entry.get("table"), entry.get("record")) != (0, "learner", 1):
        return FORGED, ("is a 'create' entry, which the app writes only as audit 1, for the learner's record: "
                        "added outside the app")
    if action == MIGRATE and ((entry.get("table"), entry.get("record")) != ("meta", 1)
                              or "changes" in entry or "record_hash" in entry):
        return FORGED, ("is a 'migrate' entry that changes a record, but the app's upgrade entries only note "
                        "the new schema version: added outside the app")
    if action == IMPORT and ((entry.get("table"), entry.get("record")) != ("meta", 1)
                             or "changes" in entry or "record_hash" in entry
                             or not isinstance(entry.get("source"), str) or not isinstance(entry.get("sha256"), str)):
        return FORGED, ("is an 'import' entry that changes a record or does not name the export it came from, but "
                        "the app's import entries only note where the file came from: added outside the app")
    return None


RECORDING_ACTIONS = frozenset({ADD, CREATE, DELETE, MIGRATE, IMPORT, *REPAIR_ACTIONS})
"""Entries the app writes about a record without listing what changed field by field (``changes`` from/to): its
adding (the record is all new), its deletion (``changes`` holds the record), a repair's seal (taken in as found)."""


def _rewrite_problems(items: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[int, tuple[str, str]]:
    """Entries that replace a record in a way the app never does, by position. Permission is asked of what an
    entry says it did, so one that gives a change another name passes for a change nobody needed permission for:

    * an ``add`` of a record that exists (an earlier entry added it and none deleted it since): the app gives a new
      record a new id, so this is the record rewritten whole, an acceptance or a review replaced as if it were new
      (review R7-13: the apprentice's own ``add`` of a piece the tutor accepted, wider, still accepted);
    * an entry that changes a record and lists no change (``changes`` missing or empty): the app lists every field
      it changes, and the permission check reads that list (review R7-14: any enrolled account's "edit" with no
      ``changes`` needed no permission at all).

    Existence is followed through every entry, from before signing too: a record the history made exists."""
    found: dict[int, tuple[str, str]] = {}
    made: dict[tuple[str, str], str] = {}
    for position, (audit_id, entry) in enumerate(items):
        table, record, action = entry.get("table"), entry.get("record"), entry.get("action")
        if not isinstance(table, str) or table in audit_chain.UNCHAINED_TABLES or record is None:
            continue
        key = (table, str(record))
        if action in (ADD, CREATE) and key in made:
            found[position] = FORGED, (f"adds {table} {record}, which audit {made[key]} added and nothing has removed: "
                                       "the record rewritten whole, as if new (the app gives a new record a new id)")
        elif action not in RECORDING_ACTIONS and "record_hash" in entry and not (
                isinstance(entry.get("changes"), Mapping) and entry["changes"]):
            found[position] = FORGED, (f"changes {table} {record} but lists no change, which the app always does "
                                       "(who may make a change is decided by what it changes): written outside the app")
        if action == DELETE and entry.get("record_hash", "") is None:
            made.pop(key, None)
        elif action in (ADD, CREATE, SEAL):
            made.setdefault(key, audit_id)
    return found


def _permission_problem(
    entry: Mapping[str, Any], document: Mapping[str, Any], path: Path, history: Sequence[Mapping[str, Any]] | None,
    judged: _Judged, anchors: Anchors,
) -> tuple[str, str] | None:
    """Why the entry's signer was not allowed its change: by the roster as it stood then, or with no roster
    to ask but anchors (an exported copy checked with only the allowed-signers file, review F20), by the role
    the signer's key is enrolled with: what only a tutor may do needs a key enrolled as tutor or admin."""
    if history is None:
        return _role_problem(entry, document, judged, anchors) if anchors else None
    by, at = str(entry.get("by")), str(entry.get("at"))
    needed = set() if entry.get("action") == CREATE else _needed(entry, document, judged)
    problem = None
    for roster in rosters_at(history, at):  # (any roster of the entry's second: see rosters_at)
        if entry.get("action") == CREATE:
            # A portfolio made before its folder had a roster was made by whoever could write there.
            needed = {"portfolio.setup"} if roster is not None else set()
        problem = _roster_problem(roster, by, at, needed, path)
        if problem is None:
            return None
    return problem


def _roster_problem(roster: roles.Roster | None, by: str, at: str, needed: set[str], path: Path
                    ) -> tuple[str, str] | None:
    if not needed:
        return None
    if roster is None:
        return NOT_ALLOWED, f"is by {by} at {at}, before the folder's roster began: nobody could allow it"
    for name in sorted(needed):
        decision = roles.may(roster, by, name, path.name)
        if not decision.allowed:
            return NOT_ALLOWED, f"is by {by} at {at}, who was not allowed to then: {decision.reason}"
    return None


def signers_problem(path: Path, snap: Snapshot, ids: Sequence[str]) -> str | None:
    """Why the store must not save on top of this reading of the portfolio at ``path``: the signer of one of the
    entries ``ids`` (newest first: those this account has not vouched for, ``store.sealing.unvouched``) was not
    allowed that change by the folder's roster as it stood then (review F4: saves went on building on such an
    entry; and one appended on top of it, however allowed, does not make it sound). Each is judged only by the
    roster: an unsigned one, or one from before the roster began (a cohort given a roster later), is the
    store's own check, and a roster or anchors that fail their checks refuse every change anyway
    (``services.access``)."""
    from portfolio_tui import roster as roster_io
    from portfolio_tui.store.trust import TrustError, load_anchors

    try:
        checked = roster_io.read_roster(path.parent)
        anchors = load_anchors()
    except (roster_io.RosterError, TrustError):
        return None
    if checked is None or not checked[1]:
        return None
    own = keys.own_signer().public
    keys_of = None if anchors else _keys_of(checked[1])
    for audit_id in ids:
        entry = snap.record("audit", audit_id)
        if isinstance(entry, Mapping) and is_signed(entry) and entry.get("key") != own:
            problem = _roster_key_problem(entry, keys_of) or _stored_rewrite(snap, audit_id, entry) \
                or _signer_problem(path, snap, entry, checked[1], anchors)
            if problem is not None:
                return f"audit {audit_id} {problem}"
    return None


def _roster_key_problem(entry: Mapping[str, Any], keys_of: dict[str, str] | None) -> str | None:
    """:func:`_key_problem` for the store, of an account that signed the roster (a tutor, say): its roster key."""
    found = _key_problem(entry, keys_of) if keys_of is not None else None
    return None if found is None else found[1]


def _stored_rewrite(snap: Snapshot, audit_id: str, entry: Mapping[str, Any]) -> str | None:
    """:func:`_rewrite_problems` of one entry the store is about to build on: its own shape, and for an ``add``, the
    newest entry before it naming the record (none, or a deletion: the record was new)."""
    table, record = entry.get("table"), entry.get("record")
    if not isinstance(table, str) or table in audit_chain.UNCHAINED_TABLES or record is None \
            or not audit_id.isdigit():
        return None
    earlier: list[tuple[str, Mapping[str, Any]]] = []
    if entry.get("action") in (ADD, CREATE):
        found = audit_index.named_before(snap, table, str(record), int(audit_id))
        if found is not None and not (found[1].get("action") == DELETE and found[1].get("record_hash", "") is None):
            earlier = [(found[0], {**found[1], "action": ADD})]
    problem = _rewrite_problems([*earlier, (audit_id, entry)]).get(len(earlier))
    return None if problem is None else problem[1]


def _signer_problem(path: Path, snap: Snapshot, entry: Mapping[str, Any], history: Sequence[Mapping[str, Any]],
                    anchors: Anchors) -> str | None:
    """Why the roster did not allow ``entry``'s signer its change (one this account signed is its own doing,
    whatever name labels it: the check is for others)."""
    at = str(entry.get("at"))
    if at <= str(history[0].get("at")):
        return None  # (times are to the second: an entry of the second the roster began may be from before it)
    table, record_id = entry.get("table"), str(entry.get("record"))
    record = snap.record(table, record_id) if isinstance(table, str) else None
    document = {table: {record_id: record}} if isinstance(table, str) and isinstance(record, Mapping) else {}
    judged = _Judged()  # what the piece held before: the entry's own word, for this check (verify replays it)
    changes = entry.get("changes")
    change = changes.get("judgements") if isinstance(changes, Mapping) else None
    if isinstance(change, Mapping):
        judged.made[record_id] = {audit_chain.canonical(j): "" for j in change.get("from") or ()
                                  if isinstance(j, Mapping)}
    problem = _permission_problem(entry, document, path, history, judged, anchors)
    return None if problem is None else problem[1]


def _role_problem(
    entry: Mapping[str, Any], document: Mapping[str, Any], judged: _Judged, anchors: Anchors,
) -> tuple[str, str] | None:
    if entry.get("action") == CREATE:
        return None  # who may start a portfolio is the folder's roster's to say; an export brings it
    tutors_only = sorted(name for name in _needed(entry, document, judged)
                         if roles.ACTIONS.get(name) and roles.ACTIONS[name].roles == (roles.TUTOR,))
    by, at = str(entry.get("by")), str(entry.get("at"))
    if tutors_only and not anchors.may_sign_rosters(by, str(entry.get("key")), at):
        rule = roles.ACTIONS[tutors_only[0]]
        return NOT_ALLOWED, (f"is by {by} at {at}, whose key is not enrolled as tutor or admin in the allowed-signers "
                             f"file, and only a tutor may {rule.verb} a portfolio (no roster beside the file says "
                             "otherwise)")
    return None


def _needed(entry: Mapping[str, Any], document: Mapping[str, Any], judged: _Judged) -> set[str]:
    """The actions the change an entry records needed (what ``access.record_actions`` asks before it)."""
    table, action = entry.get("table"), entry.get("action")
    if action in REPAIR_ACTIONS:
        return {"portfolio.repair"}
    if action == MIGRATE:
        return set()  # it notes an upgrade; the change that made it is an entry of its own
    if action == IMPORT:
        return {"portfolio.setup"}  # an import starts the portfolio in its folder, as `new` does
    if not isinstance(table, str) or table in audit_chain.UNCHAINED_TABLES:
        return set()
    tables = document.get(table)
    current = tables.get(str(entry.get("record"))) if isinstance(tables, Mapping) else None
    current = current if isinstance(current, Mapping) else {}
    changes = entry.get("changes")
    try:
        if action == "add":
            return record_actions(table, None, dict(current))
        if action == "delete":
            removed = changes.get("record") if isinstance(changes, Mapping) else None
            return record_actions(table, dict(removed) if isinstance(removed, Mapping) else {}, None)
        changed = dict(changes) if isinstance(changes, Mapping) else {}
        if table == "evidence" and judged.reopens(entry):
            # The app's own mark that an edit sent accepted work back: part of the edit, not an assessment.
            del changed["judgements"]
            return record_actions(table, dict(current), changed) | {"evidence.edit"}
        return record_actions(table, dict(current), changed)
    except ValueError:
        return {"progress.record"}


class _Judged:
    """The judgements each evidence record holds by the trusted entries so far, replayed along the chain.

    What a record held before an entry is what the trusted entries before it left there, never the
    entry's own ``changes.from``: that is written by the entry's signer, who could list in it a
    judgement in someone else's name to have it pass as one already made.
    """

    def __init__(self, legacy: _Judged | None = None) -> None:
        self.made: dict[str, dict[bytes, str]] = {}  # evidence id -> canonical judgement -> audit id that made it
        self.breaks: list[Break] = []
        self.legacy = legacy
        """What unsigned history no tutor took in made: carried along by later entries, never counted."""

    def held(self, evidence: str) -> list[bytes]:
        """The judgements (canonical text, in order) the record holds by the trusted entries so far."""
        return list(self.made.get(evidence, {}))

    def reopens(self, entry: Mapping[str, Any]) -> bool:
        """Does ``entry`` change a judged field of a piece and only append its own ``reopen`` mark to the
        judgements the piece held (what ``domain.evidence.reopening`` adds when accepted work is edited)?"""
        changes = entry.get("changes")
        if not isinstance(changes, Mapping):
            return False
        change = changes.get("judgements")
        after = change.get("to") if isinstance(change, Mapping) else None
        if not isinstance(after, list) or not after or not any(name in JUDGED_FIELDS for name in changes):
            return False
        mark = after[-1]
        held = [audit_chain.canonical(j) if isinstance(j, Mapping) else None for j in after[:-1]]
        return (isinstance(mark, Mapping) and mark.get("outcome") == REOPEN
                and (mark.get("by"), mark.get("at")) == (entry.get("by"), entry.get("at"))
                and held == self.held(str(entry.get("record"))))

    def follow(self, audit_id: str, entry: Mapping[str, Any], *, legacy: bool) -> None:
        """Take in a trusted entry; one adding a judgement in a name other than its signer's is a break.

        Legacy history (from before signing) is not checked: a judgement its own ``from`` lists counts
        as made before it. A tutor's ``seal`` in a repair lists the judgements the piece held then, as found.
        """
        sealed = entry.get("judgements")
        if entry.get("action") == SEAL and entry.get("table") == "evidence" and isinstance(sealed, list):
            self.made[str(entry.get("record"))] = {
                audit_chain.canonical(j): audit_id for j in sealed if isinstance(j, Mapping)}
            return
        changes = entry.get("changes")
        if entry.get("table") != "evidence" or not isinstance(changes, Mapping) or "judgements" not in changes:
            return
        change = changes["judgements"] if isinstance(changes["judgements"], Mapping) else {}
        evidence = str(entry.get("record"))
        earlier = self.made.get(evidence, {})
        before = set(earlier)
        if legacy:
            before |= {audit_chain.canonical(j) for j in change.get("from") or () if isinstance(j, Mapping)}
        self.made[evidence] = now = {}
        for judgement in change.get("to") or ():
            if not isinstance(judgement, Mapping):
                continue
            text = audit_chain.canonical(judgement)
            if text not in before and self.legacy is not None and text in self.legacy.made.get(evidence, {}):
                continue  # the change kept a judgement of the untaken history: still not counted (unbacked says)
            if text not in before and (judgement.get("by"), judgement.get("at")) != (entry.get("by"), entry.get("at")):
                self.breaks.append(Break(f"audit {audit_id}", JUDGEMENT, f"adds a judgement in the name of "
                                         f"{judgement.get('by')}, but is signed by {entry.get('by')}: forged"))
                continue
            now[text] = earlier.get(text, audit_id)

    def unbacked(self, document: Mapping[str, Any]) -> list[Break]:
        """Judgements in the evidence that no trusted entry made, and ones made that are gone (one that untaken
        legacy history made is not counted, but is not called forged either)."""
        breaks = []
        evidence_table = document.get("evidence")
        for evidence_id, record in audit_chain.ordered(evidence_table if isinstance(evidence_table, Mapping) else {}):
            judgements = record.get("judgements") if isinstance(record, Mapping) else None
            present = {audit_chain.canonical(j) for j in judgements or () if isinstance(j, Mapping)}
            backed = self.made.get(evidence_id, {})
            unvouched = self.legacy.made.get(evidence_id, {}) if self.legacy is not None else {}
            for judgement in judgements or ():
                if not isinstance(judgement, Mapping) or audit_chain.canonical(judgement) in backed:
                    continue
                if audit_chain.canonical(judgement) in unvouched:
                    breaks.append(Break(f"evidence {evidence_id}", UNVOUCHED, (
                        f"holds a judgement by {judgement.get('by')} at {judgement.get('at')} from unsigned history "
                        "that no tutor has taken in: not vouched for (anyone in the group could have written it; a "
                        "tutor who checks it takes the file in with `portfolio repair`)")))
                else:
                    maybe = ", or made in unsigned history no tutor has taken in" if self.legacy is not None else ""
                    breaks.append(Break(f"evidence {evidence_id}", JUDGEMENT,
                                        f"holds a judgement by {judgement.get('by')} at {judgement.get('at')} that "
                                        f"no signed assessment made: forged{maybe}"))
            for text, audit_id in backed.items():
                if text not in present:
                    breaks.append(Break(f"evidence {evidence_id}", MISSING, f"lost a judgement that audit {audit_id} "
                                        "recorded: removed outside an assessment"))
        return breaks


def _unreopened_breaks(trusted: list[tuple[str, Mapping[str, Any]]]) -> list[Break]:
    """Each piece whose judged fields a signed entry changed after a tutor accepted it, with no reopen mark and no
    new judgement: the reopen rule lives in the editing client, and a client with it taken out leaves an
    acceptance standing over what the tutor never saw (review F1; ``store.audit_index.Reopenings``)."""
    reopenings = Reopenings()
    for audit_id, entry in trusted:
        if audit_id.isdigit() and isinstance(entry, dict):
            reopenings.entry(int(audit_id), entry)
    return [Break(f"evidence {evidence}", JUDGEMENT, f"changed after {who} accepted it, without being reopened")
            for evidence, who in sorted(reopenings.unreopened().items(), key=_by_id)]


def _by_id(item: tuple[str, str]) -> tuple[int, int, str]:
    return audit_chain.id_order(item[0])


UNSTATED = "unstated"
BOOKKEEPING_ACTIONS = frozenset({ADD, CREATE, DELETE, MIGRATE, *REPAIR_ACTIONS})
"""Entries that record no change of fields (``changes`` from/to), so a record is not walked back past them."""


def _unstated_breaks(document: Mapping[str, Any], trusted: list[tuple[str, Mapping[str, Any]]]) -> list[Break]:
    """Each record a signed edit changed in more than the fields it records: the record is walked back from how
    it stands, entry by entry, each edit undone (its ``changes``' ``from``, the revision before, who and when from
    the entry before), and must come back to the ``record_hash`` of the entry before. A client that saved over a
    hand edit (the store's own check taken out) signs the hand edit too, and it shows here: the signed entry says
    it changed the hours, yet the criteria before it were not what the entry before recorded (review F1)."""
    named: dict[tuple[str, str], list[tuple[str, Mapping[str, Any]]]] = {}
    for audit_id, entry in trusted:
        table, record = entry.get("table"), entry.get("record")
        if isinstance(table, str) and table not in audit_chain.UNCHAINED_TABLES and record is not None \
                and "record_hash" in entry:
            named.setdefault((table, str(record)), []).append((audit_id, entry))
    breaks = []
    for (table, record_id), entries in named.items():
        record = _record(document, table, record_id)
        if record is None or audit_chain.record_digest(record) != entries[-1][1].get("record_hash"):
            continue  # gone or changed since its last entry: verify's record check names it
        state = dict(record)
        for (audit_id, entry), (_, before) in zip(reversed(entries), reversed(entries[:-1]), strict=False):
            changes = entry.get("changes")
            if entry.get("action") in BOOKKEEPING_ACTIONS or not isinstance(changes, Mapping) \
                    or before.get("action") in REPAIR_ACTIONS or before.get("action") == MIGRATE:
                break
            found = audit_chain.undone(state, changes, before, before.get("record_hash"))
            if found is None:
                breaks.append(Break(f"{table} {record_id}", UNSTATED, f"audit {audit_id} ({entry.get('by')}) changed "
                                    f"more than it records: the {singular_of(table)} was changed outside the app "
                                    f"after audit {before_id(entries, before)}, and the change signed over it"))
                break
            state = found
    return breaks


def before_id(entries: list[tuple[str, Mapping[str, Any]]], before: Mapping[str, Any]) -> str:
    return next(audit_id for audit_id, entry in entries if entry is before)


def singular_of(table: str) -> str:
    return {"evidence": "piece", "learner": "learner's record"}.get(table, "record")


def _author_breaks(document: Mapping[str, Any], signed: list[tuple[str, Mapping[str, Any]]],
                   trusted: set[str]) -> list[Break]:
    """Each record names as its author (``created_by``) the signer of the entry that added it, and as its
    last editor (``updated_by``) the signer of the last entry that changed it: the store writes both from
    the account saving, so a record naming anyone else was written in their name. A trusted seal (a tutor's
    repair) takes the record in as found."""
    added: dict[tuple[str, str], tuple[str, Mapping[str, Any]]] = {}
    written: dict[tuple[str, str], tuple[str, Mapping[str, Any]]] = {}
    for audit_id, entry in signed:
        table, action = entry.get("table"), entry.get("action")
        if not isinstance(table, str) or table in audit_chain.UNCHAINED_TABLES:
            continue
        key = (table, str(entry.get("record")))
        if action in (ADD, CREATE):
            added[key] = written[key] = (audit_id, entry)
        elif action == DELETE or (action == SEAL and audit_id in trusted):
            added.pop(key, None)
            written.pop(key, None)
        elif isinstance(entry.get("changes"), Mapping):  # an edit (a seal or repair changes nobody's fields)
            written[key] = (audit_id, entry)
    breaks = []
    for (table, record_id), (audit_id, entry) in added.items():
        record = _record(document, table, record_id)
        if record is not None and record.get("created_by") != entry.get("by"):
            breaks.append(Break(f"{table} {record_id}", FORGED, f"names {record.get('created_by')} as who added it, "
                                f"but audit {audit_id} that added it is signed by {entry.get('by')}: forged"))
    for (table, record_id), (audit_id, entry) in written.items():
        record = _record(document, table, record_id)
        if record is not None and record.get("updated_by") != entry.get("by"):
            breaks.append(Break(f"{table} {record_id}", FORGED, f"names {record.get('updated_by')} as who last "
                                f"changed it, but audit {audit_id} that did is signed by {entry.get('by')}: forged"))
    return breaks


def _record(document: Mapping[str, Any], table: str, record_id: str) -> Mapping[str, Any] | None:
    rows = document.get(table)
    record = rows.get(record_id) if isinstance(rows, Mapping) else None
    return record if isinstance(record, Mapping) else None


def _signoff_breaks(document: Mapping[str, Any], trusted: list[tuple[str, Mapping[str, Any]]],
                    unvouched: set[str]) -> list[Break]:
    """Sign-offs in the order assessor, apprentice, employer, each added by a trusted entry of its signer;
    one a tutor's repair sealed is taken as found; ``unvouched``: ones added by legacy history no tutor took in."""
    added = {str(e.get("record")): e for _, e in trusted if e.get("table") == "signoffs" and e.get("action") == "add"}
    sealed = {str(e.get("record")) for _, e in trusted if e.get("table") == "signoffs" and e.get("action") == SEAL}
    breaks = []
    made: list[SignOff] = []
    table = document.get("signoffs")
    for signoff_id, record in audit_chain.ordered(table if isinstance(table, Mapping) else {}):
        if not isinstance(record, Mapping):
            continue
        where, role = f"signoffs {signoff_id}", str(record.get("role"))
        entry = added.get(signoff_id)
        signoff = _signoff(record)
        if signoff_id in sealed:
            made.append(signoff)
            continue
        if entry is None and signoff_id in unvouched:
            breaks.append(Break(where, UNVOUCHED, f"the {role}'s sign-off by {record.get('by')} comes from unsigned "
                                "history that no tutor has taken in: not vouched for (a tutor who checks it takes "
                                "the file in with `portfolio repair`)"))
        elif entry is None:
            breaks.append(Break(where, FORGED, f"the {role}'s sign-off was not added by a signed entry: forged"))
        elif entry.get("by") != record.get("by"):
            breaks.append(Break(where, FORGED, f"names {record.get('by')} as the {role} who signed, but was added "
                                f"by {entry.get('by')}: forged"))
        # The app's own rule, replayed over the file: a withdrawal takes its sign-off out of the order.
        decision = (roles.check_withdrawal(made, role, signoff.by) if signoff.withdrawal
                    else roles.check_signoff(made, role, None if signoff.on == date.min else signoff.on))
        if not decision.allowed:
            breaks.append(Break(where, ORDER, f"out of order: {decision.reason}"))
        made.append(signoff)
    return breaks


def _signoff(record: Mapping[str, Any]) -> SignOff:
    """A stored sign-off as the order rules read it (a hand-edited date is no reason to stop reading)."""
    try:
        on = date.fromisoformat(str(record.get("on")))
    except ValueError:
        on = date.min
    return SignOff(role=str(record.get("role")), by=str(record.get("by")), on=on,
                   withdrawal=record.get("withdrawal") is True)

