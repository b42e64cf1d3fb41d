"""The list scanner finds exactly the top-level records a JSON parser would, and refuses what is not a list."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portfolio_tui.json_records import NotAList, records

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
record = st.dictionaries(st.text(max_size=8), values, max_size=5)


def depth(value: object) -> int:
    """Containers nested in ``value``, itself included (the scanner reads records up to 9 deep)."""
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


@settings(max_examples=200, deadline=None)
@given(st.lists(record, max_size=6), st.sampled_from([None, 1]), st.booleans())
def test_each_span_is_one_record_whatever_its_strings_hold(items: list, indent: int | None, ascii_only: bool) -> None:
    assume(all(depth(item) <= 9 for item in items))
    data = json.dumps(items, indent=indent, ensure_ascii=ascii_only).encode()
    spans = list(records(data))
    assert [json.loads(data[start:end]) for start, end in spans] == items


def test_brackets_and_quotes_inside_strings_are_text() -> None:
    items = [{"a": '}, {"b": 1}, ["\\"'}, {"c": "\\\\"}]
    data = json.dumps(items).encode()
    assert [json.loads(data[s:e]) for s, e in records(data)] == items


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"a": 1}', "byte 0: expected a list of records"),
        (b'[{"a": 1}, {"b": "unterminated}]', "byte 11: expected a complete object"),
        (b'[{"a": 1} {"b": 2}]', "byte 10: expected ',' or ']' after a record"),
        (b'[{"a": 1}] x', "byte 11: unexpected text after the list"),
        (b"[1, 2]", "byte 1: expected an object"),
        (b"[" + b'{"a":' * 20 + b"1" + b"}" * 20 + b"]", "nested too deeply"),
    ],
)
def test_what_is_not_a_list_of_records_is_refused_with_its_byte_offset(data: bytes, message: str) -> None:
    with pytest.raises(NotAList) as err:
        list(records(data))
    assert message in str(err.value)


def test_an_empty_list_and_a_byte_order_mark() -> None:
    assert list(records(b" [ ] ")) == []
    assert list(records(b'\xef\xbb\xbf[{"a": 1}]')) == [(4, 12)]
