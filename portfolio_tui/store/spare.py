"""The previous version of a portfolio kept beside it (``.NAME.spare``), so that the next save writes into its blocks.

Why: replacing a 5 MB file by a new one asks more of the disk than rewriting one already there. The new
file's blocks are allocated when it is synced, the old file's are freed (and, on a file system mounted
with ``discard``, discarded) when the new one is renamed over it, and the file's fsync and the folder's
each commit the journal. A save that writes into the previous version's blocks instead, syncs their data
(``fdatasync``: no journal commit when only the times changed), then swaps the two names in one step
(``renameat2(RENAME_EXCHANGE)``) and syncs the folder, does none of that: on this project's ext4 it
takes about half the time of the temp-file save, close to what stock TinyDB's unsafe in-place rewrite
takes (``benchmarks/bench_store.py`` prints both floors).

It is as safe as the temp file. At every instant the portfolio's name points at a whole file: the swap
is atomic and comes only after the new bytes are on disk, and the folder's fsync makes it durable before
the save returns. Only the spare may be half-written (a writer killed mid-save), and nothing reads it:
the next save writes it whole again. The spare is touched only with the portfolio's lock held.

A spare is reused only when it is exactly what a new temp file would be, and no one can be reading it:

* a regular file with one link, opened without following a link (a link planted in a shared folder
  could point anywhere; a second name would see the rewrite);
* the owner, group and mode a new version gets (``persistence``: the portfolio's own, less any access
  for others), so the swap changes nothing about who may read or write the portfolio;
* open nowhere else: a write lease (Linux ``F_SETLEASE``) is granted only then. A reader that opened
  the portfolio before the last save swapped it away may still be reading these very blocks, and must
  see them whole; it is left its copy, and this save writes a new file.

Anything else (no ``renameat2``, a file system that refuses the exchange, a spare that fails a check)
and the save writes a new temp file as before; the previous version it swaps out becomes the spare when
the exchange works, else it is replaced (``os.replace``) and nothing is kept.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import suppress
from pathlib import Path
from typing import Any

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV})
_renameat2: Any = None  # the C library's renameat2 once looked up; False where there is none
_leases = True  # False once the system refused a lease outright (leases off, or a file system without them)


def spare_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.spare")


def exchange_supported() -> bool:
    """Can this system swap two names in one step (Linux's ``renameat2``)? A file system may still refuse it."""
    return bool(_exchange_call())


def usable() -> bool:
    """Can a save keep a spare here: swap two names, and know that no one has the spare open (leases)?
    Where it cannot, keeping one would only cost a rename and an unlink a save."""
    return _leases and exchange_supported()


def exchange(first: str | Path, second: str | Path) -> bool:
    """Swap the files at two names in one step; False (nothing changed) where the OS or file system cannot."""
    rename = _exchange_call()
    if not rename:
        return False
    import ctypes

    if rename(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first))


def _exchange_call() -> Any:
    """renameat2 from the C library (glibc 2.28+, musl), looked up once; False where there is none.
    Only Linux has ``RENAME_EXCHANGE`` (macOS's ``renamex_np`` swaps differently): elsewhere, False."""
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if os.uname().sysname == "Linux":
            with suppress(OSError, AttributeError, ImportError):
                import ctypes  # here: only a save needs it, and a command that only reads starts without it

                call = ctypes.CDLL(None, use_errno=True).renameat2
                call.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
                call.restype = ctypes.c_int
                _renameat2 = call
    return _renameat2


def open_reusable(spare: Path, mode: int, uid: int, gid: int) -> int | None:
    """The spare open for writing when it may be rewritten in place as the next version (see the module
    docstring), with ``mode``, ``uid`` and ``gid`` the new version's; else ``None``, and a spare that
    fails a check is removed (a reader keeps its copy)."""
    if not _exchange_call() or not os.access(spare.parent, os.W_OK):  # a read-only folder: nothing is written
        return None
    flags = os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)  # a planted FIFO never blocks
    try:
        fd = os.open(spare, flags)
    except FileNotFoundError:
        return None
    except OSError:
        _remove(spare)
        return None
    try:
        st = os.fstat(fd)
        if (stat.S_ISREG(st.st_mode) and st.st_nlink == 1 and stat.S_IMODE(st.st_mode) == mode
                and (st.st_uid, st.st_gid) == (uid, gid) and _open_nowhere_else(fd)):
            os.set_blocking(fd, True)
            return fd
    except OSError:
        pass
    os.close(fd)
    _remove(spare)
    return None


def _open_nowhere_else(fd: int) -> bool:
    """True when no other descriptor, in any process, has this file open (nor maps it): Linux grants a write
    lease only then. It is given back at once. Someone opening the file meanwhile would have the lease
    broken by a signal to this process, ``SIGIO`` unless set otherwise, which would end it: ``SIGURG``,
    ignored unless a program asks for it, is set instead."""
    global _leases
    try:
        import fcntl
        import signal

        setlease, unlock, write_lease = fcntl.F_SETLEASE, fcntl.F_UNLCK, fcntl.F_WRLCK
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
    except (ImportError, AttributeError, OSError):
        _leases = False  # no leases here: no way to know, so no reuse
        return False
    try:
        fcntl.fcntl(fd, setlease, write_lease)
    except OSError as exc:
        if exc.errno in (errno.EINVAL, errno.ENOLCK, errno.ENOSYS):
            _leases = False
        return False  # EAGAIN: someone has it open
    fcntl.fcntl(fd, setlease, unlock)
    return True


def keep_as_spare(old: str, spare: Path) -> None:
    """Put the previous version (swapped out to ``old``) at the spare's name; removed if it cannot be."""
    try:
        os.replace(old, spare)
    except OSError:
        _remove(old)


def _remove(path: str | Path) -> None:
    with suppress(OSError):
        os.unlink(path)
