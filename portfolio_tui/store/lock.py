"""The lock file beside each portfolio that makes every change a transaction across processes.

``filelock`` uses ``flock`` on Unix and ``msvcrt`` on Windows, and the OS drops the lock when a
process dies, so a crashed writer never leaves a portfolio locked. The lock file gets the mode
``sharing`` gives new files in its folder: ``0o660`` in a shared cohort folder, so that everyone in
the cohort's group can take it, ``0o600`` in a private one; never anything for others.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from portfolio_tui import sharing
from portfolio_tui.store.errors import LockTimeout, WriteFailed

if TYPE_CHECKING:
    from filelock import BaseFileLock

DEFAULT_TIMEOUT = 15.0


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


class PortfolioLock:
    """The lock of one portfolio, reused across its transactions (building a ``FileLock`` costs more than taking it)."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT):
        self.path = path
        self.timeout = timeout
        self._lock: BaseFileLock | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the body; only ever around a short read-change-write."""
        from filelock import FileLock, Timeout

        try:
            lock = self._lock
            if lock is None:
                mode = sharing.file_mode_for(self.path.parent)
                lock = self._lock = FileLock(str(lock_path(self.path)), timeout=self.timeout, mode=mode,
                                             thread_local=False)
            lock.acquire()
        except Timeout:
            raise LockTimeout(self.path, self.timeout) from None
        except OSError as exc:
            denied = exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
            reason = "the folder is read-only" if denied else (exc.strerror or str(exc))
            raise WriteFailed(self.path, f"cannot create the lock file {lock_path(self.path).name}: {reason}") from None
        try:
            yield
        finally:
            lock.release()
