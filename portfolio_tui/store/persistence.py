"""Every file the app writes, written one way: whole or not at all, under a lock, stamped by one clock.

Portfolios, their backups, the roster, the allowed-signers file, installed standards, reports and
export archives all go through :func:`writing_atomically` (temp file in the same folder, fsync,
``os.replace``, fsync the folder: a reader sees the old file or the new one, never half of one); a
file that must be new, never a replacement (a signing key, what an import unpacks) is made by
:func:`write_new` and put in place by :func:`place_new`;
changes that must not interleave hold a :class:`FileLockGuard`, and every record, audit entry and
roster change is stamped by :func:`utc_now`. File modes follow ``sharing``: group read-write in a
shared cohort folder, private elsewhere, never anything for others unless the file is public.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

from portfolio_tui import sharing

TYPE_CHECKING = False  # typing costs the start-up of ``portfolio gateway``, which locks but never writes
if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

    from filelock import BaseFileLock

WORLD_BITS = 0o007


def utc_now() -> str:
    """An ISO-8601 UTC timestamp with seconds, as every record, audit entry and roster change carries."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def writing_atomically(
    path: Path, mode: int | None = None, *, public: bool = False, as_new: bool = False, cohort: Path | None = None
) -> Iterator[BinaryIO]:
    """Write ``path`` through the yielded binary file; it replaces ``path`` only when the body ends well.

    An existing file keeps its mode, less any access for others, and its owner and group where the
    OS allows. A new file gets :func:`sharing.prepare_new_file`'s mode and the folder's group, or
    ``mode`` (less access for others) when given. A ``public`` file (the allowed signers: public
    keys) gets exactly ``mode``. A file written ``as_new`` (the roster, whose owner must be its last
    writer) gets a new file's mode and group whatever it replaces. A new file below the folder it belongs
    to (a kept attachment in ``name.files/ab/``) takes its mode from ``cohort``, that folder. On any
    failure (the body raising, too) the temp file is removed and ``path`` is as it was.
    """
    with _temp_beside(path, mode, public, as_new, cohort) as fd, os.fdopen(fd, "wb", closefd=False) as handle:
        yield handle


def write_atomically(path: Path, data: bytes | list[bytes], mode: int | None = None, *,
                     public: bool = False, as_new: bool = False, durable: bool = True,
                     spare: bool = False) -> os.stat_result:
    """Replace ``path`` with ``data`` (bytes, or chunks written in order) all at once, as
    :func:`writing_atomically` does; returns the new file's ``stat``. Not ``durable``: no fsync, for a
    file whose loss in a crash costs only work (a cache entry, which is checked whole when read).
    ``spare``: the previous version is kept beside the file and the next save writes into it
    (``store.spare``: half the disk's work for a large file, as safe)."""
    landed: list[os.stat_result] = []
    with _temp_beside(path, mode, public, as_new, landed=landed, durable=durable,
                      spare=spare and durable and not public and mode is None and not as_new) as fd:
        write_chunks(fd, [data] if isinstance(data, bytes) else data)
    return landed[0]


def write_all(fd: int, data: bytes | bytearray) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write fewer than it is given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_IOV_MAX = 1024  # the least any Unix allows (POSIX: at least 16; Linux, the BSDs and macOS: 1024)


def write_chunks(fd: int, chunks: list[bytes]) -> None:
    """Write ``chunks`` in order, in as few system calls as the OS allows (``os.writev``), never joined
    into one copy; like :func:`write_all`, a short write goes on where it stopped."""
    if not hasattr(os, "writev"):
        for chunk in chunks:
            write_all(fd, chunk)
        return
    pending = [memoryview(chunk) for chunk in chunks if chunk]
    pending.reverse()  # the next chunk to write is at the end
    while pending:
        batch = pending[: -_IOV_MAX - 1 : -1]
        written = os.writev(fd, batch)
        for view in batch:
            if written < len(view):
                pending[-1] = view[written:]
                break
            written -= len(view)
            pending.pop()


def write_new(path: Path, data: bytes, *, cohort: Path | None = None, mode: int | None = None) -> None:
    """Create ``path`` holding ``data``, synced; never replaces a file already there (``FileExistsError``).

    For files that must be new rather than replaced: a private signing key, the files an import
    stages. It gets the mode and group the app gives new files in ``cohort`` (default: its folder),
    or exactly ``mode``; a write that fails part-way removes what it made.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            if mode is None:
                sharing.prepare_new_file(fd, cohort or path.parent)
            else:
                _chmod(fd, str(path), mode)
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with suppress(OSError):
            os.unlink(path)
        raise


def make_folders(folder: Path) -> None:
    """Make ``folder`` and every missing folder above it, each with the mode and group its own parent's sharing
    gives (``sharing.folder_mode_for``: a cohort's 2770 and group in a shared folder, else 0700), whatever the
    umask; a folder already there is left as it is. ``OSError`` when one cannot be made."""
    missing = [level for level in (folder, *folder.parents) if not level.exists()]
    for level in reversed(missing):
        try:
            os.mkdir(level, 0o700)
        except FileExistsError:
            continue
        fd = os.open(level, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
        try:
            sharing.prepare_new_folder(fd, level.parent)
        finally:
            os.close(fd)


def place_new(source: Path, target: Path) -> None:
    """Move the finished file ``source`` to ``target`` in one step, refusing (``FileExistsError``) when
    ``target`` exists, even if it appeared a moment ago: a hard link cannot replace a file, ``os.replace``
    would. Both are in the same file system (a staging folder beside the target)."""
    os.link(source, target)
    os.unlink(source)
    fsync_folder(target.parent)


def link_target(path: Path) -> Path:
    """The file a symbolic link at ``path`` points to (``path`` itself when it is no link).

    A portfolio opened by a link is resolved once, when the store opens it, so its writes (and the lock,
    and the folder's roster) go to the target. Nothing else is written through a link: a save renames
    over whatever is at the name it was given (:func:`_temp_beside`).
    """
    if not os.path.islink(path):
        return path
    from pathlib import Path

    return Path(os.path.realpath(path))


@contextmanager
def _temp_beside(path: Path, mode: int | None, public: bool, as_new: bool, cohort: Path | None = None, *,
                 landed: list[os.stat_result] | None = None, durable: bool = True,
                 spare: bool = False) -> Iterator[int]:
    """A temp file in the folder of ``path``, open as the yielded fd;
    fsynced and renamed over that file after. ``landed`` receives the ``fstat`` of the file written,
    taken through its own descriptor just after the rename: what is at ``path`` by the time anyone
    asks may already be a file someone else renamed over it, and must not be taken for this one.
    With ``spare`` (Linux), the temp file is the previous version kept beside ``path`` when it may be
    rewritten (``store.spare``), and the two are swapped instead of renamed, so that the version
    swapped out is kept for the next save."""
    import tempfile  # here, not at the top: a command that only reads (gateway) starts without it

    folder = path.parent
    try:
        existing: os.stat_result | None = None if as_new else os.lstat(path)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # A link (or anything but a file) at the name is replaced, never written through: in a folder the
        # group may write, a member could plant ``bob.html -> ~tutor/.profile`` where the tutor's report goes
        # (review R8). The store resolves a portfolio opened by its link once, when it opens it.
        existing = None
    kept: Path | None = None  # the spare's name, when this save keeps one (store.spare)
    reused: int | None = None
    if spare and existing is not None and os.name == "posix":
        from portfolio_tui.store import spare as spares

        if spares.usable():
            kept = spares.spare_path(path)
            reused = spares.open_reusable(kept, *_new_version_of(existing))
            if not spares.usable():  # found just now (no leases here): none is kept
                kept = None
    if reused is not None:
        fd, temp = reused, str(kept)
    else:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        try:
            if reused is not None:
                pass  # already the new version's mode, owner and group
            elif public and mode is not None:
                _chmod(fd, temp, mode)
            else:
                _copy_permissions(fd, temp, existing, mode, cohort)
            yield fd
            if reused is not None:  # the old bytes beyond the new go
                os.ftruncate(fd, os.lseek(fd, 0, os.SEEK_CUR))
            if durable:
                # A rewritten spare: its data (and size) are enough, the folder's fsync commits the rest.
                (os.fdatasync if reused is not None and hasattr(os, "fdatasync") else os.fsync)(fd)
            swapped = False
            if os.name != "nt":  # Windows cannot rename a file still open; there the path is asked
                if kept is not None and existing is not None and existing.st_nlink == 1:
                    swapped = _exchange(temp, path)
                if not swapped:
                    os.replace(temp, path)
                if landed is not None:
                    landed.append(os.fstat(fd))
        finally:
            os.close(fd)
        if os.name == "nt":
            os.replace(temp, path)
            if landed is not None:
                landed.append(os.stat(path))
        elif swapped and reused is None and kept is not None:
            from portfolio_tui.store.spare import keep_as_spare

            keep_as_spare(temp, kept)  # the previous version, now at the temp file's name
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        fsync_folder(folder)


def _exchange(first: str, second: Path) -> bool:
    from portfolio_tui.store import spare

    return spare.exchange(first, second)


def _new_version_of(existing: os.stat_result) -> tuple[int, int, int]:
    """The mode, owner and group :func:`_copy_permissions` gives the new version of ``existing``
    (the owner is this account unless it is root or owns the file already)."""
    euid = os.geteuid()
    owner = existing.st_uid if euid in (0, existing.st_uid) else euid
    return stat.S_IMODE(existing.st_mode) & ~WORLD_BITS, owner, existing.st_gid


def _copy_permissions(
    fd: int, temp: str, existing: os.stat_result | None, mode: int | None, cohort: Path | None = None
) -> None:
    if existing is None:
        from pathlib import Path

        sharing.prepare_new_file(fd, cohort or Path(temp).parent)
        if mode is not None:
            _chmod(fd, temp, mode & ~WORLD_BITS)
        return
    _chmod(fd, temp, stat.S_IMODE(existing.st_mode) & ~WORLD_BITS)
    if hasattr(os, "fchown"):
        current = os.fstat(fd)
        if (existing.st_uid, existing.st_gid) == (current.st_uid, current.st_gid):
            return
        try:
            os.fchown(fd, existing.st_uid, existing.st_gid)
        except OSError:
            # Only root can give the file away; anyone may keep its group when they belong to it.
            with suppress(OSError):
                os.fchown(fd, -1, existing.st_gid)


def _chmod(fd: int, temp: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:
        os.chmod(temp, mode)


def fsync_folder(folder: Path) -> None:
    """Make the rename durable; best effort, since the new file is already complete and in place."""
    if os.name != "posix":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class FileLockGuard:
    """A lock file beside what it guards, taken with ``flock`` on Unix: the OS drops the lock when a
    process dies, so a crashed writer never leaves a file locked. The lock file stays in place (every
    process locks the same inode) and gets the mode and group ``sharing`` gives new files in its
    folder, so everyone in a cohort's group can take it.

    ``flock`` is called directly: ``filelock`` takes 0.1-0.3 ms to do the same, a twentieth of a save.
    Where there is no ``flock`` (Windows; a file system that refuses it) ``filelock`` is used, with
    ``msvcrt`` or its marker-file fallback; both lock the same file, so processes using either agree.
    """

    POLL_SECONDS = 0.05

    def __init__(self, lock_file: Path, timeout: float):
        self.lock_file = lock_file
        self.timeout = timeout
        self._lock: BaseFileLock | None = None

    @contextmanager
    def held(self, *, busy: Callable[[], Exception], failed: Callable[[str], Exception]) -> Iterator[None]:
        """Hold the lock for the body; ``busy()`` is raised after the timeout, ``failed(reason)`` when
        the lock file cannot be made (a read-only folder, say)."""
        fd = self._flock(busy, failed)
        if fd is None:
            with self._held_by_filelock(busy, failed):
                yield
            return
        try:
            yield
        finally:
            os.close(fd)  # closing the only descriptor of this open file releases its flock

    def _flock(self, busy: Callable[[], Exception], failed: Callable[[str], Exception]) -> int | None:
        """The lock file open and locked, or ``None`` where ``flock`` is not to be had."""
        try:
            import fcntl
        except ImportError:
            return None
        try:
            fd, made = self._open()
        except OSError as exc:
            raise failed(_lock_failure(exc)) from None
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return fd
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                        # No flock on this file system: filelock's fallback, a lock file that is there
                        # only while held. One made just now for flock would read as held by someone.
                        os.close(fd)
                        if made:
                            with suppress(OSError):
                                os.unlink(self.lock_file)
                        return None
                if time.monotonic() >= deadline:
                    raise busy()
                time.sleep(self.POLL_SECONDS)
        except BaseException:
            with suppress(OSError):
                os.close(fd)
            raise

    def _open(self) -> tuple[int, bool]:
        """The lock file, opened for writing (a lock over NFS needs it); made first, with its folder's mode
        and group, when it is not there (then the flag is true)."""
        flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        folder = self.lock_file.parent
        for _ in range(100):
            try:
                fd = os.open(self.lock_file, flags | os.O_CREAT | os.O_EXCL, sharing.file_mode_for(folder))
            except FileExistsError:
                try:
                    return os.open(self.lock_file, flags), False
                except FileNotFoundError:
                    continue  # removed since: make it again
            try:
                sharing.prepare_new_file(fd, folder)  # the exact mode whatever the umask, and the folder's group
            except BaseException:
                os.close(fd)
                raise
            return fd, True
        raise OSError(errno.EAGAIN, "the lock file keeps being removed")

    @contextmanager
    def _held_by_filelock(self, busy: Callable[[], Exception], failed: Callable[[str], Exception]) -> Iterator[None]:
        from filelock import FileLock, Timeout

        try:
            lock = self._lock
            if lock is None:
                mode = sharing.file_mode_for(self.lock_file.parent)
                lock = self._lock = FileLock(str(self.lock_file), timeout=self.timeout, mode=mode, thread_local=False)
            lock.acquire()
        except Timeout:
            raise busy() from None
        except OSError as exc:
            raise failed(_lock_failure(exc)) from None
        try:
            yield
        finally:
            lock.release()


def _lock_failure(exc: OSError) -> str:
    denied = exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    return "the folder is read-only" if denied else (exc.strerror or str(exc))
