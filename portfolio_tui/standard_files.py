"""Where an installed standard is read from, and a digest of those bytes, worked out without loading it.

``catalog.get`` reads ``<id>.json`` (and the rules file beside it, ``<id>.rules.json``) in the user's
standards folder first, then in the shipped one, and scans every file only when neither holds the
standard. With the same bytes in those four places (a file missing counts as such) and the same code,
it loads the same standard. So ``portfolio gateway`` keys what it keeps by this digest
(``services.gateway_cache``) and, on a run answered from kept entries, needs neither the standard's
model nor its parser: a standard's file is a few kilobytes, read and hashed in microseconds.
"""

from __future__ import annotations

import os
import stat

from portfolio_tui import locations

TYPE_CHECKING = False  # typing costs the plain gateway's start-up
if TYPE_CHECKING:
    from pathlib import Path

RULES_SUFFIX = ".rules.json"


def folders() -> list[tuple[Path, str]]:
    """The standards folders, in the order they are looked in, each with its origin."""
    return [(locations.user_standards_dir(), "user"), (locations.shipped_standards_dir(), "shipped")]


def rules_path(standard_path: Path) -> Path:
    """The rules file that goes with a standard file."""
    return standard_path.with_name(standard_path.name.removesuffix(".json") + RULES_SUFFIX)


def named_files(standard_id: str) -> list[Path]:
    """Each folder's ``<id>.json``, in the order ``catalog.get`` looks for them."""
    return [folder / f"{standard_id}.json" for folder, _origin in folders()]


def digest(standard_id: str) -> str:
    """A digest of what ``catalog.get`` reads first for ``standard_id``: each folder's ``<id>.json`` and
    its rules file, by path and bytes, or that it is not there; ``""`` when one cannot be read."""
    from portfolio_tui.store.own_files import sha256

    whole = sha256()
    for path in named_files(standard_id):
        for file in (path, rules_path(path)):
            try:
                data = _regular_file(file)
            except OSError:  # it cannot be read: catalog.get says what it makes of that
                return ""
            name = os.fsencode(file)
            whole.update(b"%d %s %d\0" % (len(name), name, -1 if data is None else len(data)))
            whole.update(data or b"")
    return whole.hexdigest()


def _regular_file(file: Path) -> bytes | None:
    """The bytes of the regular file ``file``; ``None`` when there is none: nothing by that name, or something
    else (a folder, a pipe), which ``catalog.get`` passes over as it does a missing file, and which is never
    waited on. ``OSError`` when it cannot be read."""
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
