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
A first run over a caseload so writes one file, not one per portfolio; until then what it works out
waits in one nameless spool file beside the packs, not in memory. The pack holds each entry
whole, as it was made, then an index of where each is (by a digest of the file's absolute path), then
a line with where the index starts and its digest. A run reads the index only; an entry is read
(``os.pread``, one at a time: a caseload's results are never all held) when its file's turn comes, and
checked on its own: its identity line, its key, its digest. A run over many folders holds a few packs
open at most, and opens a pack again only if it is still the file whose index it read. A pack
rewritten keeps the entries of the folder's files this run did not look at, drops those of the files
whose entry no longer held, and adds the new ones; a run that found every entry good writes nothing.

A folder or a pack that is not this account's, or that the group or others could write, is ignored,
and so is one that is cut short or whose index does not match its digest, and so is an entry that does
not parse or whose digest does not match what it holds: the file is read afresh. Nothing here is ever
a reason to refuse: the cache only ever spares work.
"""

from __future__ import annotations

import os
import stat
import time
from collections import namedtuple
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache

from portfolio_tui import locations, path_text
from portfolio_tui.store import own_files

TYPE_CHECKING = False
if TYPE_CHECKING:
    from array import array
    from pathlib import Path

FOLDER = "gateway-cache"
BASIS_FOLDER = "gateway-bases"
"""Where each file's readiness basis is kept (``services.gateway_cache``): packs of their own, which a run answered
from the day's entries never opens."""
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
MOST_OPEN = 8
"""Packs a run holds open at most (a run over many folders opens a pack again, checked, when it needs it)."""
_TRAILER = len(b"index ") + 20 + 1 + 64 + 1
"""The last line: ``index OFFSET DIGEST``, the offset written in 20 digits."""


class Cache:
    """This account's packs, for one run: the folder is checked once, opened when first needed; each
    folder's pack index is read when one of its files is first asked about.

    :meth:`fetch` what is kept, :meth:`hold` what was used, :meth:`keep` what was worked out, then
    :meth:`save` (every pack that changed written once) and :meth:`close`. However many folders a run
    checks, it holds at most :data:`MOST_OPEN` packs open and one spool, where what it worked out waits
    (on disk, not in memory) until the packs are written.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = folder or path_text.joined(locations.data_folder(), FOLDER)
        self._fd: int | None = None
        self._opened = False
        self._packs: dict[str, _Pack | None] = {}
        self._open: dict[str, int] = {}  # pack name -> descriptor, the least recently used first
        self._changes: dict[str, _Changes] = {}
        self._spool: _Spool | None = None

    def _dir(self) -> int | None:
        if not self._opened:
            self._opened = True
            self._fd = own_files.open_private_folder(self.folder, create=False)
        return self._fd

    def _pack(self, pack_name: str) -> _Pack | None:
        if pack_name not in self._packs:
            folder = self._dir()
            found = None if folder is None else _open_pack(folder, pack_name)
            if found is None:
                self._packs[pack_name] = None
            else:
                self._packs[pack_name], fd = found
                self._hold_open(pack_name, fd)
        return self._packs[pack_name]

    def _hold_open(self, pack_name: str, fd: int) -> None:
        self._open[pack_name] = fd
        while len(self._open) > MOST_OPEN:
            os.close(self._open.pop(next(iter(self._open))))

    def _source(self, pack_name: str, pack: _Pack) -> int | None:
        """A descriptor open on ``pack``: opened again if it was let go, and then only if it is still the very
        file its index was read from."""
        fd = self._open.pop(pack_name, None)
        if fd is None:
            folder = self._dir()
            found = None if folder is None else _open_pack(folder, pack_name, pack.identity)
            if found is None:
                return None
            fd = found[1]
        self._hold_open(pack_name, fd)
        return fd

    def _read(self, pack_name: str, pack: _Pack, name: str, most: int = MOST_BYTES) -> bytes | None:
        """The entry ``name`` as ``pack`` holds it (checked by the caller: :func:`_parsed`), or its first ``most``
        bytes (:meth:`_source`)."""
        fd = self._source(pack_name, pack)
        if fd is None:
            return None
        at, length = pack.where[name]
        length = min(length, most)
        try:
            data = os.pread(fd, length, at)
        except OSError:
            return None
        return data if len(data) == length else None

    def close(self) -> None:
        """Let go of the packs read, the spool and the folder."""
        for fd in self._open.values():
            os.close(fd)
        if self._spool is not None:
            self._spool.close()
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._opened, self._packs, self._open, self._changes, self._spool = None, False, {}, {}, {}, None

    def fetch(self, path: str | Path) -> tuple[bytes, bytes] | None:
        """``(key, payload)`` kept for the file at ``path`` exactly as it is now; ``None`` if there is none.

        Checked with the portfolio's lock held shared; a file being changed now has no entry. Until
        :meth:`hold` says it was used, the entry is one the next pack leaves out.
        """
        found = self.fetch_as_read(path)
        return None if found is None else found[1:]

    def fetch_as_read(self, path: str | Path) -> tuple[bytes, bytes, bytes] | None:
        """As :meth:`fetch`, with the file's identity line first: what was worked out from the entry may be kept
        for the file as that line says it is (:meth:`keep`)."""
        pack_name, name = _names(path)
        pack = self._pack(pack_name)
        if pack is None or name not in pack.where:
            return None
        self._changes_of(pack_name).dropped.add(name)
        with _shared_lock(path) as held:
            if not held:
                return None
            line = current_identity(path)
        if line is None:
            return None
        data = self._read(pack_name, pack, name)
        found = None if data is None else _parsed(data, line)
        return None if found is None else (line, *found)

    def peek(self, path: str | Path, most: int = 1024) -> bytes | None:
        """The first ``most`` bytes of the entry kept for the file at ``path``, if the file's device, inode, size and
        times are still those the entry names: a hint, for a run to tell which files to share among its workers,
        cheaper than :meth:`fetch` (no lock, no digest, the file not opened). Never a reason to use an entry; as after
        :meth:`fetch`, until :meth:`hold` says it was used, the entry is one the next pack leaves out."""
        pack_name, name = _names(path)
        pack = self._pack(pack_name)
        if pack is None or name not in pack.where:
            return None
        self._changes_of(pack_name).dropped.add(name)
        try:
            started = b"%s%s " % (FORMAT, " ".join(map(str, own_files.stat_key(os.stat(path)))).encode())
        except OSError:
            return None
        data = self._read(pack_name, pack, name, most)
        return data if data is not None and data.startswith(started) else None

    def hold(self, path: str | Path) -> None:
        """The entry :meth:`fetch` gave for ``path`` was used: the next pack keeps it."""
        pack_name, name = _names(path)
        self._changes_of(pack_name).held.add(name)

    def keep(self, path: str | Path, line: bytes, read_at_ns: int, key: bytes, payload: bytes) -> None:
        """Keep ``payload`` for the file at ``path`` as it was read at ``read_at_ns`` (``line``, from
        :func:`reading_identity`), unless the file changed too near that time to be sure of it.
        It waits in the spool, not in memory, for :meth:`save`."""
        if not line or _changed_ns(line) >= read_at_ns - RACY_NS or b"\n" in key:
            return
        head = FORMAT + line + key + b"\n" + own_files.digest(payload).encode() + b"\n"
        if len(head) + len(payload) > MOST_BYTES:
            return
        folder = self._dir()
        if folder is None:
            folder = self._fd = own_files.open_private_folder(self.folder, create=True)
            if folder is None:
                return
        pack_name, name = _names(path)
        with suppress(OSError):
            if self._spool is None:
                self._spool = _Spool(folder)
            self._changes_of(pack_name).added.append(self._spool.add(name.encode() + b"\n" + head, payload))

    def save(self) -> None:
        """Write every folder's pack that changed this run, once, atomically; then :meth:`prune`."""
        folder, wrote = self._fd, False
        for pack_name, changes in self._changes.items():
            old = self._pack(pack_name)
            if folder is None or not (changes.added or (old is not None and not changes.dropped <= changes.held)):
                continue
            with suppress(OSError):
                _write_pack(folder, pack_name, self._entries(pack_name, old, changes))
                wrote = True
        if wrote:
            self.prune()

    def _entries(self, pack_name: str, old: _Pack | None, changes: _Changes) -> Iterator[_Entry]:
        """The entries of the new pack, each with where to copy it from: those added this run, then the old
        pack's still good, one at a time. What is held meanwhile is 8 bytes an entry (:func:`_latest`), where the
        names of a first run's hundreds of entries, each with its place, were more than its largest file."""
        from array import array

        spool, added = self._spool, array("q")
        if spool is not None:
            added.extend(hash(spool.name_at(where)) for where in changes.added)
            for where, last in zip(changes.added, _latest(added), strict=True):
                name = spool.name_at(where) if last else None  # (a file kept twice: the later entry)
                if name is not None:
                    yield name, spool.fd, *spool.body(where, len(name))
            added = array("q", sorted(added))
        if old is not None:
            for name in old.where:
                if not _among(added, hash(name)) and (name not in changes.dropped or name in changes.held):
                    fd = self._source(pack_name, old)
                    if fd is not None:
                        yield name, fd, *old.where[name]

    def _changes_of(self, pack_name: str) -> _Changes:
        changes = self._changes.get(pack_name)
        if changes is None:
            from array import array  # (only a run that keeps something needs it)

            changes = self._changes[pack_name] = _Changes(array("Q"), set(), set())
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


def _names(path: str | Path) -> tuple[str, str]:
    """The name of the pack for the folder of ``path``, and of the file's entry in it."""
    return _names_of(os.path.abspath(path))


@lru_cache(maxsize=16)
def _names_of(absolute: str) -> tuple[str, str]:
    """:func:`_names` of an absolute path (a run asks it of each file five times or so, one after the other: two
    digests each time)."""
    return own_files.note_name(os.path.dirname(absolute)) + SUFFIX, own_files.note_name(absolute)


class _Pack(namedtuple("_Pack", "where identity")):
    """A pack as it was when its index was read (a pack is replaced whole, never changed). A named tuple
    from ``collections``, not ``typing``: the gateway's kept run starts without ``typing``."""

    __slots__ = ()

    where: dict[str, tuple[int, int]]
    """An entry's name -> where it starts in the pack, and its length."""
    identity: tuple[int, int, int, int]
    """The pack's device, inode, size and mtime_ns: opened again, it must be the same file."""


class _Changes(namedtuple("_Changes", "added held dropped")):
    """What this run does to one folder's pack: the entries it adds (where they wait in the spool), the old
    entries it found good (``held``) and those it looked at (``dropped`` unless held)."""

    __slots__ = ()

    added: array[int]
    """Where each entry added waits in the spool, its name first (:meth:`_Spool.add`): 8 bytes an entry, where a
    name and a number held for each of a first run's hundreds of files were more than the largest file."""
    held: set[str]
    dropped: set[str]


def _open_pack(
    folder: int, pack_name: str, identity: tuple[int, int, int, int] | None = None
) -> tuple[_Pack, int] | None:
    """The pack ``pack_name`` in ``folder`` and a descriptor open on it, if it is this account's, no one
    else's, whole, and (given ``identity``) the same file as before; else None."""
    try:
        fd = os.open(pack_name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        now = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        index: dict[str, tuple[int, int]] | None
        if identity is not None:  # (its index is known: only the descriptor is wanted)
            index = {} if now == identity and _mine(st) else None
        else:
            index = _index(fd, st)
    except (OSError, ValueError):
        index = None
    if index is None:
        os.close(fd)
        return None
    return _Pack(index, now), fd


def _mine(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode) and own_files.own_private(st)


def _index(fd: int, st: os.stat_result) -> dict[str, tuple[int, int]] | None:
    """The index of the pack open as ``fd``; None if the pack is not this account's alone, or not whole."""
    size = st.st_size
    if not _mine(st) or not len(PACK) + _TRAILER <= size <= MOST_PACK_BYTES:
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


_SPAN = 1 << 32
"""More than any spool's entry is long (:data:`MOST_PACK_BYTES` bounds them all)."""
NAME_MOST = 128
"""Longer than any entry's name (:func:`_names`: a digest's first 40 hex digits)."""


class _Spool:
    """Where a run's new entries wait for :meth:`Cache.save`: one nameless file in the private folder (its
    name removed as soon as it is made, where the system allows), written as they come, read back once."""

    def __init__(self, folder: int) -> None:
        self.folder = folder
        self.name = f".{os.urandom(8).hex()}.spool.tmp"
        self.fd = os.open(self.name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
        with suppress(OSError):
            os.unlink(self.name, dir_fd=folder)
            self.name = ""
        self.at = 0

    def add(self, head: bytes, payload: bytes) -> int:
        """Where ``head`` (an entry's name, a newline, the entry's first lines) and ``payload`` (the rest of it) now
        wait, written as they are (not joined: one more copy of an entry's text, for a moment): their place and their
        length in one number, under 2**64 (a caseload's hundreds are held, in an ``array``, till the pack is
        written)."""
        from portfolio_tui.store.persistence import write_chunks

        length = len(head) + len(payload)
        if self.at + length > MOST_PACK_BYTES:
            raise OSError("the spool is full")
        write_chunks(self.fd, [head, payload])
        self.at += length
        return (self.at - length) * _SPAN + length

    def body(self, where: int, name_length: int) -> tuple[int, int]:
        """Where in the spool the entry waiting at ``where`` starts, past its name of ``name_length`` characters and
        its newline, and its length."""
        at, length = divmod(where, _SPAN)
        return at + name_length + 1, length - name_length - 1

    def name_at(self, where: int) -> str | None:
        """The name the entry waiting at ``where`` was added under (its first line)."""
        at, length = divmod(where, _SPAN)
        name, newline, _ = os.pread(self.fd, min(length, NAME_MOST), at).partition(b"\n")
        return name.decode("ascii") if newline else None

    def close(self) -> None:
        os.close(self.fd)
        if self.name:
            with suppress(OSError):
                os.unlink(self.name, dir_fd=self.folder)


_Entry = tuple[str, int, int, int]
"""An entry's name, and where to copy it from: a descriptor, the place of the entry in it and its length."""


def _latest(hashes: array[int]) -> bytearray:
    """For each entry added, whether no entry added after it has the same name (``hashes``: each name's
    ``hash``). Two names of one hash would lose one entry (the file is read again next time): in 64 bits,
    never seen."""
    from itertools import pairwise

    latest = bytearray(b"\1") * len(hashes)
    order = sorted(range(len(hashes)), key=hashes.__getitem__)  # (stable: of a hash, the entries in turn)
    for before, after in pairwise(order):
        if hashes[before] == hashes[after]:
            latest[before] = 0
    return latest


def _among(hashes: array[int], wanted: int) -> bool:
    """Whether ``wanted`` is one of the sorted ``hashes``."""
    from bisect import bisect_left

    at = bisect_left(hashes, wanted)
    return at < len(hashes) and hashes[at] == wanted


def _copy(source: int, at: int, length: int, fd: int) -> bool:
    """Copy ``length`` bytes of ``source`` from ``at`` to where ``fd`` stands; False if fewer were there. The
    kernel copies them where it can (``copy_file_range``: no buffer of the entry's size in this process)."""
    from portfolio_tui.store.persistence import write_all

    while length > 0:
        try:
            copied = os.copy_file_range(source, fd, min(length, 1 << 20), at)
        except (AttributeError, OSError):  # (not Linux, or a file system that cannot: read and write)
            data = os.pread(source, min(length, 1 << 16), at)
            write_all(fd, data)
            copied = len(data)
        if not copied:
            return False
        at, length = at + copied, length - copied
    return True


def _write_pack(folder: int, pack_name: str, entries: Iterable[_Entry]) -> None:
    """Put a new pack in place of ``pack_name``: each entry (read as it is written: never all held), the
    index, the last line; written to a temp file, then renamed over the old pack. Nothing is left behind
    when it fails."""
    from portfolio_tui.store.persistence import write_all

    temp = f".{os.urandom(8).hex()}{SUFFIX}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
    try:
        try:
            write_all(fd, PACK)
            at, rows = len(PACK), bytearray()
            for name, source, start, length in entries:
                if at + length + len(rows) > MOST_PACK_BYTES - 2**20:
                    continue
                if not _copy(source, start, length, fd):  # (cut short: what was copied is written over)
                    os.lseek(fd, at, os.SEEK_SET)
                    continue
                rows += b"%s %d %d\n" % (name.encode(), at, length)
                at += length
            rows += b"index %020d %s\n" % (at, own_files.digest(rows).encode())
            write_all(fd, rows)
            os.ftruncate(fd, at + len(rows))
        finally:
            os.close(fd)
        os.replace(temp, pack_name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        raise


def now_ns() -> int:
    """The time a reading starts, to compare with the file's change time (:meth:`Cache.keep`)."""
    return time.time_ns()


def current_identity(path: str | Path) -> bytes | None:
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


def reading_identity(path: str | Path, before: os.stat_result | None) -> bytes:
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


def stat_before(path: str | Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _changed_ns(line: bytes) -> int:
    """The change time in an identity line (its fifth number)."""
    return int(line.split(b" ", 5)[4])


@contextmanager
def _shared_lock(path: str | Path) -> Iterator[bool]:
    """The portfolio's lock held shared for the body (True), or False when it cannot be had at once: a change
    holds it (exclusive), the lock file cannot be read, or the system has no ``flock``. A file that has no
    lock file beside it yet is being changed by no one (True), and nothing is made: the gateway writes
    nothing in a cohort's folder."""
    try:
        import fcntl
    except ImportError:
        yield False
        return
    from portfolio_tui.store.lock import lock_name

    # The lock beside the file a link names (``persistence.link_target``), as text: no Path of each file.
    folder, name = os.path.split(os.path.realpath(path) if os.path.islink(path) else os.fspath(path))
    try:  # (without blocking: a FIFO a group member put in the lock's place would hold the run up for good)
        fd = os.open(os.path.join(folder, lock_name(name)), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:  # no change is under way: a change makes the lock file before anything else
        yield True
        return
    except OSError:
        yield False
        return
    try:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # (not a lock: the file is read afresh, which says why)
                raise OSError("not a regular file")
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
