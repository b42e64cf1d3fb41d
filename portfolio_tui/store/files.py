"""Which files in a cohort folder are portfolios: one rule, for every command that lists a folder.

A portfolio is a ``*.json`` file; the folder's roster, hidden files (locks, temp files) and the
backups an upgrade keeps (``name.json.v1.bak``) are not.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

TYPE_CHECKING = False  # typing and pathlib cost ``portfolio gateway``'s start-up
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path
    from typing import Any

ROSTER_FILE = "roster.json"


def is_portfolio_name(name: str) -> bool:
    return name.endswith(".json") and name != ROSTER_FILE and not name.startswith(".")


def portfolio_files(folder: str | Path) -> PathList:
    """The portfolio files of ``folder``, in name order (none if it cannot be listed, as ``Path.glob``)."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if is_portfolio_name(entry.name) and _is_file(entry))
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return PathList()
    base = os.fspath(folder)
    return PathList([os.path.join(base, name) for name in names])


def _is_file(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a file, or a link to one (``Path.is_file``: False where it cannot be told)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def as_named(paths: Sequence[str | Path]) -> Sequence[str | Path]:
    """The files of ``paths`` as a caseload's are read: a :class:`PathList`'s as their text, no ``Path`` made of
    each (pathlib interns every name it parses, and the interpreter's table of interned texts only grows: by
    a block of 0.2 to 0.4 MB at a time, once a few hundred names have passed through it)."""
    return paths.texts if isinstance(paths, PathList) else paths


class PathList(Sequence["Path"]):
    """Paths held as text and made into :class:`~pathlib.Path` objects one at a time, as they are used.

    ``gateway`` holds a caseload's paths from its first file to its last. A ``Path`` holds the list
    of its parts, its name and, once asked, its text: some 330 bytes each, and a folder listed as 500
    of them at once (``Path.glob``) took a worker's peak RSS 0.3 MB up. As text, a path costs a quarter.
    """

    __slots__ = ("texts",)

    def __init__(self, paths: Iterable[str | os.PathLike[str]] = ()) -> None:
        self.texts: list[str] = [os.fspath(path) for path in paths]
        """Each path's text, as given."""

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index: Any) -> Any:  # a Path, or a PathList of a slice
        if isinstance(index, slice):
            return PathList(self.texts[index])
        from pathlib import Path

        return Path(self.texts[index])

    def __iter__(self) -> Iterator[Path]:
        from pathlib import Path

        return map(Path, self.texts)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (PathList, list, tuple)) else NotImplemented

    def __repr__(self) -> str:
        return f"PathList({self.texts!r})"
