"""Results this OS account worked out from portfolio files, kept so that a file unchanged since is not read again.

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

The entries for the files of one folder live in one pack, in this account's data folder
(``gateway-cache/``, 0700; the pack 0600, named by a digest of the folder's absolute path), written
once at the end of a run, atomically (``os.replace``), without fsync: a lost pack costs one reading.
A first run over a caseload so writes one file, not one per portfolio. The pack holds each entry
whole, as it was made, then an index of where each is (by a digest of the file's absolute path), then
a line with where the index starts and its digest. A run reads the index only; an entry is read
(``os.pread``, one at a time: a caseload's results are never all held) when its file's turn comes, and
checked on its own: its identity line, its key, its digest. A pack rewritten keeps the entries of the
folder's files this run did not look at, drops those of the files whose entry no longer held, and
adds the new ones; a run that found every entry good writes nothing.

A folder or a pack that is not this account's, or that the group or others could write, is ignored,
and so is one that is cut short or whose index does not match its digest, and so is an entry that does
not parse or whose digest does not match what it holds: the file is read afresh. Nothing here is ever
a reason to refuse: the cache only ever spares work.
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
"""The first line of every entry."""
PACK = b"portfolio-tui result pack 1\n"
"""The first line of every pack."""
SUFFIX = ".pack"
MOST_PACKS = 512
"""Packs kept at most (one per folder ever checked); the least recently written go first."""
MOST_BYTES = 4 * 1024 * 1024
"""An entry larger than this is neither written nor read."""
MOST_PACK_BYTES = 1 << 31
"""A pack larger than this is not read (nor written: the entries past it are left out)."""
RACY_NS = 2_000_000_000
"""A file whose change time is this close to its reading (or later) is not kept: see the module docstring."""
HEAD_READ = 4096
STALE_TEMP_NS = 3600 * 10**9
"""A pack being written that is older than this was left by a run that died: :meth:`Cache.prune` removes it."""
_TRAILER = len(b"index ") + 20 + 1 + 64 + 1
"""The last line: ``index OFFSET DIGEST``, the offset written in 20 digits."""


class Cache:
    """This account's packs, for one run: the folder is checked once, opened when first needed; each
    folder's pack is opened when one of its files is first asked about, and held open for the run.

    :meth:`fetch` what is kept, :meth:`hold` what was used, :meth:`keep` what was worked out, then
    :meth:`save` (every pack that changed written once) and :meth:`close`.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or locations.data_dir() / FOLDER
        self._fd: int | None = None
        self._opened = False
        self._packs: dict[str, _Pack | None] = {}
        self._changes: dict[str, _Changes] = {}

    def _dir(self) -> int | None:
        if not self._opened:
            self._opened = True
            self._fd = own_files.open_private_folder(self.folder, create=False)
        return self._fd

    def _pack(self, pack_name: str) -> _Pack | None:
        if pack_name not in self._packs:
            folder = self._dir()
            self._packs[pack_name] = None if folder is None else _Pack.open(folder, pack_name)
        return self._packs[pack_name]

    def close(self) -> None:
        """Let go of the packs read and of the folder (a pack being written and not saved is removed)."""
        for pack in self._packs.values():
            if pack is not None:
                pack.close()
        for changes in self._changes.values():
            changes.discard()
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._opened, self._packs, self._changes = None, False, {}, {}

    def fetch(self, path: Path) -> tuple[bytes, bytes] | None:
        """``(key, payload)`` kept for the file at ``path`` exactly as it is now; ``None`` if there is none.

        Checked with the portfolio's lock held shared; a file being changed now has no entry. Until
        :meth:`hold` says it was used, the entry is one the next pack leaves out.
        """
        pack_name, name = _names(path)
        pack = self._pack(pack_name)
        if pack is None or name not in pack.index:
            return None
        self._changes_of(pack_name).drop(name)
        with _shared_lock(path) as held:
            if not held:
                return None
            line = current_identity(path)
        if line is None:
            return None
        data = pack.read(name)
        return None if data is None else _parsed(data, line)

    def hold(self, path: Path) -> None:
        """The entry :meth:`fetch` gave for ``path`` was used: the next pack keeps it."""
        pack_name, name = _names(path)
        self._changes_of(pack_name).hold(name)

    def keep(self, path: Path, line: bytes, read_at_ns: int, key: bytes, payload: bytes) -> None:
        """Keep ``payload`` for the file at ``path`` as it was read at ``read_at_ns`` (``line``, from
        :func:`reading_identity`), unless the file changed too near that time to be sure of it.
        It is written to the folder's next pack at once, not held."""
        if not line or _changed_ns(line) >= read_at_ns - RACY_NS or b"\n" in key:
            return
        body = FORMAT + line + key + b"\n" + own_files.digest(payload).encode() + b"\n" + payload
        if len(body) > MOST_BYTES:
            return
        folder = self._dir()
        if folder is None:
            folder = self._fd = own_files.open_private_folder(self.folder, create=True)
            if folder is None:
                return
        pack_name, name = _names(path)
        with suppress(OSError):
            self._changes_of(pack_name).add(folder, name, body)

    def save(self) -> None:
        """Write every folder's pack that changed this run, once, atomically; then :meth:`prune`."""
        wrote = False
        for pack_name, changes in self._changes.items():
            if self._fd is not None and changes.changed(self._pack(pack_name)):
                with suppress(OSError):
                    changes.write(self._fd, pack_name, self._pack(pack_name))
                    wrote = True
        if wrote:
            self.prune()

    def _changes_of(self, pack_name: str) -> _Changes:
        changes = self._changes.get(pack_name)
        if changes is None:
            changes = self._changes[pack_name] = _Changes()
        return changes

    def prune(self) -> None:
        """Keep no more than :data:`MOST_PACKS` packs (the least recently written go), remove what a run
        that died left half written, and anything else (entries of an older version): only in a folder that
        is this account's own, nothing is removed from one anyone else could have made."""
        mine = own_files.open_private_folder(self.folder, create=False)
        if mine is None:
            return
        os.close(mine)
        with suppress(OSError):
            now = time.time_ns()
            packs = []
            for entry in os.scandir(self.folder):
                with suppress(OSError):
                    if entry.name.endswith(SUFFIX) and not entry.name.startswith("."):
                        packs.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
                    elif not entry.name.startswith(".") or (
                        now - entry.stat(follow_symlinks=False).st_mtime_ns > STALE_TEMP_NS
                    ):
                        os.unlink(entry.path)
            packs.sort()
            for _, path in packs[: max(0, len(packs) - MOST_PACKS)]:
                with suppress(OSError):
                    os.unlink(path)


def _names(path: Path) -> tuple[str, str]:
    """The name of the pack for the folder of ``path``, and of the file's entry in it."""
    absolute = os.path.abspath(path)
    return own_files.note_name(Path(os.path.dirname(absolute))) + SUFFIX, own_files.note_name(Path(absolute))


class _Pack:
    """A pack as it was when opened (a pack is replaced whole, never changed): its index read, its entries
    read one at a time, on request."""

    def __init__(self, fd: int, index: dict[str, tuple[int, int]]) -> None:
        self.fd = fd
        self.index = index
        """An entry's name -> where it starts in the pack, and its length."""

    @classmethod
    def open(cls, folder: int, pack_name: str) -> _Pack | None:
        """The pack ``pack_name`` in ``folder`` if it is this account's, no one else's, and whole; else None."""
        try:
            fd = os.open(pack_name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        except OSError:
            return None
        try:
            index = _index(fd)
        except (OSError, ValueError):
            index = None
        if index is None:
            os.close(fd)
            return None
        return cls(fd, index)

    def read(self, name: str) -> bytes | None:
        """The entry ``name`` as the pack holds it (checked by the caller: :func:`_parsed`)."""
        at, length = self.index[name]
        try:
            data = os.pread(self.fd, length, at)
        except OSError:
            return None
        return data if len(data) == length else None

    def close(self) -> None:
        os.close(self.fd)


def _index(fd: int) -> dict[str, tuple[int, int]] | None:
    """The index of the pack open as ``fd``; None if the pack is not this account's alone, or not whole."""
    st = os.fstat(fd)
    size = st.st_size
    if not stat.S_ISREG(st.st_mode) or not own_files.own_private(st):
        return None
    if not len(PACK) + _TRAILER <= size <= MOST_PACK_BYTES:
        return None
    if os.pread(fd, len(PACK), 0) != PACK:
        return None
    trailer = os.pread(fd, _TRAILER, size - _TRAILER)
    if len(trailer) != _TRAILER or trailer[:6] != b"index " or trailer[-1:] != b"\n":
        return None
    start, digest = int(trailer[6:26]), trailer[27:-1]
    if not len(PACK) <= start <= size - _TRAILER:
        return None
    text = os.pread(fd, size - _TRAILER - start, start)
    if len(text) != size - _TRAILER - start or own_files.digest(text).encode() != digest:
        return None
    index: dict[str, tuple[int, int]] = {}
    for row in text.splitlines():
        name, at, length = row.decode("ascii").split(" ")
        index[name] = (int(at), int(length))
        if not len(PACK) <= int(at) <= int(at) + int(length) <= start or int(length) > MOST_BYTES:
            return None
    return index


class _Changes:
    """What this run does to one folder's pack: the entries it adds (written as they come, to a new pack
    not yet in place), the old entries it found good (``held``) and those it found no longer hold."""

    def __init__(self) -> None:
        self.folder: int | None = None
        self.fd: int | None = None
        self.temp = ""
        self.at = 0
        self.index: dict[str, tuple[int, int]] = {}
        self.held: set[str] = set()
        self.dropped: set[str] = set()

    def drop(self, name: str) -> None:
        self.dropped.add(name)

    def hold(self, name: str) -> None:
        self.held.add(name)

    def add(self, folder: int, name: str, body: bytes) -> None:
        """Write ``body`` as the entry ``name`` of the new pack (begun if need be)."""
        if self.fd is None:
            self._begin(folder)
        self._put(name, body)

    def _begin(self, folder: int) -> None:
        self.folder = folder
        self.temp = f".{os.urandom(8).hex()}{SUFFIX}.tmp"
        self.fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
        self._write(PACK)

    def _put(self, name: str, body: bytes) -> None:
        if self.at + len(body) + 2 * _TRAILER > MOST_PACK_BYTES // 2:  # (the index needs room too)
            return
        self.index[name] = (self.at, len(body))
        self._write(body)

    def _write(self, data: bytes) -> None:
        from portfolio_tui.store.persistence import write_all

        assert self.fd is not None
        write_all(self.fd, data)
        self.at += len(data)

    def changed(self, old: _Pack | None) -> bool:
        """Does the pack need writing: an entry added, or an old one that no longer holds?"""
        return bool(self.index) or (old is not None and not self.dropped <= self.held)

    def write(self, folder: int, pack_name: str, old: _Pack | None) -> None:
        """Put the new pack in place of the old one: the new entries, the old ones still good or not looked
        at this run, the index, the last line."""
        if self.fd is None:
            self._begin(folder)
        carried = [] if old is None else [
            name for name in old.index if name not in self.index and (name not in self.dropped or name in self.held)
        ]
        for name in carried:
            data = old.read(name) if old is not None else None
            if data is not None:
                self._put(name, data)
        start = self.at
        text = b"".join(b"%s %d %d\n" % (name.encode(), at, length) for name, (at, length) in self.index.items())
        self._write(text + b"index %020d %s\n" % (start, own_files.digest(text).encode()))
        assert self.fd is not None
        os.close(self.fd)
        self.fd = None
        os.replace(self.temp, pack_name, src_dir_fd=folder, dst_dir_fd=folder)
        self.temp = ""

    def discard(self) -> None:
        """Remove the pack being written, if it was not put in place."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.temp:
            with suppress(OSError):
                os.unlink(self.temp, dir_fd=self.folder)
            self.temp = ""


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
        return own_files.identity_line(own_files.stat_key(st), own_files.head_of(os.read(fd, HEAD_READ)))
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
    try:
        steady = own_files.stat_key(os.stat(path)) == own_files.stat_key(before)
    except OSError:
        return b""
    started = " ".join(map(str, own_files.stat_key(before))).encode() + b" "
    if line is None or not steady or not line.startswith(started):
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
