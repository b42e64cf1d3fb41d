"""A cohort folder's roster, as ``portfolio roster`` changes and shows it: who is apprentice, line
manager and tutor, checked against what each account may do.

The roster file itself (its checks, its history, its atomic write under a lock) is
``portfolio_tui.roster``; this is the one way the interfaces reach it. Input is checked here, once:
an account or portfolio name that cannot be a name is refused, never altered (a portfolio named
``../../etc/passwd`` is refused, not stored as ``passwd.json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio_tui import identity, sharing
from portfolio_tui import roster as roster_io
from portfolio_tui.domain import roles
from portfolio_tui.services.errors import InputError


@dataclass(frozen=True)
class Added:
    """A person put on the roster, and what is worth a note: no such OS account, no such portfolio yet."""

    account: str
    entry: roles.RosterEntry
    unknown_account: bool
    missing_portfolios: tuple[str, ...]


@dataclass(frozen=True)
class RosterView:
    """A folder's roster as ``roster show`` prints it (``roster`` is ``None`` when the folder has none)."""

    folder: Path
    account: str
    roster: roles.Roster | None
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def entry(self) -> roles.RosterEntry | None:
        return self.roster.entries.get(self.account) if self.roster else None


def _require_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise InputError("folder", f"{folder}: is not a folder")


def start(folder: Path, *, force: bool = False) -> str:
    """Start ``folder``'s roster owned by this OS account (returned)."""
    actor = identity.current_user()
    roster_io.create_roster(folder, actor, force=force)
    return actor


def check_names(account: str, role: str, portfolios: Sequence[str]) -> list[str]:
    """The portfolio names as the roster keeps them (``alice`` is ``alice.json``), once every name given
    is known to be a valid one; :class:`InputError` names the first that is not."""
    problem = roles.check_entry(account, role, portfolios)
    if problem:
        raise InputError(*problem)
    keys = [roles.portfolio_key(p) for p in portfolios]
    problem = roles.check_entry(account, role, keys)
    if problem:
        raise InputError(*problem)
    return keys


def add(folder: Path, account: str, role: str, portfolios: Sequence[str]) -> Added:
    """Put ``account`` on the roster with ``role`` over ``portfolios`` (or change their entry)."""
    entry = roles.RosterEntry(role, tuple(check_names(account, role, portfolios)))

    def with_them(current: roles.Roster) -> roles.Roster:
        return roles.Roster(current.owner, {**current.entries, account: entry})

    roster_io.update_roster(folder, identity.current_user(), with_them)
    missing = tuple(p for p in entry.portfolios if p != roles.EVERY_PORTFOLIO and not (folder / p).exists())
    return Added(account, entry, not _account_exists(account), missing)


def remove(folder: Path, account: str) -> None:
    def without_them(current: roles.Roster) -> roles.Roster:
        if account not in current.entries:
            raise InputError("account", f"{account} is not on the roster")
        return roles.Roster(current.owner, {a: e for a, e in current.entries.items() if a != account})

    roster_io.update_roster(folder, identity.current_user(), without_them)


def show(folder: Path) -> RosterView:
    _require_folder(folder)
    checked = roster_io.read_roster(folder)
    roster, history = checked if checked else (None, [])
    return RosterView(folder, identity.current_user(), roster, history)


def decide(folder: Path, action: str, portfolio: str | None) -> roles.Decision:
    """May this OS account do ``action`` to the portfolio named ``portfolio`` in ``folder``?"""
    _require_folder(folder)
    roster = roster_io.load_roster(folder)
    if action != "roster.edit" and not portfolio:
        raise InputError("portfolio", f"{action} needs the portfolio's name")
    owner = None
    if portfolio:
        problem = roles.check_portfolio_name(portfolio)
        if problem:
            raise InputError("portfolio", problem)
        path = folder / roles.portfolio_key(portfolio)
        owner = sharing.owner_of(path) if path.exists() else None
    return roles.may(roster, identity.current_user(), action, portfolio, file_owner=owner)


def _account_exists(account: str) -> bool:
    try:
        import pwd
    except ImportError:
        return True
    try:
        pwd.getpwnam(account)
    except KeyError:
        return False
    return True
