"""Shared output helpers: JSON to stdout, and a Rich console that never reads user text as markup."""

from __future__ import annotations

import json
import sys

from portfolio_tui.domain.text import clean_text, escape_json_text

TYPE_CHECKING = False  # typing costs start-up, and orjson (imported where a document is encoded) more
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

INDENT = 2
PLAIN_MOST = 64
"""Documents a process encodes by the json module (:func:`_plain_text`) before it loads orjson for the rest: json
indents in Python, some 200 us a gateway document where orjson takes 25, and loading orjson costs some 17 ms
(a new day's caseload, judged from kept bases, reads no file, so nothing else has loaded it)."""
_plain_count = [0]


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
    text = None
    if "orjson" not in sys.modules and _plain_count[0] < PLAIN_MOST:
        _plain_count[0] += 1
        text = _plain_text(value)
    text = escape_json_text(_orjson_text(value) if text is None else text)
    return text.replace("\n", "\n" + " " * (INDENT * depth)) if depth else text


def _orjson_text(value: Any) -> str:
    import orjson

    try:
        # orjson writes what json.dumps(indent=2, ensure_ascii=False) does (floats in exponent form aside)
        # at several times the speed.
        data = orjson.dumps(value, default=str, option=_orjson_options())
    except TypeError:  # an integer beyond 64 bits, or a lone surrogate: orjson refuses both
        data = orjson.dumps(_encodable(value), default=str, option=_orjson_options())
    return data.decode()


def _plain_text(value: Any) -> str | None:
    """``value`` as orjson writes it (above), by the json module, where the two write the same text (dicts keyed by
    text, lists, tuples, text, whole numbers, floats written without an exponent, booleans, None); else None.

    For a process that has not loaded orjson (a gateway run on one file: its import, with the ``dataclasses``,
    ``inspect`` and ``uuid`` modules it imports, costs more than the encoding of one document), where a caseload's
    reading has loaded it from its second file on (``store.audit_index.Fingerprints.plain``)."""
    if not _alike(value):
        return None
    text = json.dumps(value, indent=INDENT, ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate, which orjson's way escapes (_encodable)
        return None
    return text


def _alike(value: Any) -> bool:
    """Is ``value`` made only of what json and orjson write alike (see :func:`_plain_text`)?"""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return "e" not in (shown := repr(value)) and "n" not in shown  # (nan and inf have an n)
    if kind is dict:
        return all(type(key) is str and _alike(item) for key, item in value.items())
    if kind is list or kind is tuple:
        return all(map(_alike, value))
    return False


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
