"""Results this OS account worked out from a portfolio file, kept so that a file unchanged since is not read again.

A tutor runs ``portfolio gateway`` over the same caseload day after day, and most files have not
changed since the last run: reading each afresh costs five times parsing it. An entry holds what
was worked out from one file, under two keys that must both match for it to be used:

* the file as it was read: its identity line (``store.own_files``, as ``store.verified`` keys its notes:
  device, inode, size, mtime_ns, ctime_ns and a digest of its first line), compared with the file as
  it is now, by its open descriptor, while the portfolio's lock is held shared (a change in progress holds it exclusive,
  so the check waits for no one: a locked file is simply read afresh);
* everything else the result depends on (the caller's ``key``: the day, the standard, the code).

No entry outlives another process's write: every write, ``utime`` and rename sets the inode's change
time, which no one but root can set back. A change time is only as fine as the file system's clock
tick, so a file changed within :data:`RACY_NS` of its reading is not kept (a second write in the same
tick could leave the same time): that file is read again next time, as git does with a "racily
clean" file.

Entries live in this account's data folder (``gateway-cache/``, 0700, each entry 0600, named by a
digest of the file's absolute path, so one per file and no more than :data:`MOST_ENTRIES` in all). A
folder or an entry that is not this account's, or that the group or others could write, is ignored,
and so is one that is cut short, does not parse or whose digest does not match what it holds: the
file is read afresh. Nothing here is ever a reason to refuse: the cache only ever spares work.
Entries are written atomically (``persistence``), without fsync: a lost entry costs one reading.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from portfolio_tui import locations
from portfolio_tui.store import own_files

FOLDER = "gateway-cache"
FORMAT = b"portfolio-tui result cache 1\n"
MOST_ENTRIES = 4096
"""Entries kept at most (one per file ever checked); the least recently written go first."""
MOST_BYTES = 4 * 1024 * 1024
"""An entry larger than this is neither written nor read."""
RACY_NS = 2_000_000_000
"""A file whose change time is this close to its reading (or later) is not kept: see the module docstring."""
HEAD_READ = 4096


class Cache:
    """This account's entries, for one run: the folder is checked once, opened when first needed."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or locations.data_dir() / FOLDER
        self._fd: int | None = None
        self._opened = False

    def _dir(self) -> int | None:
        if not self._opened:
            self._opened = True
            self._fd = own_files.open_private_folder(self.folder, create=False)
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._opened = None, False

    def fetch(self, path: Path) -> tuple[bytes, bytes] | None:
        """``(key, payload)`` kept for the file at ``path`` exactly as it is now; ``None`` if there is none.

        Checked with the portfolio's lock held shared; a file being changed now has no entry.
        """
        folder = self._dir()
        if folder is None:
            return None
        with _shared_lock(path) as held:
            if not held:
                return None
            line = current_identity(path)
            if line is None:
                return None
            data = _read_entry(folder, own_files.note_name(path))
        if data is None:
            return None
        return _parsed(data, line)

    def keep(self, path: Path, line: bytes, read_at_ns: int, key: bytes, payload: bytes) -> None:
        """Keep ``payload`` for the file at ``path`` as it was read at ``read_at_ns`` (``line``, from
        :func:`reading_identity`), unless the file changed too near that time to be sure of it."""
        if not line or _changed_ns(line) >= read_at_ns - RACY_NS or b"\n" in key:
            return
        body = FORMAT + line + key + b"\n" + own_files.digest(payload).encode() + b"\n" + payload
        if len(body) > MOST_BYTES:
            return
        made = own_files.open_private_folder(self.folder, create=True)
        if made is None:
            return
        os.close(made)
        from portfolio_tui.store.persistence import write_atomically

        with suppress(OSError):
            write_atomically(self.folder / own_files.note_name(path), body, 0o600, as_new=True, durable=False)

    def prune(self) -> None:
        """Keep no more than :data:`MOST_ENTRIES` entries: the least recently written go (only in a folder
        that is this account's own: nothing is removed from one anyone else could have made)."""
        mine = own_files.open_private_folder(self.folder, create=False)
        if mine is None:
            return
        os.close(mine)
        with suppress(OSError):
            entries = [e for e in os.scandir(self.folder) if not e.name.startswith(".")]
            if len(entries) <= MOST_ENTRIES:
                return
            entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns)
            for entry in entries[: len(entries) - MOST_ENTRIES]:
                with suppress(OSError):
                    os.unlink(entry.path)


def now_ns() -> int:
    """The time a reading starts, to compare with the file's change time (:meth:`Cache.keep`)."""
    return time.time_ns()


def current_identity(path: Path) -> bytes | None:
    """The identity line of the file at ``path`` as it is now, read through one descriptor; ``None`` if
    it cannot be read (the reading that follows says why)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        from portfolio_tui.store.reading import head_of, stat_key

        return own_files.identity_line(stat_key(st), head_of(os.read(fd, HEAD_READ)))
    except OSError:
        return None
    finally:
        os.close(fd)


def reading_identity(path: Path, before: os.stat_result | None) -> bytes:
    """The identity line of the file at ``path`` read since ``before`` (its ``os.stat`` when the reading
    began), or ``b""`` when it changed meanwhile (or cannot be told): such a reading is never kept."""
    if before is None:
        return b""
    line = current_identity(path)
    from portfolio_tui.store.reading import stat_key

    try:
        steady = stat_key(os.stat(path)) == stat_key(before)
    except OSError:
        return b""
    if line is None or not steady or not line.startswith(" ".join(map(str, stat_key(before))).encode() + b" "):
        return b""
    return line


def stat_before(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _changed_ns(line: bytes) -> int:
    """The change time in an identity line (its fifth number)."""
    return int(line.split(b" ", 5)[4])


@contextmanager
def _shared_lock(path: Path) -> Iterator[bool]:
    """The portfolio's lock held shared for the body (True), or False when it cannot be had at once: a change
    holds it (exclusive), the lock file cannot be read, or the system has no ``flock``. A file that has no
    lock file beside it yet is being changed by no one (True), and nothing is made: the gateway writes
    nothing in a cohort's folder."""
    try:
        import fcntl
    except ImportError:
        yield False
        return
    from portfolio_tui.store.lock import lock_path
    from portfolio_tui.store.persistence import link_target

    try:
        fd = os.open(lock_path(link_target(Path(path))), os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:  # no change is under way: a change makes the lock file before anything else
        yield True
        return
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _read_entry(folder: int, name: str) -> bytes | None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not own_files.own_private(st) or st.st_size > MOST_BYTES:
            return None
        chunks, size = [], 0
        while size < st.st_size + 1:
            chunk = os.read(fd, st.st_size + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _parsed(data: bytes, line: bytes) -> tuple[bytes, bytes] | None:
    """``(key, payload)`` of an entry made for the file as ``line`` says it is, whole and unchanged; else None."""
    header = len(FORMAT) + len(line)
    if data[:header] != FORMAT + line:
        return None
    key_end = data.find(b"\n", header)
    digest_end = data.find(b"\n", key_end + 1) if key_end >= 0 else -1
    if digest_end < 0:
        return None
    payload = data[digest_end + 1:]
    if own_files.digest(payload).encode() != data[key_end + 1:digest_end]:
        return None
    return data[header:key_end], payload
