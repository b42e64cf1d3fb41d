"""A key repeated in any object, at any depth, is refused: by the quick compact check (``jsonfile.loads_compact``,
which orjson alone would let through, keeping the last), by the strict reading, and by gateway's reader of
a portfolio record by record (``store.outline``), as reading the file whole refuses it.

The hostile documents are written in orjson's compact form, as the store writes a file, so that the
quick path is the one asked: a document it would accept but for the repeated key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_tui.cli.readiness_cmds import _encoded_entry
from portfolio_tui.jsonfile import JsonFileError, is_sure, loads_compact, loads_strict
from portfolio_tui.services import readiness
from tests.unit.test_outline import AS_OF, SMALL, both_ways

scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(max_size=6)
           | st.floats(allow_nan=False, allow_infinity=False))
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=16,
)


def objects_in(value: Any) -> list[dict[str, Any]]:
    """Every non-empty object in ``value``, at any depth, in the order they are written."""
    found = []
    if isinstance(value, dict):
        if value:
            found.append(value)
        for item in value.values():
            found.extend(objects_in(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(objects_in(item))
    return found


def compact(value: Any, target: dict[str, Any] | None = None, key: str = "", extra: Any = None,
            first: bool = True) -> bytes:
    """``value`` as orjson writes it, except that the object ``target`` also holds ``key`` a second time,
    with the value ``extra`` (before its first one if ``first``, else after its last pair)."""
    if isinstance(value, dict):
        pairs = [orjson.dumps(k) + b":" + compact(v, target, key, extra) for k, v in value.items()]
        if value is target:
            repeated = orjson.dumps(key) + b":" + orjson.dumps(extra)
            pairs.insert(0 if first else len(pairs), repeated)
        return b"{" + b",".join(pairs) + b"}"
    if isinstance(value, list):
        return b"[" + b",".join(compact(item, target, key, extra) for item in value) + b"]"
    return orjson.dumps(value)


@settings(max_examples=300)
@given(st.dictionaries(st.text(max_size=4), documents, min_size=1, max_size=4), st.data())
def test_a_key_repeated_at_any_depth_is_refused_and_named(document: dict[str, Any], data: st.DataObject) -> None:
    target = data.draw(st.sampled_from(objects_in(document)))
    key = data.draw(st.sampled_from(sorted(target)))
    extra = data.draw(scalars | st.just(target[key]))  # the same value again, too: still a repeated key
    text = compact(document, target, key, extra, first=data.draw(st.booleans()))
    assert is_sure(loads_compact(compact(document)))  # without the repeat, the quick path vouches for it
    assert not is_sure(loads_compact(text))
    assert not is_sure(loads_compact(text.replace(b",", b",\n")))  # (newlines between tokens, as in a file)
    with pytest.raises(JsonFileError) as caught:
        loads_strict(text.decode())
    assert str(caught.value).startswith("duplicate key ")


@settings(max_examples=300)
@given(documents)
def test_what_has_no_repeated_key_reads_the_same_either_way(document: Any) -> None:
    text = compact(document)
    assert loads_compact(text) == document == loads_strict(text.decode())


FILE = SMALL.read_bytes()
RECORD_LINES = [n for n, line in enumerate(FILE.split(b"\n")) if line.startswith(b'"') and line.endswith(b"},")
                and b'":{"' in line]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_portfolio_with_a_key_repeated_in_any_record_at_any_depth_is_refused_by_gateway(
    tmp_path: Path, data: st.DataObject
) -> None:
    lines = FILE.split(b"\n")
    n = data.draw(st.sampled_from(RECORD_LINES))
    record_id, record = next(iter(orjson.loads(b"{" + lines[n][:-1] + b"}").items()))
    target = data.draw(st.sampled_from(objects_in(record)))
    key = data.draw(st.sampled_from(sorted(target)))
    extra = data.draw(st.just(target[key]) | scalars)
    repeated = compact(record, target, key, extra, first=data.draw(st.booleans()))
    lines[n] = orjson.dumps(record_id) + b":" + repeated + b","
    path = tmp_path / f"repeated-{data.draw(st.integers(0, 10**9))}.json"
    path.write_bytes(b"\n".join(lines))
    streamed, whole = both_ways(path)
    assert streamed == whole
    ready, text, *_ = _encoded_entry(readiness.check_portfolio(path, AS_OF))  # the usual batches, too
    assert ready is None and f"duplicate key '{key}'" in json.loads(text)["error"], text
    assert (ready, text) == streamed
