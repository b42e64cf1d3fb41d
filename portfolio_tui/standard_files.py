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

from portfolio_tui import locations, path_text

TYPE_CHECKING = False  # typing costs the plain gateway's start-up
if TYPE_CHECKING:
    from pathlib import Path

RULES_SUFFIX = ".rules.json"


def folders() -> list[tuple[str, str]]:
    """The standards folders, in the order they are looked in, each with its origin (as text: ``path_text``)."""
    return [(locations.user_standards_folder(), "user"), (locations.shipped_standards_folder(), "shipped")]


def rules_path(standard_path: Path) -> Path:
    """The rules file that goes with a standard file."""
    return standard_path.with_name(standard_path.name.removesuffix(".json") + RULES_SUFFIX)


def rules_file(standard_path: str | Path) -> str:
    """:func:`rules_path` as text (``path_text``)."""
    return path_text.joined(path_text.parent(standard_path),
                            path_text.name(standard_path).removesuffix(".json") + RULES_SUFFIX)


def doubt(path: str | Path) -> str | None:
    """Why a user's standard (or its folder, or its rules file) may not be used, if it may not: another
    account could have changed it. A standard decides what counts as covered and what grade is predicted,
    so one planted by a member of the cohort's group (in a data folder the umask left group-writable)
    would quietly override a shipped one (review F8). The data folder's standards must be this account's
    own; a folder named by ``PORTFOLIO_TUI_STANDARDS`` (one a provider shares) may be anyone's, but no one
    else may be able to write it or its files."""
    if not hasattr(os, "geteuid"):
        return None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if st.st_mode & 0o022:
        import stat

        return (f"not used: other accounts can change it (mode {stat.filemode(st.st_mode)}); "
                f"if it is yours, `chmod go-w {path}`")
    if st.st_uid not in (os.geteuid(), 0) and not os.environ.get(locations.STANDARDS_ENV):
        return f"not used: it belongs to another account (uid {st.st_uid}), in your own data folder"
    return None


def user_file_doubt(path: str | Path) -> str | None:
    """:func:`doubt` of a user's standard file, its folder and its rules file, the first that has one."""
    return doubt(path_text.parent(path)) or doubt(path) or doubt(rules_file(path))


def digest(standard_id: str) -> str:
    """A digest of what ``catalog.get`` reads first for ``standard_id``: each folder's ``<id>.json`` and
    its rules file, by path and bytes, or that it is not there; ``""`` when one cannot be read."""
    from portfolio_tui.store.own_files import sha256

    whole = sha256()
    for folder, origin in folders():
        path = path_text.joined(folder, f"{standard_id}.json")
        if origin == "user" and os.path.isfile(path):  # the same bytes are not used once others may write them
            whole.update(b"doubted\0" if user_file_doubt(path) else b"trusted\0")
        for file in (path, rules_file(path)):
            try:
                data = _regular_file(file)
            except OSError:  # it cannot be read: catalog.get says what it makes of that
                return ""
            name = os.fsencode(file)
            whole.update(b"%d %s %d\0" % (len(name), name, -1 if data is None else len(data)))
            whole.update(data or b"")
    return whole.hexdigest()


def _regular_file(file: str) -> bytes | None:
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
