"""Strict JSON: the quick duplicate-key check refuses what the key-by-key one did, and keeps the messages."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.jsonfile import JsonFileError, loads_strict

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_strict_json_reads_what_json_writes(value: object) -> None:
    assert loads_strict(json.dumps(value)) == value


@given(st.dictionaries(st.text(min_size=1, max_size=4), json_values, min_size=1, max_size=4), st.data())
def test_any_repeated_key_is_refused_and_named(value: dict, data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(value)))
    text = json.dumps(value)
    repeated = "{" + json.dumps(key) + ": 0, " + text[1:]
    nested = json.dumps({"outer": [1, {"x": None}]}).replace("{\"x\"", "{\"x\": 1, \"x\"")
    for broken in (repeated, f"[{repeated}]", f'{{"a": {{"b": {repeated}}}}}', nested):
        with pytest.raises(JsonFileError, match="duplicate key"):
            loads_strict(broken)
    with pytest.raises(JsonFileError) as caught:
        loads_strict(repeated)
    assert str(caught.value) == f"duplicate key '{key}'"


@given(st.dictionaries(st.text(min_size=1, max_size=4), json_values, min_size=1, max_size=4), st.data())
def test_a_repeated_key_in_compact_json_is_refused_too(value: dict, data: st.DataObject) -> None:
    """orjson keeps the last of repeated keys; the compact quick path must not let one through."""
    key = data.draw(st.sampled_from(sorted(value)))
    compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    repeated = "{" + json.dumps(key, ensure_ascii=False) + ":0," + compact[1:]
    assert loads_strict(compact) == value
    with pytest.raises(JsonFileError) as caught:
        loads_strict(repeated)
    assert str(caught.value) == f"duplicate key '{key}'"


def test_nesting_orjson_reads_but_cannot_write_back_is_still_checked_key_by_key() -> None:
    """orjson reads 1024 levels but writes 254: between the two the compact check cannot compare, so the
    key-by-key reading decides (it once raised orjson's TypeError, a traceback for a whole caseload)."""
    deep = "[" * 260 + "]" * 260
    assert loads_strict('{"a":' + deep + "}") == {"a": json.loads(deep)}
    with pytest.raises(JsonFileError, match="duplicate key 'k'"):
        loads_strict('{"a":' + "[" * 260 + '{"k":1,"k":2}' + "]" * 260 + "}")


def test_the_same_key_in_different_objects_is_fine() -> None:
    assert loads_strict('[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]') == [{"a": 1}, {"a": 2}, {"b": {"a": 3}}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"title": "x", "title": "y"}', "duplicate key 'title'"),
        ('{"a": {"k": 1, "j": 2, "k": 3}}', "duplicate key 'k'"),
        ('{"hours": NaN}', "NaN is not allowed"),
        ('{"a":{"k":1,"j":2,"k":3}}', "duplicate key 'k'"),
        ('{"a":[\n{"k":1},\n{"k":1,\n"k":1}]}', "duplicate key 'k'"),
        ('{"hours":NaN}', "NaN is not allowed"),
        ('{"hours":-Infinity}', "-Infinity is not allowed"),
        ('{"hours": Infinity}', "Infinity is not allowed"),
        ('[-Infinity]', "-Infinity is not allowed"),
        ('{"a": 1}\n}garbage', "not valid JSON at line 2, column 1: Extra data"),
        ('{"a": 1', "not valid JSON at line 1"),
        ('{"title": "Minutes', "not valid JSON at line 1, column 11: Unterminated string starting there"),
        ('{"a": ' + "1" * 5000 + "}", "not valid JSON: a number with thousands of digits"),
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ],
)
def test_broken_json_is_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(JsonFileError) as caught:
        loads_strict(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
