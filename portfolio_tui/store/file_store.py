"""The portfolio's own file store: attachments copied beside the portfolio, content-addressed.

``portfolio.json`` keeps its files in ``portfolio.files/``, each under the sha256 of its content
(``portfolio.files/ab/abcdef...``), so the same file added twice is kept once, a kept file can be
checked against its name at any time (``portfolio verify``), and evidence survives the laptop it
was added from. Files are written like the portfolio: temp file, fsync, rename.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from portfolio_tui import sharing
from portfolio_tui.store import persistence
from portfolio_tui.store.size_limit import megabytes_from_env

LIMIT_ENV = "PORTFOLIO_TUI_FILE_LIMIT_MB"
DEFAULT_LIMIT_MB = 50
_CHUNK = 1 << 20
_DIGEST = re.compile(r"[0-9a-f]{64}\Z")


def limit_bytes() -> int:
    """The largest file that may be added: ``$PORTFOLIO_TUI_FILE_LIMIT_MB`` megabytes (default 50)."""
    return megabytes_from_env(LIMIT_ENV, DEFAULT_LIMIT_MB)


def store_dir(portfolio: Path) -> Path:
    return portfolio.with_name(portfolio.stem + ".files")


def blob_path(portfolio: Path, digest: str) -> Path:
    return store_dir(portfolio) / digest[:2] / digest


def digest_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


class BadBlob(OSError):
    """A kept file that is not a plain, unchanged copy: missing, a link, a pipe or device, or not its hash.

    Its message says which, naming the file's place in the store; ``missing`` tells a file that is
    simply not there from one that is there but must not be read."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _open_dir(name: str, parent_fd: int, cohort: Path | None = None) -> int:
    """The folder ``name`` inside ``parent_fd``, opened without following a link; made when there is a ``cohort``
    (the portfolio's folder), with the mode and group that folder's sharing gives (``sharing.folder_mode_for``)."""
    made = False
    if cohort is not None:
        with suppress(FileExistsError):
            os.mkdir(name, 0o700, dir_fd=parent_fd)
            made = True
    fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=parent_fd)
    if made and cohort is not None:
        try:
            sharing.prepare_new_folder(fd, cohort)
        except BaseException:
            os.close(fd)
            raise
    return fd


@contextmanager
def _blob_folder(portfolio: Path, digest: str, *, create: bool = False) -> Iterator[int]:
    """``name.files/ab/`` as an open folder, reached without following any link planted inside the store.

    The cohort folder holding the portfolio is the tutor's (or the user's own); ``name.files`` and
    everything below it may be written by the apprentice whose portfolio it is, so a link there
    (to another account's private file, or a folder elsewhere) is refused, never followed."""
    fds: list[int] = []
    try:
        fds.append(os.open(portfolio.parent, os.O_RDONLY | _DIRECTORY))
        for name in (store_dir(portfolio).name, digest[:2]):
            fds.append(_open_dir(name, fds[-1], portfolio.parent if create else None))
        yield fds[-1]
    finally:
        for fd in reversed(fds):
            os.close(fd)


def _where(portfolio: Path, digest: str) -> str:
    return str(blob_path(portfolio, digest))


def _checked_open(portfolio: Path, digest: str, folder: int) -> tuple[int, int]:
    """The blob open for reading (``fd``, size); :class:`BadBlob` unless it is a regular file, not a link."""
    where = _where(portfolio, digest)
    try:
        fd = os.open(digest, os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=folder)
    except FileNotFoundError:
        raise BadBlob(f"{where} is missing", missing=True) from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise BadBlob(f"{where} is a link, not a kept file; it is not followed") from None
        raise BadBlob(f"{where} cannot be read ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise BadBlob(f"{where} is not a regular file (a pipe, device or folder); it is not read")
    if info.st_size > blob_cap():
        os.close(fd)
        raise BadBlob(f"{where} is {info.st_size} bytes, larger than any kept file may be")
    return fd, info.st_size


def blob_cap() -> int:
    """The most a kept file is read to: the add limit or 2 GiB, the larger (a planted sparse file of a
    terabyte would otherwise keep ``verify`` hashing for hours)."""
    return max(limit_bytes(), 2 << 30)


def read_blob(portfolio: Path, digest: str, sink: Callable[[bytes], object] | None = None) -> int:
    """Read the kept file ``digest`` safely, giving each chunk to ``sink``; returns its size.

    Reached through folders opened without following links, opened without following a link or
    blocking (a planted FIFO, or a link to ``/dev/zero`` or to another account's private key, is
    refused, never read), read only up to the size it had when opened, and hashed while read:
    :class:`BadBlob` when any of that fails or the content is not its name. Export, verify, the
    report and the TUI's viewer read kept files only through here; a caller that passes the chunks on
    must discard them on :class:`BadBlob` (the export's zip is then not written)."""
    fd, size = _open_blob(portfolio, digest)
    where = _where(portfolio, digest)
    sha = hashlib.sha256()
    left = size
    try:
        while left > 0:
            try:
                chunk = os.read(fd, min(_CHUNK, left))
            except OSError as exc:
                raise BadBlob(f"{where} cannot be read ({exc.strerror or exc})") from None
            if not chunk:
                break
            left -= len(chunk)
            sha.update(chunk)
            if sink is not None:
                sink(chunk)
    finally:
        os.close(fd)
    found = sha.hexdigest()
    if left or found != digest:
        raise BadBlob(f"{where} has changed: its sha256 is now {found[:12]}…")
    return size


def _open_blob(portfolio: Path, digest: str) -> tuple[int, int]:
    """The kept file open for reading (``fd``, size), reached and opened without following a link."""
    where = _where(portfolio, digest)
    if not _DIGEST.match(digest):
        raise BadBlob(f"{where} is not a kept file's name (a sha256)")
    try:
        with _blob_folder(portfolio, digest) as folder:
            return _checked_open(portfolio, digest, folder)
    except FileNotFoundError:
        raise BadBlob(f"{where} is missing", missing=True) from None
    except BadBlob:
        raise
    except OSError as exc:
        why = "a link, not the store's folder" if exc.errno in (errno.ELOOP, errno.ENOTDIR) else exc.strerror
        raise BadBlob(f"{where}: its folder cannot be read ({why or exc})") from None


def blob_size(portfolio: Path, digest: str) -> int:
    """The kept file's size, not hashed (the evidence list shows sizes; ``verify`` checks content);
    :class:`BadBlob` when it is missing, a link, a pipe or a device."""
    fd, size = _open_blob(portfolio, digest)
    os.close(fd)
    return size


def size_of(portfolio: Path, digest: str) -> int | None:
    """:func:`blob_size`, or ``None`` when it is not in the store as a regular file."""
    try:
        return blob_size(portfolio, digest)
    except BadBlob:
        return None


def keep(portfolio: Path, source: Path) -> str:
    """Copy ``source`` into the store (once per content) and return its sha256.

    The store's folders are made and entered without following links, and the copy is written to a
    temp file in ``ab/`` and renamed over the name: a link or pipe planted at the name is replaced,
    never written through (the old way wrote into whatever file a planted link pointed to)."""
    digest = digest_of(source)
    with suppress(BadBlob):
        read_blob(portfolio, digest)
        return digest
    try:
        with _blob_folder(portfolio, digest, create=True) as folder:
            _write_into(folder, digest, source, portfolio.parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise OSError(exc.errno, f"{store_dir(portfolio)} holds a link where a folder should be; "
                                     "nothing is written through it") from None
        raise
    return digest


def _write_into(folder: int, digest: str, source: Path, cohort: Path) -> None:
    temp = f".{digest}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=folder)
    try:
        try:
            sharing.prepare_new_file(fd, cohort)
            sha = hashlib.sha256()
            with source.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    sha.update(chunk)
                    persistence.write_all(fd, chunk)
            if sha.hexdigest() != digest:
                raise OSError(f"{source} changed while it was being copied; add it again")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temp, digest, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        raise
    with suppress(OSError):
        os.fsync(folder)


def place_kept(portfolio: Path, digest: str, staged: Path) -> None:
    """Put the finished, checked file ``staged`` (an import's, in the same file system) at the kept file's
    name, through folders entered without following links; a sound copy already there is kept."""
    with _blob_folder(portfolio, digest, create=True) as folder:
        try:
            os.link(staged, digest, dst_dir_fd=folder, follow_symlinks=False)
        except FileExistsError:
            try:
                read_blob(portfolio, digest)
            except BadBlob:  # a link or a changed file at the name: replaced, never written through
                os.rename(staged, digest, dst_dir_fd=folder)
        with suppress(OSError):
            os.fsync(folder)


@dataclass(frozen=True)
class StoredFileProblem:
    digest: str
    name: str
    message: str


def check(portfolio: Path, entries: Iterable[tuple[str, str]]) -> list[StoredFileProblem]:
    """Each stored file ``(digest, name)`` that is missing, not a plain file, or no longer has its hash."""
    problems = []
    for digest, name in dict.fromkeys(entries):
        try:
            read_blob(portfolio, digest)
        except BadBlob as exc:
            problems.append(StoredFileProblem(digest, name, str(exc)))
    return problems
