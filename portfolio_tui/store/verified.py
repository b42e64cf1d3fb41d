"""Notes of the portfolio files this OS account has checked in full, so that reopening one skips the checks.

Every CLI run opens its portfolio afresh. Parsing strictly (repeated keys, NaN), checking every
record's types and parsing the audit cost as much as the rest of an add together, though nothing
changed since this account last saved or read the file. A note vouches for one file by its
identity, (device, inode, size, mtime_ns, ctime_ns) as :func:`~portfolio_tui.store.own_files.stat_key`
gives it, and a digest of its first line (which holds the generation every save bumps): the same
key the in-memory cache uses. Any write by any process changes the change time, which no one but
root can set back, so no note outlives another process's write; a read during which the identity
changed is neither trusted nor noted.

The notes live in this account's data folder (``verified/``, mode 0700, each note 0600, one per
file). A folder or a note that is not this account's, or that another account could write, is
ignored, so another account cannot vouch for a file: then the file is checked in full. Notes are
made after a full check and after each save, and written when the process exits, without fsync: a
lost note costs one full check.

A note made by a save also says the file was *clean*: the store saves only a document that keeps the
schema's rules beyond types (``store.constraints``: known tables, kinds, outcomes, no negative hours,
valid Unicode, known criteria), and the note names the standard's criteria it was checked against (a
digest, ``constraints.criteria_digest``). A fresh open of that file checks none of those rules while
the standard's criteria are the same, and only the criteria when they changed. A note made by a read
says only that the types were checked.

What a note never spares: the newest audit entry's hash, signature and signer's enrolment, checked
before every change (``store.sealing``) against the trust anchors as they are then; known criteria
when the standard's criteria are not the ones noted; ``portfolio verify``, which reads everything.
"""

from __future__ import annotations

import atexit
import os
import secrets
import stat
from contextlib import suppress
from pathlib import Path

from portfolio_tui import locations
from portfolio_tui.store.own_files import identity_line
from portfolio_tui.store.own_files import note_name as _name
from portfolio_tui.store.own_files import open_private_folder as _open_folder
from portfolio_tui.store.own_files import own_private as _own_private

FOLDER = "verified"


CHECKED = "checked"
CLEAN = "clean="
"""What a note says of the file: :data:`CHECKED` (its types), or, made by a save, ``clean=<digest>``:
it keeps the other rules too, known criteria checked against the criteria with that digest."""


READERS = b"readers 2 "
"""The first words of every note: what a reading checks before it notes a file (``store.audit_index.changed_outside``
and the role checks of ``store.roles_at``), as of this version. A note vouches for what its maker's readers
checked: one made by a version that checked less (before review F2-F13) would spare an unchanged file this
version's checks for good (review F14), so a change to what readers check changes this, and older notes go."""


def _line(key: tuple[int, ...], head: bytes, clean: str | None = None) -> bytes:
    line = READERS + identity_line(key, head)
    return line if clean is None else line[:-1] + f" {CLEAN}{clean}\n".encode()


def _standing(line: bytes | None, key: tuple[int, ...], head: bytes) -> str | None:
    checked = _line(key, head)
    if line is None or not line.startswith(checked[:-1]):
        return None
    rest = line[len(checked) - 1:]
    if rest == b"\n":
        return CHECKED
    word = rest[1:-1].decode(errors="replace") if rest[:1] == b" " and rest[-1:] == b"\n" else ""
    return word if word.startswith(CLEAN) and word[len(CLEAN):].isalnum() else None


def clean_for(standing: str | None) -> str | None:
    """The criteria digest a clean note was checked against (``None``: the note, if any, says types only)."""
    return standing[len(CLEAN):] if standing is not None and standing.startswith(CLEAN) else None


def _folder() -> Path:
    return locations.data_dir() / FOLDER


_pending: dict[tuple[Path, str], bytes] = {}
"""Notes this process has yet to write ((folder, name) -> line): written when it exits, believed meanwhile."""


def vouches(path: Path, key: tuple[int, ...], head: bytes) -> bool:
    """Did this account check, in full, the file at ``path`` as it is now (``key``, ``head``)?"""
    return standing(path, key, head) is not None


def standing(path: Path, key: tuple[int, ...], head: bytes) -> str | None:
    """What this account's note says of the file at ``path`` as it is now (``key``, ``head``):
    :data:`CHECKED`, ``clean=<digest>`` (:func:`clean_for`), or ``None`` (no note for it as it is: check everything)."""
    if not hasattr(os, "geteuid"):
        return None
    pending = _pending.get((_folder(), _name(path)))
    if pending is not None:
        return _standing(pending, key, head)
    folder = _open_folder(_folder(), create=False)
    if folder is None:
        return None
    try:
        fd = os.open(_name(path), os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)
    try:
        st = os.fstat(fd)
        line = os.read(fd, 256) if stat.S_ISREG(st.st_mode) and _own_private(st) else None
        return _standing(line, key, head)
    finally:
        os.close(fd)


def note(path: Path, key: tuple[int, ...], head: bytes, *, clean: str | None = None) -> None:
    """Note that the file at ``path``, as it is now (``key``, ``head``), was checked in full; ``clean``
    (only after a save of a document that kept them): it keeps the rules of ``store.constraints``, known
    criteria checked against the criteria with that digest (``constraints.criteria_digest``).

    The note is written when the process exits (a long-running program saving often writes each
    file's note once), and believed by this process meanwhile.
    """
    if not hasattr(os, "geteuid"):
        return
    if not _pending:
        atexit.register(flush)
    _pending[(_folder(), _name(path))] = _line(key, head, clean)


def flush() -> None:
    """Write the notes this process has made (best effort: a note lost costs one full check)."""
    notes = dict(_pending)
    _pending.clear()
    for where in dict.fromkeys(where for where, _ in notes):
        _write(where, {name: line for (other, name), line in notes.items() if other == where})


def _write(where: Path, notes: dict[str, bytes]) -> None:
    folder = _open_folder(where, create=True)
    if folder is None:
        return
    try:
        for name, line in notes.items():
            temp = f".{name}.{secrets.token_hex(4)}.tmp"
            try:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
                os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError:
                with suppress(OSError):
                    os.unlink(temp, dir_fd=folder)
    finally:
        os.close(folder)

