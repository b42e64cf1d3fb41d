"""The lock file beside each portfolio that makes every change a transaction across processes.

``filelock`` uses ``flock`` on Unix and ``msvcrt`` on Windows, and the OS drops the lock when a
process dies, so a crashed writer never leaves a portfolio locked. The lock file is created
``0o660``: a cohort folder is shared by a group (tutors, assessors), never by everyone.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from portfolio_tui.store.errors import LockTimeout, WriteFailed

LOCK_MODE = 0o660
DEFAULT_TIMEOUT = 15.0


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


class PortfolioLock:
    """The lock of one portfolio, reused across its transactions (building a ``FileLock`` costs more than taking it)."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT):
        self.path = path
        self.timeout = timeout
        self._lock = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the body; only ever around a short read-change-write."""
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(str(lock_path(self.path)), timeout=self.timeout, mode=LOCK_MODE, thread_local=False)
        try:
            self._lock.acquire()
        except Timeout:
            raise LockTimeout(self.path, self.timeout) from None
        except OSError as exc:
            denied = exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
            reason = "the folder is read-only" if denied else (exc.strerror or str(exc))
            raise WriteFailed(self.path, f"cannot create the lock file {lock_path(self.path).name}: {reason}") from None
        try:
            yield
        finally:
            self._lock.release()


def locked(path: Path, timeout: float = DEFAULT_TIMEOUT) -> AbstractContextManager[None]:
    """Hold ``path``'s lock for the body of a ``with`` statement."""
    return PortfolioLock(path, timeout).held()
