"""Texts kept now and read back later, in order, with next to none of them held in memory.

``gateway --json`` can print no learner's document until the whole caseload is checked (each
document may carry the learner's standing in the cohort), so the documents wait in a
:class:`TextSpool`: a few KB of them in memory (a one-file run touches no disk), the rest in a private
temporary file, each behind its length, so the spool keeps nothing per text in memory. A caseload's
output then costs a process no more memory than one document, however many learners it has.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs start-up (as in cli.output)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

_LENGTH = 8
"""Bytes of the length written before each text in the file."""
_TEMP_FOLDER_VARIABLES = ("TMPDIR", "TEMP", "TMP")


def unnamed_file() -> Any:
    """A private temporary file (0600, with no name, gone when closed), unbuffered.

    Where the system makes files with no name (Linux's ``O_TMPFILE``), it is made as
    :func:`tempfile.TemporaryFile` makes it, in the folder that would try first: importing
    :mod:`tempfile` maps the compression libraries :mod:`shutil` loads, close to a megabyte of a
    gateway worker's memory. Elsewhere, or where that folder refuses it, :func:`tempfile.TemporaryFile`
    makes it.
    """
    if hasattr(os, "O_TMPFILE"):
        folder = next((os.environ[name] for name in _TEMP_FOLDER_VARIABLES if os.environ.get(name)), "/tmp")
        flags = os.O_TMPFILE | os.O_RDWR | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(folder, flags, 0o600)
        except OSError:
            pass
        else:
            return open(fd, "w+b", buffering=0)
    import tempfile

    return tempfile.TemporaryFile(buffering=0)


class TextSpool:
    """Texts kept now and read back later, in order: the first ``in_memory`` characters of them in a list,
    the rest in an :func:`unnamed_file`, each after its length in bytes. Where no temporary file can be
    made or written (no such folder, a full disk), the texts are held in memory instead: the output is
    the same."""

    def __init__(self, in_memory: int = 16 * 1024) -> None:
        self._in_memory = in_memory
        self._held: list[str] = []
        self._held_size = 0
        self._file: Any = None
        self._end = 0  # where the last whole text in the file ends
        self._memory_only = False
        self._count = 0

    def __len__(self) -> int:
        """How many texts were added."""
        return self._count

    def add(self, text: str) -> None:
        self._count += 1
        if self._file is None and (self._memory_only or self._held_size + len(text) <= self._in_memory):
            self._held.append(text)
            self._held_size += len(text)
            return
        data = text.encode("utf-8", "surrogatepass")
        try:
            if self._file is None:
                self._file = unnamed_file()  # unbuffered: what was written is there to read
            view = memoryview(len(data).to_bytes(_LENGTH, "little") + data)
            while view:
                view = view[self._file.write(view) :]
        except OSError:
            self._bring_back()
            self._held.append(text)
            return
        self._end += _LENGTH + len(data)

    def _bring_back(self) -> None:
        """Hold in memory what went to the file so far, and everything from now on."""
        self._memory_only = True
        if self._file is not None:
            self._held.extend(self._read_back())
            self._file.close()
            self._file = None

    def _read_back(self) -> Iterator[str]:
        """The whole texts in the file, in order (a text cut short by a failed write is not one)."""
        self._file.seek(0)
        at = 0
        while at < self._end:
            size = int.from_bytes(self._file.read(_LENGTH), "little")
            yield self._file.read(size).decode("utf-8", "surrogatepass")
            at += _LENGTH + size
        self._end = 0

    def __iter__(self) -> Iterator[str]:
        """Each text in the order added (once: the file is read through)."""
        yield from self._held
        if self._file is not None:
            yield from self._read_back()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> TextSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
