"""Top-level records of a large JSON list, one at a time, without parsing the whole list.

The Skills England list of every version of every standard is about 75 MB. Parsed whole, it takes four to
five times that in Python objects; a provider wants one standard out of it. :func:`records` walks the
buffer with one regular expression that matches a whole JSON value (strings skipped with their escapes,
brackets balanced to a fixed depth) in C, and hands back each top-level element's byte span. Only the
spans the caller picks are parsed (with orjson), so memory stays near the size of the buffer, which the
caller maps from disk rather than reads.

What the scan checks for the whole list: the text is a list whose elements follow one another separated
by commas, strings are closed, brackets balance. A structural fault anywhere (a truncated download, a
stray character between records) is reported with its byte offset. A fault inside a record that is not
chosen (a misspelt ``true``) is found only when that record is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from mmap import mmap

Buffer = bytes | mmap
"""Bytes in memory, or a file mapped from disk (what ``standards import`` passes)."""

_STRING = rb'"(?:[^"\\]++|\\.)*+"'
_MAX_DEPTH = 8


def _value_pattern(depth: int) -> re.Pattern[bytes]:
    """A bracketed JSON value nested at most ``depth`` levels below its own brackets."""
    inner = rb'(?:[^{}\[\]"]++|' + _STRING + rb")*+"
    for _ in range(depth):
        inner = rb'(?:[^{}\[\]"]++|' + _STRING + rb"|[\[{]" + inner + rb"[\]}])*+"
    return re.compile(rb"[\[{]" + inner + rb"[\]}]", re.DOTALL)


_VALUE = _value_pattern(_MAX_DEPTH)
_SEPARATOR = re.compile(rb"\s*,\s*")
_SPACE = re.compile(rb"\s*")


def _skip(buffer: Buffer, pos: int) -> int:
    """The offset after any white space at ``pos`` (``\\s*`` always matches)."""
    match = _SPACE.match(buffer, pos)
    return match.end() if match else pos


class NotAList(ValueError):
    """The buffer does not hold a JSON list of records; the message says where it stops making sense."""


def first_byte(buffer: Buffer) -> int:
    """The offset of the first character that is not white space (a UTF-8 byte-order mark is skipped)."""
    start = 3 if bytes(buffer[:3]) == b"\xef\xbb\xbf" else 0
    match = _SPACE.match(buffer, start)
    return match.end() if match else start


def records(buffer: Buffer) -> Iterator[tuple[int, int]]:
    """Each top-level element's ``(start, end)`` byte span, in order; :class:`NotAList` on a structural fault."""
    pos = first_byte(buffer)
    if buffer[pos : pos + 1] != b"[":
        raise NotAList(f"byte {pos}: expected a list of records")
    pos = _skip(buffer, pos + 1)
    if buffer[pos : pos + 1] == b"]":
        return
    while True:
        match = _VALUE.match(buffer, pos)
        if match is None:
            what = "an object" if buffer[pos : pos + 1] != b"{" else "a complete object"
            raise NotAList(f"byte {pos}: expected {what} (the list is cut short, malformed, or nested too deeply)")
        yield match.start(), match.end()
        pos = match.end()
        separator = _SEPARATOR.match(buffer, pos)
        if separator and buffer[separator.end() : separator.end() + 1] in (b"{", b"["):
            pos = separator.end()
            continue
        pos = _skip(buffer, pos)
        if buffer[pos : pos + 1] != b"]":
            raise NotAList(f"byte {pos}: expected ',' or ']' after a record")
        rest = _skip(buffer, pos + 1)
        if rest != len(buffer):
            raise NotAList(f"byte {rest}: unexpected text after the list")
        return
