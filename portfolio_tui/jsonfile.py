"""Strict JSON reading for files people may have edited by hand.

Python's json module accepts NaN and Infinity and keeps the last of duplicate keys; both hide a
broken file. Every reader of user-facing JSON goes through :func:`loads_strict`.

orjson parses about five times faster than the json module and refuses NaN and Infinity itself,
but it keeps the last of duplicate keys too. So its result is trusted only when writing it back
gives the same bytes (newlines aside, which JSON only allows between tokens): a document with a
repeated key comes back shorter, since a dict holds each key once. Files the store writes are in
that compact form, so they pass at the cost of one ``orjson.dumps`` (about a fifth of the parse).
Anything else (hand-formatted JSON, escapes written another way, a parse error) goes the key-by-key
way below, which finds the repeated key, or the line and column of the error, in words.

orjson is imported when first used: the json module alone (:func:`loads_plain`) serves a process that
reads one portfolio, whose start-up orjson's import (with the ``dataclasses``, ``inspect`` and ``uuid``
modules it imports) would cost more than its parse saves (README, start-up).
"""

from __future__ import annotations

import json
import math

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any


class JsonFileError(ValueError):
    """The text is not strict JSON; the message says where."""


_UNSURE = object()


def loads_compact(data: bytes | str) -> Any:
    """The document, if ``data`` is strict JSON in orjson's compact form (newlines between tokens allowed).

    Returns ``_UNSURE`` (see :func:`is_sure`) when it cannot tell: then :func:`loads_strict` decides.
    """
    import orjson

    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _UNSURE
    compact = data.replace(b"\n", b"") if isinstance(data, bytes) else data.replace("\n", "").encode()
    try:
        again = orjson.dumps(doc)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes (254): parsed, but not sure
        return _UNSURE
    return doc if again == compact else _UNSURE


def loads_plain(data: bytes) -> Any:
    """What :func:`loads_compact` gives, by the json module, strictly, in whatever spacing: the document, if ``data``
    is strict UTF-8 JSON (then it is what :func:`loads_strict` gives); ``_UNSURE`` (see :func:`is_sure`) if not, so
    that :func:`loads_strict` says what is wrong and where. Twice orjson's time, without orjson's import."""
    try:
        return _strict_decode(data.decode())
    except (ValueError, RecursionError):  # (JsonFileError, json's errors, UnicodeDecodeError are ValueErrors)
        return _UNSURE


def is_sure(doc: Any) -> bool:
    return doc is not _UNSURE


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Called for every object in the file, so the common case stays in C: build the dict, and only
    # when it came out shorter than the list of pairs go looking for the key that repeats.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonFileError(f"duplicate key '{key}'")
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise JsonFileError(f"{name} is not allowed in JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400: Infinity by another name
        raise JsonFileError(f"the number {text[:20]} is too large")
    return value


def loads_strict(text: str) -> Any:
    """The document in ``text``; raises :class:`JsonFileError` saying what is wrong and where."""
    doc = loads_compact(text)
    return doc if doc is not _UNSURE else loads_checked(text)


_strict_decode = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_constant=_no_constants, parse_float=_finite_float).decode
"""``json.loads`` with the strict hooks (a text beginning with a byte order mark aside), the decoder made once
(``json.loads`` makes one a call: for :func:`loads_plain`, a batch of records's worth)."""


def loads_checked(text: str) -> Any:
    """:func:`loads_strict` the key-by-key way only (for text :func:`loads_compact` was not sure of, or is never sure
    of: text written indented)."""
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants, parse_float=_finite_float
        )
    except json.JSONDecodeError as exc:
        # json's messages that end in "at" expect the position after them; here it comes first.
        what = exc.msg[: -len(" at")] + " there" if exc.msg.endswith(" at") else exc.msg
        raise JsonFileError(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {what}") from None
    except JsonFileError:
        raise
    except ValueError:  # a number too long to convert (Python's 4300-digit limit): no advice about Python
        raise JsonFileError("not valid JSON: a number with thousands of digits, longer than any record holds") from None
    except RecursionError:
        raise JsonFileError("not valid JSON: nested too deeply") from None
