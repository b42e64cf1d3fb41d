"""Who may do what to which portfolio in a cohort: roles, the roster, and gateway sign-off order.

A cohort folder on a shared server holds one portfolio file per apprentice and a roster that maps
OS accounts to a role and a scope:

- ``apprentice``: exactly one portfolio file name, their own;
- ``line-manager``: the portfolio file names of the apprentices they manage;
- ``tutor`` (the assessor): a caseload of portfolio file names, or ``*`` for every portfolio.

One account has one role in a roster. Portfolio names are file names inside the cohort folder
(``alice.json``); :func:`portfolio_key` normalises what people type (``alice``) to that form.

**No roster** (a single apprentice on a laptop, or a folder nobody has set up): every action on a
portfolio is allowed to the OS account that owns the portfolio file, and to anyone when the file
does not exist yet (creating it makes them its owner). Anyone else may only view it (the OS already
decided they can read it). Without a roster nothing says who the assessor is, so the app cannot
tell an apprentice from their tutor: a shared folder should always have one (``portfolio doctor``
says so).

Gateway sign-offs happen in the order assessor, apprentice, employer (:data:`SIGNOFF_ORDER`);
:func:`check_signoff` refuses one until the ones before it are in.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterable, Mapping, Sequence

from portfolio_tui.domain.text import unsafe_characters

TYPE_CHECKING = False  # typing and the progress records cost the start-up of ``portfolio gateway``, which asks `may`
if TYPE_CHECKING:
    from datetime import date
    from typing import Any

    from portfolio_tui.domain.progress import SignOff

# The values here are named tuples, not dataclasses: ``portfolio gateway`` asks :func:`may` before it
# reads anything, and the dataclasses module (with inspect, ast and dis behind it) would cost its start-up
# as much as the interpreter's own. Like frozen dataclasses they are immutable, compared by value and
# printed with their fields.

APPRENTICE = "apprentice"
LINE_MANAGER = "line-manager"
TUTOR = "tutor"
ROLES: dict[str, str] = {APPRENTICE: "apprentice", LINE_MANAGER: "line manager", TUTOR: "tutor (assessor)"}
EVERY_PORTFOLIO = "*"

ROSTER_FORMAT = "portfolio-tui roster"
ROSTER_VERSION = 1

_ACCOUNT = r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}\$?$"
"""An OS account's name (compiled when first needed, by re's own cache: a gateway run with no roster needs none)."""

# How a refusal names each role ("only <phrase> may ..."), and how a yes names the account's role.
_ROLE_PHRASES = {APPRENTICE: "the apprentice", LINE_MANAGER: "their line manager", TUTOR: "an assessor (tutor)"}
_HOLDER_PHRASES = {APPRENTICE: "the apprentice", LINE_MANAGER: "the line manager", TUTOR: "an assessor (tutor)"}


class _Rule(namedtuple("_Rule", "roles verb task why", defaults=("",))):
    """The roles that may do an action; its ``verb``: what it does, as "only X may <verb> <portfolio>" reads;
    its ``task``: the same as a task, as "<task> is for the apprentice" reads (the notice on a key that is not
    yours); for a rule no role holds, ``why`` no one may, said after "no one may <verb> <portfolio>"."""

    __slots__ = ()
    roles: tuple[str, ...]
    verb: str
    task: str
    why: str


ACTIONS: dict[str, _Rule] = {
    "view": _Rule((APPRENTICE, LINE_MANAGER, TUTOR), "see", "seeing this portfolio"),
    "evidence.add": _Rule((APPRENTICE,), "add evidence to", "adding evidence"),
    "evidence.edit": _Rule((APPRENTICE,), "edit, remove or restore evidence in",
                           "editing, removing or restoring evidence"),
    "evidence.assess": _Rule((TUTOR,), "accept or refer evidence in", "accepting or referring evidence"),
    "grade.record": _Rule((TUTOR,), "record grades in", "recording grades"),
    "employer.confirm": _Rule((LINE_MANAGER,), "record the employer's confirmation in", "the employer's confirmation"),
    "comment": _Rule((APPRENTICE, LINE_MANAGER, TUTOR), "comment on evidence in", "commenting on evidence"),
    "signoff.assessor": _Rule((TUTOR,), "sign off the gateway as assessor for", "signing off the gateway as assessor"),
    "signoff.apprentice": _Rule((APPRENTICE,), "sign off the gateway as apprentice for",
                                "signing off the gateway as apprentice"),
    "signoff.employer": _Rule((LINE_MANAGER,), "sign off the gateway as employer for",
                              "signing off the gateway as employer"),
    "otj.record": _Rule((APPRENTICE, TUTOR), "log off-the-job hours in", "logging off-the-job hours"),
    "review.record": _Rule((LINE_MANAGER, TUTOR), "record progress reviews in", "recording progress reviews"),
    "review.confirm": _Rule((APPRENTICE, LINE_MANAGER, TUTOR), "confirm their own party's part of progress reviews in",
                            "confirming a progress review"),
    "progress.record": _Rule((TUTOR,), "record breaks, prerequisites, checklist items and milestones in",
                             "recording breaks, prerequisites, checklist items and milestones"),
    "portfolio.setup": _Rule((TUTOR,), "create or change the learner profile of", "changing the learner profile"),
    "employer.decide": _Rule((LINE_MANAGER,), "confirm the employer's decisions (English and maths, prior learning, "
                             "review frequency) in", "confirming the employer's decisions"),
    "roster.edit": _Rule((TUTOR,), "edit the roster", "editing the roster"),
    "portfolio.repair": _Rule((TUTOR,), "repair the record of", "repairing the record"),
    "record.remove": _Rule((), "delete records from", "deleting records",
                           "removed evidence goes to the bin, and every other record is part of the learner's history"),
    "comment.edit": _Rule((), "change a comment already made in", "changing a comment already made",
                          "a comment is its author's word as written; add another to correct it"),
}
"""Every action the app checks. The first eleven are the issue's; ``otj.record``, ``review.record``,
``review.confirm``, ``progress.record`` and ``portfolio.setup`` cover the remaining records so that every
change a service makes has one action to ask about; ``employer.decide`` is the employer's part of the
learner's record (its confirmation of the decisions the funding rules give it, ``domain.employer_decisions``),
which the tutor records and only the line manager confirms. ``review.confirm`` is each person's own part of a
review: which party's, :func:`review_parties` says."""

SIGNOFF_ORDER: tuple[str, ...] = ("assessor", "apprentice", "employer")
SIGNOFF_ACTIONS: dict[str, str] = {role: f"signoff.{role}" for role in SIGNOFF_ORDER}
SIGNOFF_OF_ROLE: dict[str, str] = {TUTOR: "assessor", APPRENTICE: "apprentice", LINE_MANAGER: "employer"}
"""The gateway sign-off each roster role makes."""
REVIEW_PARTY_OF_ROLE: dict[str, str] = {APPRENTICE: "apprentice", LINE_MANAGER: "employer", TUTOR: "provider"}
"""The party to a progress review each roster role stands for (the line manager confirms for the employer,
the tutor for the training provider)."""


class RosterFormatError(ValueError):
    """A roster document is not what this version writes; ``where`` is the JSON path of the problem."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class NotAllowed(Exception):
    """Raised by :func:`require` for a refused :class:`Decision`; the message says who may."""

    def __init__(self, decision: Decision):
        super().__init__(decision.reason)
        self.decision = decision


class Decision(namedtuple("Decision", "allowed reason who_may", defaults=((),))):
    """Whether an account may do something, and why; ``who_may``: the accounts that may, when the answer is
    no and the roster names them."""

    __slots__ = ()
    allowed: bool
    reason: str
    who_may: tuple[str, ...]


class RosterEntry(namedtuple("RosterEntry", "role portfolios")):
    """One account's role on the roster and the portfolio file names it covers."""

    __slots__ = ()
    role: str
    portfolios: tuple[str, ...]

    def covers(self, portfolio_name: str) -> bool:
        return EVERY_PORTFOLIO in self.portfolios or portfolio_key(portfolio_name) in self.portfolios


class Roster(namedtuple("Roster", "owner entries")):
    """``owner``: the account that created the roster (it may always edit it); ``entries``: OS account
    name -> role and scope."""

    __slots__ = ()
    owner: str
    entries: Mapping[str, RosterEntry]

    def accounts(self, role: str, portfolio_name: str | None = None) -> tuple[str, ...]:
        """The accounts with ``role``, limited to those whose scope covers ``portfolio_name`` when given."""
        return tuple(
            sorted(
                account
                for account, entry in self.entries.items()
                if entry.role == role and (portfolio_name is None or entry.covers(portfolio_name))
            )
        )

    def role_of(self, account: str) -> str | None:
        entry = self.entries.get(account)
        return entry.role if entry else None


def portfolio_key(name: str) -> str:
    """A portfolio's name in a roster: its file name, with ``.json`` added when it has no suffix.

    Nothing else is changed: a name with a folder in it stays one, so :func:`check_portfolio_name`
    refuses it rather than the roster quietly naming another file.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if name == EVERY_PORTFOLIO or "." in base:
        return name
    return f"{name}.json"


def check_account(account: str) -> str | None:
    """Why ``account`` cannot be an OS account name, or ``None`` when it can."""
    if bad := unsafe_characters(account):
        return f"account name has control characters ({', '.join(bad)})"
    if not re.match(_ACCOUNT, account):
        return f"'{account}' is not an account name (letters, digits, '.', '_', '-', up to 64 characters)"
    return None


def check_portfolio_name(name: str) -> str | None:
    """Why ``name`` cannot name a portfolio file in the cohort folder, or ``None`` when it can."""
    if bad := unsafe_characters(name):
        return f"portfolio name has control characters ({', '.join(bad)})"
    if name == EVERY_PORTFOLIO:
        return None
    if not name.strip() or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        return f"'{name}' is not a file name in the cohort folder"
    return None


def check_entry(account: str, role: str, portfolios: Sequence[str]) -> tuple[str, str] | None:
    """The first problem with this roster entry as ``(field, message)``, or ``None`` when it is valid."""
    problem = check_account(account)
    if problem:
        return "account", problem
    if role not in ROLES:
        return "role", f"must be one of {', '.join(ROLES)}, not '{role}'"
    for name in portfolios:
        problem = check_portfolio_name(name)
        if problem:
            return "portfolio", problem
    if role == APPRENTICE and len(portfolios) != 1:
        return "portfolio", "an apprentice has exactly one portfolio (give --portfolio once)"
    if not portfolios:
        return "portfolio", f"a {ROLES[role]} needs at least one portfolio (--portfolio NAME)"
    if EVERY_PORTFOLIO in portfolios and role != TUTOR:
        return "portfolio", f"only a tutor's caseload can be '{EVERY_PORTFOLIO}' (every portfolio)"
    return None


def may(
    roster: Roster | None,
    account: str,
    action: str,
    portfolio_name: str | None = None,
    *,
    file_owner: str | None = None,
) -> Decision:
    """May ``account`` do ``action`` to the portfolio file ``portfolio_name``?

    ``file_owner`` is the OS account that owns the portfolio file (``None`` when it does not exist
    yet); it matters only when there is no roster. ``roster.edit`` ignores ``portfolio_name``.
    """
    rule = ACTIONS.get(action)
    if rule is None:
        raise ValueError(f"unknown action '{action}'")
    if roster is None:
        return _without_roster(account, action, rule, portfolio_name, file_owner)
    if action == "roster.edit":
        return _roster_edit(roster, account)
    if portfolio_name is None:
        raise ValueError(f"action '{action}' needs a portfolio name")
    name = portfolio_key(portfolio_name)
    if not rule.roles:
        return Decision(False, f"no one may {rule.verb} {name}: {rule.why}")
    entry = roster.entries.get(account)
    if entry is not None and entry.role in rule.roles and entry.covers(name):
        return Decision(True, f"{account} is {_HOLDER_PHRASES[entry.role]} on {name}")
    who = tuple(a for role in rule.roles for a in roster.accounts(role, name))
    return Decision(False, _refusal(roster, account, entry, rule, name, who), who)


def not_yours(action: str, role: str | None, who: Sequence[str] = ()) -> str:
    """One line for someone pressing a key their role does not have: what the key is for, whose it is
    and what they are not ("Adding evidence is for the apprentice (ava), not the line manager.")."""
    rule = ACTIONS[action]
    if not rule.roles:
        return f"{rule.task[0].upper()}{rule.task[1:]} is for no one: {rule.why}."
    whose = _either([_HOLDER_PHRASES[r] for r in rule.roles])
    if who:
        whose += f", {', '.join(who)}" if whose.endswith(")") else f" ({', '.join(who)})"
    you = f"not {_HOLDER_PHRASES[role]}" if role in _HOLDER_PHRASES else "and you are not on this cohort's roster"
    return f"{rule.task[0].upper()}{rule.task[1:]} is for {whose}, {you}."


def review_parties(
    roster: Roster | None, account: str, portfolio_name: str, *, file_owner: str | None = None
) -> tuple[str, ...]:
    """The review parties ``account`` may confirm for on this portfolio: its own role's one, on a roster.

    Without a roster nothing says who is who, so the file's owner, who may do everything to it, may
    record each party's confirmation, every one under its own account (the record then shows all
    three by the same account, which is what happened); anyone else none.
    """
    if not may(roster, account, "review.confirm", portfolio_name, file_owner=file_owner).allowed:
        return ()
    if roster is None:
        return tuple(REVIEW_PARTY_OF_ROLE.values())
    role = roster.role_of(account)
    return (REVIEW_PARTY_OF_ROLE[role],) if role in REVIEW_PARTY_OF_ROLE else ()


def confirm_refusal(
    roster: Roster | None, account: str, party: str, portfolio_name: str, *, file_owner: str | None = None
) -> Decision:
    """Why ``account`` may not confirm a review as ``party`` (or a yes, when it may), naming whose it is."""
    mine = review_parties(roster, account, portfolio_name, file_owner=file_owner)
    if party in mine:
        return Decision(True, f"{account} confirms as the {party}")
    if party not in REVIEW_PARTY_OF_ROLE.values():
        return Decision(False, f"a review is confirmed by the {', the '.join(REVIEW_PARTY_OF_ROLE.values())}; "
                               f"not '{party}'")
    if roster is None or not mine:  # (without a roster the owner may confirm as every party: ``mine`` is empty)
        return may(roster, account, "review.confirm", portfolio_name, file_owner=file_owner)
    role = next(r for r, p in REVIEW_PARTY_OF_ROLE.items() if p == party)
    who = roster.accounts(role, portfolio_name)
    whose = f": {', '.join(who)}" if who else ", and the roster names no one for it"
    return Decision(False, f"{account} confirms a review only as the {mine[0]}; only {_ROLE_PHRASES[role]} may "
                           f"confirm it as the {party}{whose}", who)


def require(decision: Decision) -> None:
    """Raise :class:`NotAllowed` when ``decision`` says no: services call ``require(may(...))``."""
    if not decision.allowed:
        raise NotAllowed(decision)


def _without_roster(
    account: str, action: str, rule: _Rule, portfolio_name: str | None, file_owner: str | None
) -> Decision:
    if action == "view":
        return Decision(True, "no roster: whoever can read the file may see it")
    if file_owner is None or file_owner == account:
        return Decision(True, "no roster: the file's owner may do everything to it")
    what = portfolio_key(portfolio_name) if portfolio_name else "this portfolio"
    target = "" if action == "roster.edit" else f" {what}"
    return Decision(
        False,
        f"this folder has no roster, so only the file's owner may {rule.verb}{target}: {file_owner}"
        " (a tutor can set one up with `portfolio roster init`)",
        (file_owner,),
    )


def _roster_edit(roster: Roster, account: str) -> Decision:
    if account == roster.owner:
        return Decision(True, f"{account} owns the roster")
    if roster.role_of(account) == TUTOR:
        return Decision(True, f"{account} is a tutor on the roster")
    who = _editors(roster)
    return Decision(False, f"only the roster's owner or a tutor may edit the roster: {', '.join(who)}", who)


def _editors(roster: Roster) -> tuple[str, ...]:
    """Who may edit the roster: its owner and every tutor on it."""
    return tuple(dict.fromkeys((roster.owner, *roster.accounts(TUTOR))))


def _refusal(
    roster: Roster, account: str, entry: RosterEntry | None, rule: _Rule, name: str, who: tuple[str, ...]
) -> str:
    roles = _either([_ROLE_PHRASES[r] for r in rule.roles])
    if who:
        head = f"only {roles} may {rule.verb} {name}: {', '.join(who)}"
    else:
        head = (
            f"only {roles} may {rule.verb} {name}, and the roster names no one for it"
            f" (the roster's owner or a tutor can add them: {', '.join(_editors(roster))})"
        )
    if entry is None:
        return f"{account} is not on this cohort's roster; {head}"
    return head


def _either(words: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def roster_from_dict(data: Any) -> Roster:
    """Read the roster document's ``owner`` and ``entries``; raise :class:`RosterFormatError` naming the field."""
    if not isinstance(data, dict):
        raise RosterFormatError("$", "a roster is a JSON object")
    if data.get("format") != ROSTER_FORMAT:
        raise RosterFormatError("$.format", f"must be '{ROSTER_FORMAT}'")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise RosterFormatError("$.version", "must be a whole number")
    if version > ROSTER_VERSION:
        raise RosterFormatError("$.version", f"written by a newer portfolio-tui (version {version}); upgrade")
    owner = data.get("owner")
    if not isinstance(owner, str) or check_account(owner):
        raise RosterFormatError("$.owner", "must be an account name")
    raw = data.get("entries")
    if not isinstance(raw, dict):
        raise RosterFormatError("$.entries", "must be an object mapping account names to entries")
    return Roster(owner, {account: _entry_from_dict(account, value) for account, value in raw.items()})


def _entry_from_dict(account: str, value: Any) -> RosterEntry:
    where = f"$.entries.{account}"
    if not isinstance(value, dict) or set(value) != {"role", "portfolios"}:
        raise RosterFormatError(where, "must be an object with exactly 'role' and 'portfolios'")
    role, portfolios = value["role"], value["portfolios"]
    if not isinstance(role, str) or not isinstance(portfolios, list) or not all(isinstance(p, str) for p in portfolios):
        raise RosterFormatError(where, "'role' must be text and 'portfolios' a list of file names")
    problem = check_entry(account, role, portfolios)
    if problem:
        raise RosterFormatError(where, problem[1])
    return RosterEntry(role, tuple(portfolio_key(p) for p in portfolios))


def entries_to_dict(roster: Roster) -> dict[str, dict[str, Any]]:
    return {
        account: {"role": entry.role, "portfolios": list(entry.portfolios)}
        for account, entry in sorted(roster.entries.items())
    }


def standing_signoffs(signoffs: Iterable[SignOff]) -> tuple[SignOff, ...]:
    """The sign-offs that stand, in the order made: each role's latest, unless withdrawn after it."""
    standing: dict[str, SignOff] = {}
    for s in signoffs:
        if s.withdrawal:
            standing.pop(s.role, None)
        else:
            standing[s.role] = s
    return tuple(standing.values())


def next_signoff(signoffs: Iterable[SignOff]) -> str | None:
    """The role whose gateway sign-off comes next, or ``None`` when all three are in."""
    done = {s.role for s in standing_signoffs(signoffs)}
    return next((role for role in SIGNOFF_ORDER if role not in done), None)


def check_withdrawal(signoffs: Iterable[SignOff], role: str, account: str) -> Decision:
    """May ``account`` withdraw ``role``'s sign-off? Only their own, and only while no later role's stands on it."""
    made = {s.role: s for s in standing_signoffs(signoffs)}
    current = made.get(role)
    if current is None:
        return Decision(False, f"there is no {role} sign-off to withdraw")
    if current.by != account:
        return Decision(False, f"only {current.by}, who signed it, may withdraw the {role}'s sign-off")
    later = [r for r in SIGNOFF_ORDER[SIGNOFF_ORDER.index(role) + 1:] if r in made]
    if later:
        return Decision(False, f"the {' and the '.join(later)} signed after the {role}; they withdraw theirs first")
    return Decision(True, f"{account} may withdraw the {role}'s sign-off")


def check_signoff(signoffs: Iterable[SignOff], role: str, on: date | None = None) -> Decision:
    """May ``role`` sign off now (dated ``on``)? Refused when it already has, when one before it has not,
    or when ``on`` is before the day of a sign-off it follows (the record would say it signed first)."""
    if role not in SIGNOFF_ORDER:
        return Decision(False, f"a gateway sign-off is by the {', the '.join(SIGNOFF_ORDER)}; not '{role}'")
    made = {s.role: s for s in standing_signoffs(signoffs)}
    if role in made:
        earlier = made[role]
        return Decision(False, f"the {role} already signed off on {earlier.on.isoformat()} ({earlier.by})")
    before = SIGNOFF_ORDER[: SIGNOFF_ORDER.index(role)]
    missing = [r for r in before if r not in made]
    if missing:
        return Decision(
            False,
            f"the {role} signs off after the {' and the '.join(before)}; still waiting for: {', '.join(missing)}",
        )
    later = [made[r] for r in before if on is not None and made[r].on > on]
    if later:
        return Decision(False, f"the {role}'s sign-off cannot be dated {on}, before the {later[-1].role}'s "
                               f"({later[-1].on.isoformat()}) that it follows")
    return Decision(True, f"the {role}'s sign-off is next")


def roster_changes(old: Roster | None, new: Roster) -> list[dict[str, Any]]:
    """The roster history entries (without ``at``, ``by`` and the hashes) that turn ``old`` into ``new``.

    A roster file keeps its whole history, chained by hash; its ``owner`` and ``entries`` must be
    what :func:`replay` makes of that history, so a hand edit to either shows.
    """
    changes: list[dict[str, Any]] = []
    if old is None:
        changes.append({"action": "init", "account": new.owner})
    elif old.owner != new.owner:
        changes.append({"action": "owner", "account": new.owner})
    before = {} if old is None else old.entries
    for account in sorted(set(before) | set(new.entries)):
        if account not in new.entries:
            changes.append({"action": "remove", "account": account})
        elif before.get(account) != new.entries[account]:
            entry = new.entries[account]
            changes.append(
                {"action": "add", "account": account, "role": entry.role, "portfolios": list(entry.portfolios)}
            )
    return changes


PORTFOLIO_MADE = "portfolio"
"""A roster change that changes nobody's role: a tutor made (or imported) a portfolio in the folder, whose
first audit entry's hash (``genesis``) it records, so that a file put in its place shows (review F13)."""


def replay(history: Sequence[Any]) -> Roster:
    """The roster a history describes; :class:`RosterFormatError` names the first entry that makes no sense."""
    owner: str | None = None
    entries: dict[str, RosterEntry] = {}
    for index, change in enumerate(history):
        where = f"$.history[{index}]"
        if not isinstance(change, Mapping) or not isinstance(change.get("account"), str):
            raise RosterFormatError(where, "a change names an 'action' and an 'account'")
        action, account = change.get("action"), change["account"]
        if (action == "init") != (index == 0):
            raise RosterFormatError(where, "the history starts with the roster's creation ('init'), and only there")
        if action in ("init", "owner"):
            owner = account
        elif action == "add":
            role, portfolios = change.get("role"), change.get("portfolios")
            if not isinstance(role, str) or not isinstance(portfolios, list):
                raise RosterFormatError(where, "an 'add' names a 'role' and a list of 'portfolios'")
            problem = check_entry(account, role, portfolios)
            if problem:
                raise RosterFormatError(where, problem[1])
            entries[account] = RosterEntry(role, tuple(portfolio_key(p) for p in portfolios))
        elif action == "remove":
            entries.pop(account, None)
        elif action == PORTFOLIO_MADE:
            if not isinstance(change.get("portfolio"), str) or not isinstance(change.get("genesis"), str):
                raise RosterFormatError(where, "a 'portfolio' change names the 'portfolio' made and its 'genesis'")
        else:
            raise RosterFormatError(where, f"unknown change '{action}'")
    if owner is None:
        raise RosterFormatError("$.history", "is empty: a roster's history starts with its creation")
    return Roster(owner, entries)
