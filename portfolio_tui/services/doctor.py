"""``portfolio doctor FOLDER``: is this cohort folder set up for a shared server?

The recommended set-up (docs/shared-server.md): one group per cohort, the folder owned by that
group with ``chmod 2770`` (group rwx, setgid so new files get the group, nothing for others), every
file in it group read-write and never world-readable, a umask of 007 for the files other tools
make, and a roster naming who is who. Each check says what it found and, when it is a problem, the
command that fixes it.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

from portfolio_tui import roster as roster_io
from portfolio_tui import sharing
from portfolio_tui.domain import roles
from portfolio_tui.store.files import portfolio_files

_NAMES_SHOWN = 5


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_folder(folder: Path) -> list[Check]:
    """Every check, in the order a person would fix them."""
    if os.name != "posix":
        return [Check("system", True, "group permissions are a POSIX matter; nothing to check on this system")]
    try:
        info = folder.stat()
    except OSError as exc:
        return [Check("folder", False, f"{folder}: {exc.strerror or exc}", "give the path of the cohort folder")]
    if not stat.S_ISDIR(info.st_mode):
        return [Check("folder", False, f"{folder} is not a folder", "give the path of the cohort folder")]
    q = shlex.quote(str(folder))
    group = sharing.group_name(info.st_gid)
    checks = [_group(info, group, q), *_folder_mode(info, q)]
    checks += _entries(folder, info.st_gid, group, q)
    checks.append(_umask())
    checks += _roster(folder, group, q)
    return checks


def _group(info: os.stat_result, group: str, q: str) -> Check:
    members = group_accounts(info.st_gid)
    owner = sharing.account_name(info.st_uid)
    if members <= {owner}:
        return Check(
            "group",
            False,
            f"the folder's group is {group}, which only {owner} is in: the cohort cannot share it",
            f"groupadd COHORT && chgrp -R COHORT {q} && usermod -aG COHORT ACCOUNT (for each person)",
        )
    return Check("group", True, f"the folder's group is {group} ({len(members)} accounts: {_some(members)})")


def _folder_mode(info: os.stat_result, q: str) -> list[Check]:
    mode = info.st_mode
    return [
        Check("folder group access", True, "the group may list, read and add files")
        if mode & stat.S_IRWXG == stat.S_IRWXG
        else Check("folder group access", False, "the group cannot read and write the folder", f"chmod g+rwx {q}"),
        Check("setgid", True, "set: new files get the folder's group")
        if mode & stat.S_ISGID
        else Check("setgid", False, "not set: new files get each person's own group", f"chmod g+s {q}"),
        Check("folder others", True, "others cannot list or enter the folder")
        if not mode & stat.S_IRWXO
        else Check("folder others", False, f"others have {_others(mode)} on the folder", f"chmod o-rwx {q}"),
    ]


def _entries(folder: Path, gid: int, group: str, q: str) -> list[Check]:
    """Files and sub-folders: none open to others, all in the folder's group, all group read-write."""
    world, foreign, closed, roster_writable = [], [], [], False
    roster = folder / roster_io.ROSTER_FILE
    for path in sorted(_walk(folder)):
        try:
            info = path.lstat()
        except OSError:  # gone since it was listed, or a path too long to name
            continue
        mode = info.st_mode
        name = str(path.relative_to(folder))
        if mode & stat.S_IRWXO:
            world.append(name)
        if info.st_gid != gid:
            foreign.append(name)
        # The roster is the group's to read, not to write: written in place it would keep its owner (0640)
        needed = (stat.S_IRWXG if stat.S_ISDIR(mode) else stat.S_IRGRP if path == roster
                  else stat.S_IRGRP | stat.S_IWGRP)
        if mode & needed != needed:
            closed.append(name)
        roster_writable = roster_writable or (path == roster and bool(mode & stat.S_IWGRP))
    return [
        Check("roster mode", not roster_writable, "the group may read the roster, not write it"
              if not roster_writable else "the group may write roster.json in place, keeping its owner: a member "
              "could change who is who unseen", f"chmod g-w {shlex.quote(str(roster))}"),
        Check("files others", not world, "no file is readable or writable by others" if not world
              else f"open to others: {_some(world)}", f"chmod -R o-rwx {q}"),
        Check("files group", not foreign, f"every file is in group {group}" if not foreign
              else f"not in group {group}: {_some(foreign)}", f"chgrp -R {shlex.quote(group)} {q}"),
        Check("files group access", not closed, "the group may read and write every file" if not closed
              else f"the group cannot read and write: {_some(closed)}", f"chmod -R g+rwX {q}"),
    ]


def _walk(folder: Path) -> list[Path]:
    """Everything under ``folder``, without following links. Iterative: Python 3.11's ``os.walk`` recurses, so a
    chain of folders 1,200 deep that any group member can make would end doctor, the tool meant to find it, in a
    RecursionError (review R19). A folder that cannot be listed (a path too long, no permission) is still named."""
    found: list[Path] = []
    pending = [(folder, 0)]
    while pending:
        here, depth = pending.pop()
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    found.append(Path(entry.path))
                    try:
                        if depth < WALK_DEPTH and entry.is_dir(follow_symlinks=False):
                            pending.append((Path(entry.path), depth + 1))
                    except OSError:
                        pass
        except OSError:
            pass
    return found


WALK_DEPTH = 8
"""How deep doctor looks: a cohort needs three levels (``NAME.files/ab/`` and the blob), a report folder two."""


def current_umask() -> int:
    """The process's umask, read without changing it where Linux shows it (``/proc/self/status``)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    found = re.search(r"^Umask:\s*([0-7]+)$", status, re.MULTILINE)
    if found:
        return int(found.group(1), 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _umask() -> Check:
    mask = current_umask()
    if mask & 0o007 == 0o007 and not mask & 0o060:
        return Check("umask", True, f"{mask:04o}: files other tools make stay within the group")
    problem = "others can read" if mask & 0o007 != 0o007 else "the group cannot write"
    return Check(
        "umask",
        False,
        f"{mask:04o}: {problem} the files other tools (editors, cp) make here",
        "add `umask 007` to ~/.profile (and log in again)",
    )


def _roster(folder: Path, group: str, q: str) -> list[Check]:
    try:
        roster = roster_io.load_roster(folder)
    except roster_io.RosterError as exc:
        return [Check("roster", False, str(exc), f"ask the roster's owner to look; `portfolio roster init --force {q}`"
                      " starts it again")]
    if roster is None:
        return [Check("roster", False, "no roster.json: nothing says who is the apprentice and who the assessor",
                      f"portfolio roster init {q}, then portfolio roster add {q} ACCOUNT --role ...")]
    writer = sharing.owner_of(roster_io.roster_path(folder))
    checks = [Check("roster", True, f"owned by {roster.owner}; {len(roster.entries)} people")]
    if writer == roster.owner or roster.role_of(writer) == roles.TUTOR:
        checks.append(Check("roster writer", True, f"last written by {writer}, who may edit it"))
    else:
        checks.append(Check("roster writer", False, f"last written by {writer}, who is no longer its owner or a tutor",
                            f"the owner ({roster.owner}) or a tutor makes any change with `portfolio roster add`"))
    checks.append(_accounts(roster, folder, group))
    checks.append(_unassigned(roster, folder, q))
    return checks


def _accounts(roster: roles.Roster, folder: Path, group: str) -> Check:
    members = group_accounts(folder.stat().st_gid)
    outside = sorted(a for a in roster.entries if a not in members)
    if not outside:
        return Check("roster accounts", True, f"everyone on the roster is in group {group}")
    return Check("roster accounts", False, f"on the roster but not in group {group} (or with no account here): "
                 f"{_some(outside)}", f"usermod -aG {shlex.quote(group)} ACCOUNT (as root, for each)")


def _unassigned(roster: roles.Roster, folder: Path, q: str) -> Check:
    portfolios = [p.name for p in portfolio_files(folder)]
    owned = {p for e in roster.entries.values() if e.role == roles.APPRENTICE for p in e.portfolios}
    orphans = [p for p in portfolios if p not in owned]
    if not orphans:
        return Check("apprentices", True, f"every portfolio ({len(portfolios)}) has its apprentice on the roster")
    return Check("apprentices", False, f"no apprentice on the roster for: {_some(orphans)} (no one may add evidence)",
                 f"portfolio roster add {q} ACCOUNT --role apprentice --portfolio NAME")


def group_accounts(gid: int) -> set[str]:
    """Every account in group ``gid``: its listed members and the accounts whose primary group it is."""
    import grp
    import pwd

    try:
        members = set(grp.getgrgid(gid).gr_mem)
    except KeyError:
        members = set()
    return members | {p.pw_name for p in pwd.getpwall() if p.pw_gid == gid}


def _others(mode: int) -> str:
    return "".join(flag if mode & bit else "-" for flag, bit in (("r", stat.S_IROTH), ("w", stat.S_IWOTH),
                                                                  ("x", stat.S_IXOTH)))


def _some(names: set[str] | list[str]) -> str:
    ordered = sorted(names)
    more = len(ordered) - _NAMES_SHOWN
    return ", ".join(ordered[:_NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")
