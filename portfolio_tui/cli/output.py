"""Shared output helpers: JSON to stdout, and a Rich console that never reads user text as markup."""

from __future__ import annotations

import json
import sys

from portfolio_tui.domain.text import clean_text, escape_json_text

TYPE_CHECKING = False  # typing costs start-up, and orjson (imported where a document is encoded) more
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from typing import Any

INDENT = 2


def _orjson_options() -> int:
    """As json.dumps: dataclasses and dates/times go to ``default=str``; keys that are not text become text."""
    import orjson

    return (orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_DATETIME)


def json_text(value: Any, depth: int = 0) -> str:
    """``value`` as :func:`print_json` writes it, placed ``depth`` levels down in a bigger document.

    Encoding is the slow part of printing a big document, so the parts of one can be encoded apart
    (in worker processes) and joined by :func:`print_json_lists` into the same text.
    """
    import orjson

    try:
        # orjson writes what json.dumps(indent=2, ensure_ascii=False) does (floats in exponent form aside)
        # at several times the speed.
        data = orjson.dumps(value, default=str, option=_orjson_options())
    except TypeError:  # an integer beyond 64 bits, or a lone surrogate: orjson refuses both
        data = orjson.dumps(_encodable(value), default=str, option=_orjson_options())
    text = escape_json_text(data.decode())
    return text.replace("\n", "\n" + " " * (INDENT * depth)) if depth else text


def _encodable(value: Any) -> Any:
    """``value`` with what orjson refuses given as ready-made JSON: big integers as they are, text with a
    lone surrogate (from a hand-edited file) escaped, so every part of a document is written the same way."""
    import orjson

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and not -(2**63) <= value < 2**64:
        return orjson.Fragment(str(value))
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return orjson.Fragment(json.dumps(value))
        return value
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encodable(v) for v in value]
    return value


def print_json(document: Any) -> None:
    # One write of the whole text: json.dump would make one write call per token.
    sys.stdout.write(json_text(document) + "\n")


def print_json_lists(lists: Mapping[str, Iterable[str]]) -> None:
    """Print ``{name: [item, ...]}`` exactly as :func:`print_json` would, each item already ``json_text(item, 2)``.

    Items are written as they come: a list may be a generator, so that a caseload's entries are
    printed as they are checked instead of all held until the end. Lists are read in order.
    """
    write = sys.stdout.write
    if not lists:
        write("{}\n")
        return
    pad = " " * INDENT
    for n, (name, items) in enumerate(lists.items()):
        write(("{\n" if n == 0 else ",\n") + f"{pad}{escape_json_text(json.dumps(name, ensure_ascii=False))}: ")
        opened = False
        for item in items:
            write((",\n" if opened else "[\n") + pad * 2 + item)
            opened = True
        write(f"\n{pad}]" if opened else "[]")
    write("\n}\n")


def console(stderr: bool = False):
    """A Rich console with markup and emoji off: strings passed to it are shown as typed."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def text(value: object, style: str = ""):
    """User text as a Rich ``Text`` with control and escape characters removed."""
    from rich.text import Text

    return Text(clean_text(str(value)), style=style)


class TextSpool:
    """Texts kept now and read back later, in order, with little of them held in memory.

    ``gateway --json`` can print no learner's document until the whole caseload is checked (each
    document carries the learner's standing in the cohort), so the documents wait here: the first
    ``in_memory`` characters of them in a list, the rest in a private temporary file (created 0600, already
    unlinked, gone when closed). A caseload's output then costs a process no more memory than one
    document, however many learners it has. Where no temporary file can be made or written (no such
    folder, a full disk), the texts are held in memory instead: the output is the same.
    """

    def __init__(self, in_memory: int = 64 * 1024) -> None:
        self._in_memory = in_memory
        self._held: list[str] = []
        self._held_size = 0
        self._file: Any = None
        self._sizes: list[int] = []
        self._memory_only = False

    def add(self, text: str) -> None:
        if self._file is None and (self._memory_only or self._held_size + len(text) <= self._in_memory):
            self._held.append(text)
            self._held_size += len(text)
            return
        data = text.encode("utf-8", "surrogatepass")
        try:
            if self._file is None:
                import tempfile

                self._file = tempfile.TemporaryFile(buffering=0)  # unbuffered: what was written is there to read
            view = memoryview(data)
            while view:
                view = view[self._file.write(view) :]
        except OSError:
            self._bring_back()
            self._held.append(text)
            return
        self._sizes.append(len(data))

    def _bring_back(self) -> None:
        """Hold in memory what went to the file so far, and everything from now on."""
        self._memory_only = True
        if self._file is not None:
            self._held.extend(self._read_back())
            self._file.close()
            self._file = None

    def _read_back(self) -> Iterator[str]:
        self._file.seek(0)
        for size in self._sizes:
            yield self._file.read(size).decode("utf-8", "surrogatepass")
        self._sizes = []

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
