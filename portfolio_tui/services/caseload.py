"""A cohort folder as one OS account sees it: only the portfolios the folder's roster lets it view.

``portfolio gateway`` and the TUI's caseload list folders through here, so both leave out the same
portfolios and refuse the same named file. Reading a caseload loads no TinyDB: the files are only
read (``store.reading``), and a learner opened from it becomes a ``services.session.PortfolioSession``.
"""

from __future__ import annotations

import os

from portfolio_tui import identity, path_text
from portfolio_tui.services import access
from portfolio_tui.store.files import ROSTER_FILE, PathList, portfolio_files
from portfolio_tui.store.files import as_named as as_named  # (how the CLI names what readable_portfolios gives)

TYPE_CHECKING = False  # typing, pathlib, and what only the TUI's view needs, cost ``portfolio gateway``'s start-up
if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date
    from pathlib import Path

    from portfolio_tui.services.session import PortfolioSession
    from portfolio_tui.services.views import CaseloadView


class Caseload:
    """A cohort folder as this OS account sees it: only the portfolios the folder's roster lets it view."""

    def __init__(self, folder: str | Path, account: str | None = None):
        from pathlib import Path

        self.folder = Path(folder)
        self.account = account or identity.current_user()

    def paths(self) -> PathList:
        """The portfolio files in the folder this account may see, by name; a link as the file it points to,
        decided by that file's folder and name (``access.viewable``)."""
        return access.viewable(portfolio_files(self.folder), account=self.account)

    def stamp(self) -> tuple[object, ...]:
        """What changes when a portfolio of the folder, or its roster, is added, removed or written: the
        folder's own status (every save replaces a file by a rename, which changes the folder) and each
        portfolio file's and the roster's (a file written in place). Nothing is read but the folder's list
        of names, so a caseload open in the TUI can look every second (500 files: about a millisecond)."""
        names = portfolio_files(self.folder).texts
        return (_status(self.folder), _status(self.folder / ROSTER_FILE), tuple((n, _status(n)) for n in names))

    def open(self, path: str | Path, actor: str | None = None) -> PortfolioSession:
        """One learner's session (checked again: the roster may have changed since the list was made)."""
        from portfolio_tui.services.session import PortfolioSession

        return PortfolioSession(path, actor)

    def view(self, as_of: date) -> CaseloadView:
        """Every portfolio this account may see, checked for readiness, riskiest first (file I/O:
        the TUI calls it in a worker thread). A roster that fails its checks lists nothing, and says why."""
        # Imported here, not at the top: ``portfolio gateway`` needs only readable_portfolios, and the
        # view models' dataclasses cost its start-up.
        from portfolio_tui.domain import roles
        from portfolio_tui.domain.text import clean_text
        from portfolio_tui.services import readiness
        from portfolio_tui.services.views import CaseloadRow, CaseloadView

        try:
            roster = access.load_roster(self.folder)
        except access.UntrustedRoster as exc:
            return CaseloadView(viewer=self.account, problem=clean_text(str(exc)))
        assesses = True
        if roster is None:
            viewer = f"{self.account} (no roster here: every portfolio is listed)"
        else:
            role = roster.role_of(self.account)
            viewer = f"{self.account}, {roles.ROLES[role]}" if role else f"{self.account} (not on this cohort's roster)"
            assesses = role in roles.ACTIONS["evidence.assess"].roles
        checked = readiness.check_portfolios(list(self.paths()), as_of)  # (a link as the file it names: R14)
        rows = [CaseloadRow(key, c.path, as_of, c.report, clean_text(c.error)) for key, c in enumerate(checked)]
        return CaseloadView(tuple(sorted(rows, key=CaseloadRow.risk)), viewer, assesses=assesses)


def readable_portfolios(targets: Iterable[str | Path]) -> PathList:
    """The portfolios ``portfolio gateway`` checks for its arguments, by this OS account's rights.

    Each folder gives the portfolios in it this account may see (a line manager's, only their own
    apprentices'); a file named explicitly that it may not see is refused with
    :class:`~portfolio_tui.domain.roles.NotAllowed`, naming who may; a path that is not there is an
    :class:`InputError`.
    """
    texts: list[str] = []
    named: list[str] = []
    for target in targets:
        path = path_text.normal(target)  # (each named as its ``Path`` is: see ``path_text``)
        if path_text.is_dir(path):
            texts.extend(portfolio_files(path).texts)
        elif path_text.is_file(path):
            texts.append(path)
            named.append(path)
        else:
            from portfolio_tui.services.errors import InputError

            raise InputError("path", f"{target}: no such file or folder")
    return access.viewable(PathList(texts), named=named)


def _status(path: str | Path) -> tuple[int, ...]:
    """A file's modification time, change time, size and inode (``()`` when it is not there or cannot be seen)."""
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
