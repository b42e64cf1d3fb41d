"""Strict JSON reading for files people may have edited by hand.

Python's json module accepts NaN and Infinity and keeps the last of duplicate keys; both hide a
broken file. Every reader of user-facing JSON goes through :func:`loads_strict`.
"""

from __future__ import annotations

import json
from typing import Any


class JsonFileError(ValueError):
    """The text is not strict JSON; the message says where."""


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


def loads_strict(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise JsonFileError(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except JsonFileError:
        raise
    except ValueError as exc:  # a number too long to convert (Python's 4300-digit limit)
        raise JsonFileError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise JsonFileError("not valid JSON: nested too deeply") from None
