"""Paths as text, spelled as pathlib spells them (``str(Path(...))``), for the modules on a gateway run's way.

pathlib, with ``urllib.parse`` and ``ipaddress`` behind it (imported for ``Path.as_uri``), cost
``portfolio gateway`` on one file some 4 ms of its start-up (issue 15), and such a run only passes names
along: the file named, the folder's roster, the standards' files, the data folder. So those modules take a
path as ``str`` or ``Path`` and name files by their text, made here exactly as a ``Path`` would print, so
that a file is named alike in every message, key and output. POSIX, as the app is (its files' modes,
accounts and locks); ``tests/unit/test_path_text.py`` holds each equal to pathlib's.
"""

from __future__ import annotations

import errno
import os
import stat

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path


def normal(path: str | Path) -> str:
    """``str(Path(path))``: no empty or ``.`` part, no ``/`` at the end (two at the start kept, as POSIX
    allows), ``.`` for nothing."""
    text = os.fspath(path)
    root = ""
    if text.startswith("/"):
        root = "//" if text.startswith("//") and not text.startswith("///") else "/"
    return root + "/".join(part for part in text.split("/") if part and part != ".") or "."


def joined(folder: str | Path, *names: str) -> str:
    """``str(Path(folder, *names))``: a name that is absolute starts again from it."""
    return normal(os.path.join(os.fspath(folder), *names))


def parent(path: str | Path) -> str:
    """``str(Path(path).parent)``."""
    return os.path.dirname(normal(path)) or "."


def name(path: str | Path) -> str:
    """``Path(path).name``: the last part, ``""`` for a root or ``.``."""
    text = normal(path)
    return "" if text == "." else os.path.basename(text)


def expanded(path: str | Path) -> str:
    """``str(Path(path).expanduser())``: a leading ``~`` or ``~user`` as that home folder (``RuntimeError`` when
    it cannot be told, as there)."""
    text = normal(path)
    if not text.startswith("~"):
        return text
    head, _, rest = text.partition("/")
    home = os.path.expanduser(head)
    if home.startswith("~"):
        raise RuntimeError("Could not determine home directory.")
    return joined(home, rest) if rest else normal(home)


_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _mode(path: str | Path) -> int | None:
    """The file's mode, links followed; ``None`` for nothing there (or a loop of links), an ``OSError`` raised
    for anything else that keeps it from being told, as pathlib's ``exists``, ``is_file`` and ``is_dir`` do
    (``os.path``'s say ``False`` to those too)."""
    try:
        return os.stat(path).st_mode
    except OSError as exc:
        if exc.errno not in _NOT_THERE:
            raise
        return None
    except ValueError:
        return None


def exists(path: str | Path) -> bool:
    """``Path(path).exists()``."""
    return _mode(path) is not None


def is_file(path: str | Path) -> bool:
    """``Path(path).is_file()``."""
    mode = _mode(path)
    return mode is not None and stat.S_ISREG(mode)


def is_dir(path: str | Path) -> bool:
    """``Path(path).is_dir()``."""
    mode = _mode(path)
    return mode is not None and stat.S_ISDIR(mode)
