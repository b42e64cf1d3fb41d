"""File permissions for a cohort folder shared by a group, and the OS account names behind files.

A folder the group may write to (``chmod 2770``: group rwx, setgid) is a shared cohort folder:
files the app creates there get mode 0660 (the group reads and writes them, others nothing) and
the folder's group, and folders it makes there (a kept-file store, a caseload report) 2770. Any other
folder (a laptop's data directory) is private: files get 0600, folders 0700. The app sets these modes
itself, so they do not depend on the user's umask.
"""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False  # (typing and pathlib cost the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path

SHARED_FILE_MODE = 0o660
PRIVATE_FILE_MODE = 0o600
SHARED_FOLDER_MODE = 0o2770
PRIVATE_FOLDER_MODE = 0o700


def folder_is_shared(folder: str | Path) -> bool:
    """A folder the group can write to is a shared cohort folder."""
    return bool(os.stat(folder).st_mode & stat.S_IWGRP)


def file_mode_for(folder: Path) -> int:
    """The mode for a file the app creates in ``folder``: group read-write when it is shared, never world."""
    return SHARED_FILE_MODE if folder_is_shared(folder) else PRIVATE_FILE_MODE


def folder_mode_for(parent: Path) -> int:
    """The mode for a folder the app makes in ``parent`` (a portfolio's kept files, a caseload report, an import's
    DEST): a shared cohort folder's own (group rwx, setgid) when ``parent`` is shared, else private; never the
    umask's (0755 let others list a cohort's kept files, and kept the group from adding its own)."""
    return SHARED_FOLDER_MODE if folder_is_shared(parent) else PRIVATE_FOLDER_MODE


def prepare_new_file(fd: int, folder: Path) -> None:
    """Give a just-created file (open as ``fd``) its mode and the folder's group.

    On Linux a setgid folder already gives new files its group; elsewhere, or when the bit is
    missing, the group is set by hand when the user belongs to it (and left alone otherwise).
    """
    if hasattr(os, "fchmod"):
        os.fchmod(fd, file_mode_for(folder))
    _give_group(fd, folder)


def prepare_new_folder(fd: int, parent: Path) -> None:
    """Give a just-made folder (open as ``fd``) the mode :func:`folder_mode_for` says and ``parent``'s group."""
    _give_group(fd, parent)  # first: a change of group may clear the setgid bit
    if hasattr(os, "fchmod"):
        os.fchmod(fd, folder_mode_for(parent))


def _give_group(fd: int, folder: Path) -> None:
    if hasattr(os, "fchown"):
        folder_gid = os.stat(folder).st_gid
        if os.fstat(fd).st_gid != folder_gid:
            try:
                os.fchown(fd, -1, folder_gid)
            except PermissionError:
                pass


def account_name(uid: int) -> str:
    """The account name for ``uid``; ``uid-N`` when the system has none (as ``identity.current_user`` says)."""
    try:
        import pwd
    except ImportError:
        return f"uid-{uid}"
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid-{uid}"


def group_name(gid: int) -> str:
    try:
        import grp
    except ImportError:
        return str(gid)
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def owner_of(path: str | Path) -> str:
    """The OS account that owns ``path``: the one that last replaced it, since the app writes by rename."""
    return account_name(os.stat(path).st_uid)
