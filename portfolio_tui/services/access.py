"""May the person running this process change this portfolio? Every mutating service asks first.

The person is the OS account of the process's uid (:func:`identity.current_user`), never the
``actor`` a service was built with: that name only labels the audit entries (tests and the sample
generator pass one), so passing another name cannot borrow another person's rights. What the
account may do comes from the roster in the portfolio's folder (``domain.roles``); without one,
the account that owns the file may do everything to it, except in a managed folder (one under
trust anchors, see ``roster``), where no roster means no change at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from portfolio_tui import identity, sharing
from portfolio_tui import roster as roster_io
from portfolio_tui.domain import roles
from portfolio_tui.domain.text import clean_text
from portfolio_tui.store.errors import StoreError
from portfolio_tui.store.files import PathList

TYPE_CHECKING = False  # typing and pathlib cost the start-up of ``portfolio gateway``
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from portfolio_tui.services.views import Access

EMPLOYER_CONFIRMATION = "employer-confirmation"

TABLE_ACTIONS: dict[str, str] = {
    "learner": "portfolio.setup",
    "reviews": "review.record",
    "otj": "otj.record",
    "breaks": "progress.record",
    "prerequisites": "progress.record",
    "checklist": "progress.record",
    "milestones": "progress.record",
    "grades": "grade.record",
    "comments": "comment",
}
"""The action that changing a record of each table needs (sign-offs, evidence and the employer's
confirmation are decided by :func:`record_actions`, from the record and the change)."""


class UntrustedRoster(StoreError):
    """The folder's roster failed its checks, so nothing says who may change the portfolio.

    A refused file, like a corrupt portfolio: the CLI exits 2 and the TUI says so; nothing is written.
    """


def authorize(path: Path, action: str) -> None:
    """Raise :class:`~portfolio_tui.domain.roles.NotAllowed` (saying who may) unless this process's
    OS account may do ``action`` to the portfolio at ``path``."""
    from pathlib import Path

    path = Path(path)
    roster, owner = _roster_and_owner(path, managed=True)
    roles.require(roles.may(roster, identity.current_user(), action, path.name, file_owner=owner))
    if action != "view":
        _require_enrolled(path.parent)


class NotEnrolled(StoreError):
    """In a managed folder this account's signing key is not in the trust anchors, so what it signed
    would not verify, and the file would be refused to everyone after it: nothing is written."""


def _require_enrolled(folder: Path) -> None:
    if not roster_io.is_managed(folder):
        return

    from portfolio_tui.domain.signatures import fingerprint
    from portfolio_tui.store import keys, trust
    from portfolio_tui.store.persistence import utc_now

    try:
        anchors = trust.load_anchors()
    except trust.TrustError as exc:
        raise UntrustedRoster(f"{exc} (nothing was changed)") from None
    me, key = identity.current_user(), keys.own_signer().public
    now = utc_now()
    if anchors.problem(me, key, now):
        raise NotEnrolled(
            f"your signing key ({fingerprint(key)}) is not enrolled for {me} in {trust.trust_path()}, so nothing "
            "was changed: send the admin what `portfolio keys show` prints (they run `portfolio trust add`)"
        )


def review_parties(path: Path) -> tuple[str, ...]:
    """The review parties this process's OS account may confirm for on the portfolio at ``path``
    (``domain.roles.review_parties``): read from the roster as it is now, so call it under the lock."""
    from pathlib import Path

    path = Path(path)
    roster, owner = _roster_and_owner(path)
    return roles.review_parties(roster, identity.current_user(), path.name, file_owner=owner)


def _roster_and_owner(path: Path, *, managed: bool = False) -> tuple[roles.Roster | None, str | None]:
    """What decides who may change the portfolio at ``path``: its folder's roster (``None`` without one;
    ``managed``: a managed folder must have one) and the file's owner (``None`` before it exists)."""
    try:
        if managed:
            roster_io.require_managed(path.parent)
        roster = roster_io.load_roster(path.parent)
    except roster_io.RosterError as exc:
        raise UntrustedRoster(f"{exc} (nothing was changed)") from None
    try:
        owner = sharing.owner_of(path)
    except FileNotFoundError:
        owner = None
    return roster, owner


def require_own_party(path: Path, party: str) -> None:
    """Raise :class:`~portfolio_tui.domain.roles.NotAllowed` unless this OS account may confirm a review
    as ``party`` on the portfolio at ``path``: its own role's party, nobody else's (the refusal says whose)."""
    from pathlib import Path

    path = Path(path)
    roster, owner = _roster_and_owner(path)
    me = identity.current_user()
    if party in roles.review_parties(roster, me, path.name, file_owner=owner):
        return
    roles.require(roles.confirm_refusal(roster, me, party, path.name, file_owner=owner))


def check_confirmations(path: Path, before: Mapping[str, Any] | None, changes: Mapping[str, Any] | None,
                        actor: str, now: str) -> None:
    """Under the lock, the confirmations a change adds to a review: each this account's own party's, made by
    it (``actor``) now, one per party; those already there unchanged. Every path that writes a review's
    confirmations goes through here, so none can record another party's confirmation or rewrite one."""
    if changes is None or "confirmations" not in changes:
        return
    old = list((before or {}).get("confirmations", []))
    new = list(changes["confirmations"] or [])
    if new[:len(old)] != old:
        raise roles.NotAllowed(roles.Decision(False, "a review's confirmations are only ever added to: "
                                                     "none may be changed or taken back"))
    confirmed = {c.get("party") for c in old}
    for made in new[len(old):]:
        party = made.get("party") if isinstance(made, Mapping) else None
        require_own_party(path, str(party))
        if made.get("by") != actor or made.get("at") != now:
            raise roles.NotAllowed(roles.Decision(False, "a confirmation is recorded under the account making it, "
                                                         "at the time it is made"))
        if party in confirmed:
            from portfolio_tui.services.errors import InputError

            raise InputError("review", f"the {party} has already confirmed this review")
        confirmed.add(party)


def check_employer_confirmations(before: Mapping[str, Any] | None, changes: Mapping[str, Any] | None,
                                 actor: str, now: str) -> None:
    """Under the lock, the confirmations a change adds to the learner's record (``employer_confirmations``,
    ``domain.employer_decisions``): each the employer's, made by this account (``actor``) now, of a decision
    as the record holds it after the change and not confirmed already as it stands; those already there
    unchanged. Whether this account may confirm for the employer at all (``employer.decide``, the line
    manager's) is asked of the roster by ``record_actions``. Every path that writes the learner's record goes
    through here, so none can record the employer's confirmation in another's name, rewrite or take back
    one, or confirm terms the record does not hold."""
    if changes is None or "employer_confirmations" not in changes:
        return
    from portfolio_tui.domain import employer_decisions
    from portfolio_tui.domain.learner import Learner
    from portfolio_tui.services.errors import InputError
    from portfolio_tui.store.records import from_record

    old = list((before or {}).get("employer_confirmations", []))
    new = list(changes["employer_confirmations"] or [])
    if new[:len(old)] != old:
        raise roles.NotAllowed(roles.Decision(False, "the employer's confirmations are only ever added to: "
                                                     "none may be changed or taken back"))
    after = from_record(Learner, 1, {**(before or {}), **changes, "employer_confirmations": old})
    for made in new[len(old):]:
        decision = made.get("decision") if isinstance(made, Mapping) else None
        if decision not in employer_decisions.EMPLOYER_DECISIONS:
            raise InputError("decision", f"{clean_text(str(decision))!r} is not one of the employer's decisions "
                                         f"({', '.join(employer_decisions.EMPLOYER_DECISIONS)})")
        if made.get("party") != employer_decisions.EMPLOYER or made.get("by") != actor or made.get("at") != now:
            raise roles.NotAllowed(roles.Decision(False, "the employer's confirmation is recorded as the employer, "
                                                         "under the account making it, at the time it is made"))
        if not employer_decisions.terms(after, decision) or made.get("terms") != employer_decisions.terms(after,
                                                                                                          decision):
            raise InputError("decision", f"the learner's record does not hold that {decision} decision "
                                         f"({clean_text(str(made.get('terms')))!r}) to confirm")
        if employer_decisions.confirmation(after, decision) is not None:
            raise InputError("decision", f"the employer has already confirmed the {decision} decision as it stands")
        after = employer_decisions.confirmed(after, decision, actor, now)


def record_actions(table: str, before: Mapping[str, Any] | None, changes: Mapping[str, Any] | None) -> set[str]:
    """The actions a change to one record of ``table`` needs.

    ``before`` is the record as it is (``None`` when adding one); ``changes`` the fields being set
    (the whole record when adding; ``None`` when removing it). A checklist record for the employer's
    confirmation is the line manager's, any other the tutor's, and a change that turns one into the
    other needs both; a change to the learner's record adding the employer's confirmation of its decisions
    is the line manager's (``employer.decide``), any other change to it the tutor's; a change to evidence
    judgements is an assessment; a sign-off is its role's.
    Deleting any record, and changing a comment once made, are actions no role holds (without a roster
    the file's owner may still do everything to their own file): evidence is removed to the bin, and a
    comment, a review or a judgement is someone's word in the learner's history.
    """
    if changes is None:  # deleting a record outright (the bin keeps removed evidence: that is an edit)
        return {"record.remove"}
    if table == "comments" and before is not None:
        return {"comment.edit"}
    if table == "evidence":
        if before is None:
            return {"evidence.add"}
        needed = {"evidence.assess"} if "judgements" in changes else set()
        if set(changes) - {"judgements"}:
            needed.add("evidence.edit")
        return needed
    if table == "learner" and "employer_confirmations" in changes and changes["employer_confirmations"] != (
            before or {}).get("employer_confirmations", []):
        # The employer's part is the line manager's (``check_employer_confirmations``); the rest is setting up.
        rest = before is None or set(changes) - {"employer_confirmations"}
        return {"employer.decide"} | ({"portfolio.setup"} if rest else set())
    if table == "reviews" and changes is not None and changes.get("confirmations"):
        # Confirming is each party's own (``check_confirmations`` decides whose); anything else is recording.
        return {"review.confirm"} | ({"review.record"} if before is None or set(changes) - {"confirmations"} else set())
    states = [r for r in (before, None if changes is None else {**(before or {}), **changes}) if r is not None]
    return {_action(table, state) for state in states}


def _action(table: str, record: Mapping[str, Any]) -> str:
    if table == "signoffs":
        role = record.get("role")
        if role not in roles.SIGNOFF_ACTIONS:
            raise ValueError(f"a sign-off's role is one of {', '.join(roles.SIGNOFF_ORDER)}, not {role!r}")
        return roles.SIGNOFF_ACTIONS[role]
    if table == "checklist" and record.get("key") == EMPLOYER_CONFIRMATION:
        return "employer.confirm"
    try:
        return TABLE_ACTIONS[table]
    except KeyError:
        raise ValueError(f"no action decides who may change the table '{table}'") from None


def load_roster(folder: str | Path) -> roles.Roster | None:
    """The folder's roster (``None`` when it has none); :class:`UntrustedRoster` when it fails its checks."""
    try:
        return roster_io.load_roster(folder)
    except roster_io.RosterError as exc:
        raise UntrustedRoster(f"{exc} (nothing is shown)") from None


def viewable(paths: Sequence[str | Path], named: Iterable[str | Path] = (), *, account: str | None = None) -> PathList:
    """The portfolios among ``paths`` that ``account`` (default: this OS account) may see, by each folder's roster.

    A portfolio found in a folder that the viewer may not see is left out, as a line manager's
    caseload holds only their own apprentices; one the viewer named explicitly is refused with
    :class:`~portfolio_tui.domain.roles.NotAllowed`, saying who may see it.

    What is decided is what will be read (review R14): a name that is a symbolic link is the file it points
    to, so the roster of that file's folder decides, by that file's name, and the target's path is what is
    returned (a group member's ``app2.json -> app1.json`` is app1's portfolio, whoever's name the link has).
    The readers open what is returned without following a link (``store.reading``), so a name swapped for a
    link after this check is refused, not read.
    """
    account = account or identity.current_user()
    explicit = {os.path.realpath(p) for p in named}  # (``Path.resolve()`` of a file that is there, as text)
    rosters: dict[str, roles.Roster | None] = {}
    texts = paths.texts if isinstance(paths, PathList) else [os.fspath(p) for p in paths]
    shown: list[str] = []  # as text: a caseload's paths are held from its first file to its last
    targets: set[int] = set()  # where ``shown`` holds a link's target
    for given in texts:
        linked = os.path.islink(given)
        text = os.path.realpath(given) if linked else given
        # Split as text, not as a Path: pathlib interns every name it parses (see store.files.PathList).
        folder, name = os.path.split(text)
        if folder not in rosters:
            try:
                rosters[folder] = load_roster(folder)
            except UntrustedRoster:
                if not linked or os.path.realpath(given) in explicit:
                    raise
                continue  # a link into a folder whose roster fails its checks: nothing says who may see it
        decision = roles.may(rosters[folder], account, "view", name)
        if decision.allowed:
            if linked:
                targets.add(len(shown))
            shown.append(text)
        elif os.path.realpath(given) in explicit:
            roles.require(decision)
    return PathList(_each_file_once(shown, targets) if targets else shown)


def _each_file_once(shown: list[str], targets: set[int]) -> list[str]:
    """``shown`` with each link's target (at ``targets``) left out where the file is listed already, by its own name
    or by another link: a target is its ``realpath``, a name found in a folder is as the folder was named (``c``,
    not ``/home/tess/c``), so the two are compared by the file each names, not as text."""
    own = {os.path.realpath(text) for at, text in enumerate(shown) if at not in targets}
    return list(dict.fromkeys(text for at, text in enumerate(shown) if at not in targets or text not in own))


def access_for(path: Path, account: str | None = None) -> Access:
    """What ``account`` (default: this process's OS account) may do to the portfolio at ``path``,
    from the roster beside it and who owns the file (file I/O: the TUI calls it in a worker thread)."""
    from portfolio_tui.services.views import Access  # here: the view models cost a headless gateway's start-up

    account = account or identity.current_user()
    try:
        owner: str | None = sharing.owner_of(path)
    except OSError:
        owner = None
    try:
        roster = roster_io.load_roster(path.parent)
    except roster_io.RosterError as exc:
        return Access(path, account, file_owner=owner, roster_problem=clean_text(str(exc)))
    return Access(path, account, roster, owner)
