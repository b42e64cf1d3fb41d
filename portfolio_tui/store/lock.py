"""The lock file beside each portfolio that makes every change a transaction across processes.

It is taken with ``flock`` on Unix (``persistence.FileLockGuard``) and through ``filelock`` (``msvcrt``)
on Windows, and the OS drops the lock when a process dies, so a crashed writer never leaves a
portfolio locked. The lock file gets the mode
``sharing`` gives new files in its folder: ``0o660`` in a shared cohort folder, so that everyone in
the cohort's group can take it, ``0o600`` in a private one; never anything for others.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from portfolio_tui.store.errors import LockTimeout, WriteFailed

TYPE_CHECKING = False  # (pathlib costs the gateway's start-up: it takes a lock's name from here)
if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_TIMEOUT = 15.0


def lock_path(path: Path) -> Path:
    return path.with_name(lock_name(path.name))


def lock_name(name: str) -> str:
    """The name of the lock of the portfolio named ``name``, beside it."""
    return f".{name}.lock"


class PortfolioLock:
    """The lock of one portfolio, reused across its transactions (``persistence.FileLockGuard``)."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT):
        self.path = path
        self.timeout = timeout
        from portfolio_tui.store.persistence import FileLockGuard  # (a gateway run takes only lock_name from here)

        self._guard = FileLockGuard(lock_path(path), timeout)

    def held(self) -> AbstractContextManager[None]:
        """Hold the lock for the body; only ever around a short read-change-write."""
        name = self._guard.lock_file.name
        return self._guard.held(
            busy=lambda: LockTimeout(self.path, self.timeout),
            failed=lambda why: WriteFailed(self.path, f"cannot create the lock file {name}: {why}"),
        )
