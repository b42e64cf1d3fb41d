"""The cohort roster on disk: ``roster.json`` in the cohort folder, beside the portfolio files.

::

    {"format": "portfolio-tui roster", "version": 1, "owner": "tutor1",
     "entries": {"alice": {"role": "apprentice", "portfolios": ["alice.json"]}, ...},
     "history": [{"at", "by", "action": "init", "account": "tutor1", "prev", "hash"},
                 {"at", "by", "action": "add", "account", "role", "portfolios", "prev", "hash"}, ...]}

The roster decides who may do what, and any group member can replace the file, so it is checked
every time it is read: strict JSON; a history chained by hash (see ``domain.audit_chain``) whose
signed changes verify (``domain.signatures``: each change is signed by the account that made it);
``owner`` and ``entries`` exactly what the history replays to; and the file owned by the account
that made the last change (the app writes by rename, so the file's owner is always the last
writer). A roster that fails is refused with the reason, never used. Writes are atomic, under a
lock file beside it, with group read-write and nothing for others (``sharing``).

**Managed folders.** Where there are trust anchors (``store.trust``), a cohort folder (one the
group may write, or one with a roster) is managed: every change in its roster's history must be
signed by a key enrolled for the account that made it, the first by a key enrolled as ``tutor``
or ``admin``, each later one by someone the roster as it stood then let edit it. A managed folder
with no roster, or with one that fails this, is refused for every change (:func:`require_managed`),
and nobody may edit a roster just because they own its file.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import contextmanager

from portfolio_tui import path_text, sharing
from portfolio_tui.domain import roles
from portfolio_tui.domain.roles import NotAllowed, Roster
from portfolio_tui.store.errors import StoreError
from portfolio_tui.store.size_limit import TooLarge, refuse_oversized

TYPE_CHECKING = False  # typing and pathlib cost the start-up of ``portfolio gateway`` (a roster named by its text)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path
    from typing import Any

    from portfolio_tui.domain.signatures import Anchors

# The parser, signing, trust and writing modules are imported where a roster is there to check or to
# write: a command that lists a folder with no roster (``portfolio gateway``) starts without them.

ROSTER_FILE = "roster.json"
LOCK_FILE = ".roster.json.lock"
LOCK_TIMEOUT_SECONDS = 10


class RosterError(StoreError):
    """A roster that cannot be read, trusted or written; the message names the file and what is wrong."""


def roster_path(folder: Path) -> Path:
    return folder / ROSTER_FILE


def _roster_file(folder: str | Path) -> str:
    """:func:`roster_path` as text (``path_text``)."""
    return path_text.joined(folder, ROSTER_FILE)


def load_roster(folder: str | Path) -> Roster | None:
    """The folder's roster, ``None`` when it has none; :class:`RosterError` when it fails a check."""
    checked = _read(folder)
    return None if checked is None else checked[0]


def read_roster(folder: str | Path, anchors: Anchors | None = None) -> tuple[Roster, list[dict[str, Any]]] | None:
    """The checked roster and its history (who changed what, when, oldest first), from one read.

    ``anchors`` given (``verify --trust``) are used instead of the ones in force here, and with any
    the folder is treated as managed.
    """
    checked = _read(folder, anchors)
    return None if checked is None else checked[:2]


def _read(folder: str | Path, anchors: Anchors | None = None) -> tuple[Roster, list[dict[str, Any]], str] | None:
    """The roster, its history and the account that owns the file; ``None`` when there is no roster."""
    folder = path_text.normal(folder)
    path = _roster_file(folder)
    try:
        read = _read_file(path)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"{path}: cannot read it ({_why(exc)})") from None
    except TooLarge as exc:
        raise RosterError(f"{path}: {exc.problem}; not read") from None
    if read is None:
        raise RosterError(f"{path}: is a link or not a regular file; a cohort's roster is a file in its own folder "
                          "(someone may have put another cohort's roster in its place)")
    raw, writer = read
    if anchors is None:
        from portfolio_tui.domain.signatures import Anchors

        anchors = _anchors(path) if is_managed(folder) else Anchors()
    return (*_check(path, raw, writer, anchors), writer)


def _read_file(path: str) -> tuple[str, str] | None:
    """The roster's text and the account that owns it, both from one descriptor opened without following a
    link (``None`` for a link or anything but a regular file). Through a link, any roster the tutor's account
    can read, another cohort's included, would pass every check: it is signed and owned by that tutor
    (review R10). Opened without blocking, so a FIFO planted there cannot hang a command."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        refuse_oversized(path, st.st_size, "a roster")  # before it is read (``store.size_limit``)
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read().decode("utf-8")
        return raw, sharing.account_name(st.st_uid)
    finally:
        os.close(fd)


def check_copy(path: Path, raw: str, anchors: Anchors) -> list[dict[str, Any]]:
    """The history of a copy of a roster (the one an export carries), checked as a roster is, but for who
    owns the file: a copy is owned by whoever unpacked it. With ``anchors``, every change is signed by an
    enrolled key of someone allowed to make it then. :class:`RosterError` when it fails."""
    return _check(path, raw, None, anchors)[1]


def _check(path: str | Path, raw: str, writer: str | None, anchors: Anchors) -> tuple[Roster, list[dict[str, Any]]]:
    from portfolio_tui.domain import audit_chain
    from portfolio_tui.jsonfile import JsonFileError, loads_strict

    try:
        data = loads_strict(raw)
        roster = roles.roster_from_dict(data)
    except (JsonFileError, roles.RosterFormatError) as exc:
        raise RosterError(f"{path}: {exc}") from None
    history = data.get("history")
    if not isinstance(history, list) or not history:
        raise RosterError(f"{path}: $.history: must list the roster's changes, starting with its creation")
    breaks = audit_chain.verify_chain(history, label="roster change")
    if breaks:
        first = breaks[0]
        raise RosterError(f"{path}: {first.where} {first.message}")
    problems = signature_problems(history, anchors)
    if problems:
        raise RosterError(f"{path}: {problems[0]}")
    try:
        replayed = roles.replay(history)
    except roles.RosterFormatError as exc:
        raise RosterError(f"{path}: {exc}") from None
    if replayed != roster:
        raise RosterError(f"{path}: its owner or entries are not what its history says: changed outside the app")
    last_by = history[-1].get("by")
    if writer is not None and writer != last_by:
        raise RosterError(
            f"{path}: the file was last written by {writer}, but its last recorded change is by {last_by}:"
            " it was replaced outside the app (the roster's owner or a tutor can start it again with"
            " `portfolio roster init --force`)"
        )
    return roster, history


def _anchors(path: str | Path) -> Anchors:
    from portfolio_tui.store import trust

    try:
        return trust.load_anchors()
    except trust.TrustError as exc:
        raise RosterError(f"{path}: cannot be checked: {exc}") from None


def is_managed(folder: str | Path) -> bool:
    """Are there anchors, and is ``folder`` a cohort folder (group-writable, or with a roster)?"""
    from portfolio_tui.store import trust

    try:
        anchors = trust.load_anchors()
    except trust.TrustError:
        return True  # anchors that cannot be trusted manage nothing, and _anchors refuses the roster
    return bool(anchors) and (sharing.folder_is_shared(folder) or path_text.exists(_roster_file(folder)))


def require_managed(folder: Path) -> None:
    """In a managed folder a change needs a roster: without one, :class:`RosterError` (never "the owner may")."""
    from portfolio_tui.store import trust

    if is_managed(folder) and not roster_path(folder).exists():
        raise RosterError(f"{roster_path(folder)}: is missing, and this cohort folder is managed (trust anchors in "
                          f"{trust.trust_path()}), so no change is allowed until a tutor starts it again with "
                          "`portfolio roster init`")


def signature_problems(history: list[dict[str, Any]], anchors: Anchors) -> list[str]:
    """What is wrong with the signatures of a roster's history: with ``anchors``, that every change is
    signed by an enrolled key of someone allowed to make it then; without, that signed changes verify."""
    from portfolio_tui.domain.signatures import ROSTER, is_signed
    from portfolio_tui.store import keys

    problems = []
    first_key: dict[str, str] = {}
    for index, change in enumerate(history):
        where, by, at = f"roster change {index + 1}", str(change.get("by")), str(change.get("at"))
        if not is_signed(change):
            if anchors:
                problems.append(f"{where} ({by} at {at}) is not signed, and this folder's roster must be")
            elif first_key:  # once signing began, an unsigned change is one written by hand (review F2)
                problems.append(f"{where} ({by} at {at}) is not signed, but the changes before it were: "
                                "it was added outside the app")
            continue
        if not keys.signature_valid(ROSTER, change):
            problems.append(f"{where} has a signature that does not verify: it was forged or changed")
            continue
        if not anchors:
            # Without anchors a signature only shows what its own key signed: each account's first key in
            # the history stands for it from then on, so a change "by" someone in another key is refused.
            key = str(change.get("key"))
            if first_key.setdefault(by, key) != key:
                problems.append(f"{where} is signed as {by} with a key other than the one {by} signed the roster "
                                "with before: someone else signed it")
            elif index > 0 and by != history[index - 1].get("by") and not (
                    decision := roles.may(roles.replay(history[:index]), by, "roster.edit")).allowed:
                # Who may edit it is the roster's own word, anchors or not (review R7-15: an apprentice's change
                # of her own, making herself a tutor, passed); outside a managed folder the file's owner, its last
                # writer (the previous change's signer), may too, as the app lets them.
                problems.append(f"{where} is by {by}, who could not edit the roster then: {decision.reason}")
            continue
        key = str(change.get("key"))
        problem = anchors.problem(by, key, at)
        if problem:
            problems.append(f"{where} {problem}")
        elif index == 0 and not anchors.may_sign_rosters(by, key, at):
            problems.append(f"{where} started the roster as {by}, whose key is not enrolled as tutor or admin")
        elif index > 0 and not (decision := roles.may(roles.replay(history[:index]), by, "roster.edit")).allowed:
            problems.append(f"{where} is by {by}, who could not edit the roster then: {decision.reason}")
    return problems


def create_roster(folder: Path, actor: str, *, force: bool = False) -> Roster:
    """Start an empty roster owned by ``actor``.

    With ``force`` it replaces the one there: a roster that passes its checks only when ``actor``
    may edit it; one that fails them (hand-edited, replaced) by anyone, since nothing in it can be
    trusted to say who may. The new history's first entry records what it replaced.
    """
    _require_folder(folder)
    _require_roster_signer(folder, actor)
    with _lock(folder):
        path = roster_path(folder)
        roster = Roster(actor, {})
        init = roles.roster_changes(None, roster)
        if path.exists():
            if not force:
                raise RosterError(f"{path}: a roster already exists (`portfolio roster show` lists it)")
            init[0]["replaced"] = _replaced(folder, actor) + f"; kept as {_keep_copy(path).name}"
        _write(folder, roster, [], init, actor)
        return roster


def _keep_copy(path: Path) -> Path:
    """Keep the roster ``init --force`` replaces beside it (``roster.json.<UTC time>.bak``), its bytes untouched: it
    may be the evidence of who changed it and how (review F15). Read-only, and after one line saying what it is, so
    that it is no roster: renamed back over ``roster.json`` (the folder lets any group member rename) it undid the
    fresh start, every check passing (review R7-21); now that roster fails its checks and every change is refused."""
    from portfolio_tui.store import persistence

    at = persistence.utc_now()
    copy = path.with_name(f"{path.name}.{at.replace(':', '').replace('-', '')}.bak")
    header = f"# {path.name} as `portfolio roster init --force` found it at {at}, kept as evidence: not a roster\n"
    try:
        persistence.write_new(copy, header.encode("utf-8") + path.read_bytes(),
                              mode=sharing.file_mode_for(path.parent) & 0o440)
    except OSError as exc:
        raise RosterError(f"{path}: cannot keep a copy before replacing it ({_why(exc)}); nothing was changed"
                          ) from None
    return copy


def _replaced(folder: Path, actor: str) -> str:
    """What ``init --force`` replaces, for the new history; refuses when ``actor`` may not edit a sound roster."""
    try:
        checked = _read(folder)
    except RosterError as exc:
        if "written by a newer portfolio-tui" in str(exc):  # a newer file is refused and left as it is
            raise RosterError(f"{exc}; `init --force` will not replace it") from None
        return f"a roster that failed its checks: {exc}"
    if checked is None:
        return "nothing"
    current, earlier, writer = checked
    _require_editor(folder, current, actor, writer)
    return f"a roster owned by {current.owner} with {len(earlier)} changes"


def update_roster(folder: Path, actor: str, change: Callable[[Roster], Roster]) -> Roster:
    """Re-read the roster under its lock, check ``actor`` may edit it, apply ``change`` and write it.

    Raises :class:`~portfolio_tui.domain.roles.NotAllowed` (saying who may) when ``actor`` is neither
    the roster's owner, the owner of the file, nor a tutor on it; only the owner may hand the roster
    to another owner. ``change`` may raise ``ValueError`` for bad input: nothing is written then.
    """
    _require_folder(folder)
    with _lock(folder):
        checked = _read(folder)
        if checked is None:
            raise RosterError(f"{folder}: has no roster yet (start one with `portfolio roster init`)")
        current, earlier, writer = checked
        _require_editor(folder, current, actor, writer)
        new = change(current)
        if new.owner != current.owner and actor != current.owner:
            raise NotAllowed(roles.Decision(False, f"only the roster's owner may hand it over: {current.owner}",
                                            (current.owner,)))
        changes = roles.roster_changes(current, new)
        if changes:
            _write(folder, new, earlier, changes, actor)
        return new


def _require_editor(folder: Path, current: Roster, actor: str, writer: str) -> None:
    """The roster's owner or a tutor on it may edit it; outside a managed folder so may the account
    that owns the file (its last writer)."""
    decision = roles.may(current, actor, "roster.edit")
    if not decision.allowed and (actor != writer or is_managed(folder)):
        raise NotAllowed(decision)


def _require_roster_signer(folder: Path, actor: str) -> None:
    """In a managed folder only a key enrolled as tutor or admin may start a roster (it would be refused)."""
    from portfolio_tui.store import keys, persistence, trust

    if not is_managed(folder):
        return
    anchors = _anchors(roster_path(folder))
    now = persistence.utc_now()
    if not anchors.may_sign_rosters(actor, keys.own_signer().public, now):
        who = tuple(dict.fromkeys(a.account for a in anchors.anchors if a.role and a.valid_at(now)))
        raise NotAllowed(roles.Decision(
            False, f"this folder is managed: only a tutor or admin whose key is enrolled as such in "
            f"{trust.trust_path()} may start its roster: {', '.join(who) or 'nobody yet'}", who))


def record_portfolio(folder: Path, actor: str, name: str, genesis: str) -> None:
    """Record in ``folder``'s roster (if it has one) that ``actor`` made the portfolio ``name`` with the first
    audit entry whose hash is ``genesis``: a signed change ``verify`` holds the file to (review F13)."""
    _require_folder(folder)
    if not roster_path(folder).exists():
        return
    with _lock(folder):
        checked = _read(folder)
        if checked is None:
            return
        current, earlier, writer = checked
        _require_editor(folder, current, actor, writer)
        change = {"action": roles.PORTFOLIO_MADE, "account": actor, "portfolio": name, "genesis": genesis}
        _write(folder, current, earlier, [change], actor)


def recorded_genesis(history: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The roster's latest record of the portfolio ``name`` being made (``None``: it records none)."""
    return next((c for c in reversed(history) if c.get("action") == roles.PORTFOLIO_MADE
                 and c.get("portfolio") == name), None)


def save_roster(folder: Path, roster: Roster, actor: str) -> Roster:
    """Replace the folder's roster with ``roster`` as ``actor`` (recording the difference in its history)."""
    return update_roster(folder, actor, lambda _current: roster)


def _write(folder: Path, roster: Roster, history: list[dict[str, Any]], changes: list[dict[str, Any]],
           actor: str) -> None:
    from portfolio_tui.domain import audit_chain
    from portfolio_tui.domain.signatures import ROSTER
    from portfolio_tui.store import keys, persistence

    at = persistence.utc_now()
    signer = keys.own_signer()
    chained = list(history)
    for change in changes:
        entry = {"at": at, "by": actor, **change}
        chained.append(keys.seal_signed(entry, audit_chain.head(chained), ROSTER, signer))
    document = {
        "format": roles.ROSTER_FORMAT,
        "version": roles.ROSTER_VERSION,
        "owner": roster.owner,
        "entries": roles.entries_to_dict(roster),
        "history": chained,
    }
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    path = roster_path(folder)
    try:
        # Never group-writable (0640 in a cohort folder): the group may read who is who, but a member who
        # could write it in place would keep the file's owner, the check that it was replaced outside the
        # app; a rename over it makes them the owner, and _check names them (review F7, F2).
        persistence.write_atomically(path, text.encode("utf-8"), sharing.file_mode_for(folder) & ~0o022,
                                     as_new=True)
    except OSError as exc:
        raise RosterError(f"{path}: cannot write it ({_why(exc)}); the old roster is unchanged") from None


def _require_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise RosterError(f"{folder}: is not a folder")


@contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """Hold the roster's lock file (group read-write in a shared folder, so every tutor can take it)."""
    from portfolio_tui.store import persistence

    guard = persistence.FileLockGuard(folder / LOCK_FILE, LOCK_TIMEOUT_SECONDS)
    with guard.held(busy=lambda: RosterError(f"{folder}: someone else is changing the roster; try again"),
                    failed=lambda why: RosterError(f"{folder / LOCK_FILE}: cannot lock the roster ({why})")):
        yield


def _why(exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return exc.strerror or str(exc)
