"""Reading a portfolio record by record from its lines never accepts what reading it whole refuses.

``reading.split_document`` parses each record from its own line (as ``storage.render`` writes them) so
that a save can reuse the lines; anything laid out otherwise must fall back to ``parse_document``, and
whatever it accepts must be exactly what ``parse_document`` reads.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.store.errors import CorruptFile
from portfolio_tui.store.reading import (
    LAZY_TABLES,
    check_shape,
    parse_document,
    parse_fragment,
    split_document,
)
from portfolio_tui.store.records import check_audit
from portfolio_tui.store.storage import render

PATH = Path("p.json")

values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
records = st.dictionaries(st.text(max_size=5), values, max_size=4)
tables = st.dictionaries(st.integers(1, 40).map(str), records, max_size=5)
documents = st.dictionaries(st.sampled_from(["meta", "learner", "evidence", "audit", "x"]), tables, min_size=1)


def file_bytes(doc: dict) -> bytes:
    return b"".join(render(doc, {}, None))


def whole(data: bytes) -> dict | str:
    try:
        return parse_document(data, PATH)
    except CorruptFile as exc:
        return str(exc)


def by_lines(data: bytes, lazy: frozenset[str] = frozenset()) -> tuple[dict, dict, list] | str | None:
    """What ``read_snapshot`` makes of the lines (the one-line tables' shape checked as it checks them)."""
    found = split_document(data.split(b"\n"), lazy)
    if found is None:
        return None
    try:
        check_shape({name: table for name, table in found[0].items() if name not in found[1]}, PATH)
    except CorruptFile as exc:
        return str(exc)
    return found


@given(documents)
def test_a_file_as_the_store_writes_it_is_read_line_by_line_with_each_record_s_line(doc: dict) -> None:
    data = file_bytes(doc)
    found = split_document(data.split(b"\n"))
    assert found is not None
    read, fragments, problems = found
    assert read == doc == orjson.loads(data)
    assert problems == []
    for name, frags in fragments.items():
        assert list(frags) == list(doc[name])
        assert all(frag == orjson.dumps(key) + b":" + orjson.dumps(doc[name][key]) for key, frag in frags.items())


@settings(max_examples=300)
@given(documents, st.data())
def test_a_changed_file_is_read_line_by_line_only_as_it_would_be_read_whole(doc: dict, data: st.DataObject) -> None:
    original = file_bytes(doc)
    edit = data.draw(st.sampled_from(["newline", "delete", "duplicate", "join", "insert", "comma-line"]))
    at = data.draw(st.integers(0, len(original) - 1))
    lines = original.split(b"\n")
    if edit == "newline":
        changed = original[:at] + b"\n" + original[at:]
    elif edit == "delete":
        changed = original[:at] + original[at + 1:]
    elif edit == "insert":
        changed = original[:at] + data.draw(st.sampled_from([b",", b"}", b'"1":{}', b"NaN", b" "])) + original[at:]
    elif edit == "comma-line":
        i = data.draw(st.integers(0, len(lines) - 1))
        changed = b"\n".join([*lines[:i], b",", *lines[i:]])
    elif edit == "duplicate":
        i = data.draw(st.integers(0, len(lines) - 1))
        changed = b"\n".join([*lines[:i + 1], lines[i], *lines[i + 1:]])
    else:
        i = data.draw(st.integers(0, max(len(lines) - 2, 0)))
        changed = b"\n".join([*lines[:i], b"".join(lines[i:i + 2]), *lines[i + 2:]])
    fast = by_lines(changed)
    if fast is not None:
        assert (fast if isinstance(fast, str) else fast[0]) == whole(changed)
    else:  # the lines let go while reading are put back, for the whole reading
        lines = changed.split(b"\n")
        assert split_document(lines) is None
        assert b"\n".join(lines) == changed
    lazy = by_lines(changed, LAZY_TABLES)
    if isinstance(lazy, tuple):  # the audit kept as lines, but checked all the same
        read, fragments, problems = lazy
        expected = whole(changed)
        assert isinstance(expected, dict)
        if "audit" in fragments:  # one record a line: kept as lines (a one-line table is parsed whole)
            assert read["audit"] == {}
            read = {**read, "audit": {k: parse_fragment(line) for k, line in fragments["audit"].items()}}
            assert problems == check_audit(expected["audit"])
        assert read == expected


def test_a_trusted_file_s_audit_is_not_parsed_and_a_distrusted_one_s_is_checked() -> None:
    entry = {"at": "2026-01-01T00:00:00Z", "by": "ava", "action": "add", "table": "evidence", "record": 1}
    doc = {"meta": {"1": {"schema_version": 3}}, "audit": {"1": entry, "2": {**entry, "by": 7}}}
    data = file_bytes(doc)
    assert split_document(data.split(b"\n"), LAZY_TABLES)[2] == [("$.audit.2.by", "expected text")]
    read, fragments, problems = split_document(data.split(b"\n"), LAZY_TABLES, trusted=True)
    assert (read["audit"], problems) == ({}, [])
    assert parse_fragment(fragments["audit"]["2"]) == doc["audit"]["2"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.replace(b'"2":{"title":"b"},', b'"2":{"title":"b"},\n"2":{"title":"b"},'), "duplicate key '2'"),
        (lambda d: d.replace(b'{"title":"b"}', b'{"title":"b","title":"c"}'), "duplicate key 'title'"),
        (lambda d: d.replace(b'"title":"b"', b'"title":NaN'), "NaN is not allowed"),
        (lambda d: d.replace(b'"3":{"title":"c"}\n}', b'"3":{"title":"c"},\n}'), "not valid JSON"),
        (lambda d: d.replace(b'"2":{"title":"b"},', b'"2":{"title":"b"}'), "not valid JSON"),
        (lambda d: d.replace(b'"2":', b'"02":'), "record id '02'"),
        (lambda d: d.replace(b'"2":{"title":"b"},\n', b'"2":{"title":"b"},"4":{},\n,\n'), "not valid JSON"),
    ],
)
def test_hostile_lines_are_refused_as_a_whole_reading_refuses_them(edit, message: str, tmp_path: Path) -> None:
    from portfolio_tui.store.reading import read_snapshot

    doc = {"meta": {"1": {"schema_version": 3}},
           "evidence": {"1": {"title": "a"}, "2": {"title": "b"}, "3": {"title": "c"}}}
    data = edit(file_bytes(doc))
    assert data != file_bytes(doc)
    assert by_lines(data) is None
    path = tmp_path / "p.json"
    path.write_bytes(data)
    with pytest.raises(CorruptFile, match=message):
        read_snapshot(path)


@pytest.mark.parametrize("table", ["evidence", "audit"])
def test_an_id_repeated_far_apart_in_a_long_table_is_refused(table: str, tmp_path: Path) -> None:
    from portfolio_tui.store.reading import LAZY_TABLES, read_snapshot

    doc = {"meta": {"1": {"schema_version": 3}}, table: {str(i): {"title": f"piece {i}"} for i in range(1, 901)}}
    data = file_bytes(doc).replace(b'"800":{"title":"piece 800"}', b'"5":{"title":"piece 800"}')
    assert split_document(data.split(b"\n"), LAZY_TABLES) is None
    path = tmp_path / "p.json"
    path.write_bytes(data)
    with pytest.raises(CorruptFile, match="duplicate key '5'"):
        read_snapshot(path)
