"""What an OS account keeps for itself about the files it read: in a folder of its own, under a name made
from the file's path, keyed by the file's identity line. ``store.verified`` (notes of files checked in full)
and ``store.result_cache`` (the gateway's entries) both keep theirs this way.

A folder or a file here is trusted only when it is this account's and no one else can write or read it:
another account cannot vouch for a file, nor plant a result. The digests are SHA-256, from the interpreter's
own built-in module where it has one: ``hashlib`` loads OpenSSL first, which costs ``portfolio gateway``
several milliseconds of its start-up for the same digest.
"""

from __future__ import annotations

import os
from contextlib import suppress

from portfolio_tui import path_text

TYPE_CHECKING = False  # typing and pathlib cost the start-up of ``portfolio gateway``
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


def _sha256() -> Any:
    """The built-in SHA-256 (``_sha2`` from Python 3.12, ``_sha256`` before): the same digest hashlib gives,
    without loading OpenSSL; hashlib's where neither is built in."""
    for name in ("_sha2", "_sha256"):  # (top-level modules: __import__ spares importing importlib)
        with suppress(ImportError, AttributeError):
            return __import__(name).sha256
    from hashlib import sha256

    return sha256


sha256 = _sha256()

_PRIVATE = 0o077
_WRITABLE_BY_OTHERS = 0o022


def digest(data: bytes | bytearray) -> str:
    """The SHA-256 of ``data``, in hex."""
    return sha256(data).hexdigest()


def note_name(path: str | Path) -> str:
    """The name of what is kept about the file at ``path``: a digest of its absolute path."""
    return digest(os.fsencode(os.path.abspath(path)))[:40]


HEAD_LIMIT = 4096


def stat_key(st: os.stat_result) -> tuple[int, int, int, int, int]:
    """The file's identity and version: (device, inode, size, mtime_ns) and the inode's change time.

    Every save here replaces the file (a new inode) and bumps the generation on its first line. A
    program writing in place may keep the size and even put the mtime back; it cannot put back the
    change time, which the kernel sets on every write and every ``utime``.
    """
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def head_of(data: bytes | list[bytes]) -> bytes:
    """The file's first line (it holds the generation number every save bumps), from its bytes or chunks."""
    if isinstance(data, list):
        start, size = [], 0
        for chunk in data:
            start.append(chunk[:HEAD_LIMIT])
            size += len(chunk)
            if b"\n" in chunk or size >= HEAD_LIMIT:
                break
        data = b"".join(start)
    head = data[:HEAD_LIMIT]
    end = head.find(b"\n")
    return head if end < 0 else head[: end + 1]


def identity_line(key: tuple[int, ...], head: bytes) -> bytes:
    """The file as it is now, in one line: its stat key (:func:`stat_key`) and a digest of its first line."""
    return (" ".join(map(str, key)) + " " + digest(head) + "\n").encode()


def own_private(st: os.stat_result) -> bool:
    """Is this stat (a folder's, a note's, an entry's) this account's, with nothing for the group or others?"""
    return _mine(st, _PRIVATE)


def sole_writer(st: os.stat_result) -> bool:
    """Can only this account (and root) change the file ``st`` describes? Its notes (``store.verified``)
    and the store's own record of what it wrote are believed only then. A file that others of its group
    may write (a shared cohort's, mode 0660) is checked in full on every open: such a writer, ignoring the
    lock, could change it in the same clock tick as this account's save or read, or rename another file
    over it between the save's rename and the note, and a note would then vouch for what they wrote."""
    return not hasattr(os, "geteuid") or _mine(st, _WRITABLE_BY_OTHERS)


def _mine(st: os.stat_result, others: int) -> bool:
    return st.st_uid == os.geteuid() and not st.st_mode & others


def make_private_folders(folder: str | Path) -> None:
    """Make ``folder`` and every missing folder above it 0700. ``Path.mkdir(parents=True)`` gives the
    parents it makes the umask's mode instead, and with the ``umask 007`` a shared server asks for, an
    account whose own group is the cohort's got ``~/.local/share`` (and the data folder in it) writable by
    the whole cohort, who could then rename the data folder away and put their own in its place. (By the
    folders' text, as ``Path`` names them: ``path_text``.)"""
    missing = []
    level = path_text.normal(folder)
    while not path_text.exists(level) and level != path_text.parent(level):
        missing.append(level)
        level = path_text.parent(level)
    for level in reversed(missing):
        with suppress(FileExistsError):
            os.mkdir(level, 0o700)


def open_private_folder(folder: str | Path, create: bool) -> int | None:
    """``folder`` (made 0700 first if ``create``), open, if it is this account's and no one else's; else ``None``."""
    if create:
        with suppress(OSError):
            make_private_folders(folder)
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    if own_private(os.fstat(fd)):
        return fd
    os.close(fd)
    return None
