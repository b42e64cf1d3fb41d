"""JSON printed in parts (encoded apart, in worker processes) is the text printed in one piece."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.cli.output import _orjson_text, _plain_text, json_text, print_json, print_json_lists

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


def printed(show, *args) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        show(*args)
    return out.getvalue()


@given(st.dictionaries(st.text(max_size=8), st.lists(json_values, max_size=4), max_size=3))
def test_a_document_printed_in_parts_is_the_document_printed_whole(lists: dict[str, list]) -> None:
    whole = printed(print_json, lists)
    parts = {name: [json_text(item, depth=2) for item in items] for name, items in lists.items()}
    assert printed(print_json_lists, parts) == whole
    assert json.loads(whole) == lists


any_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats() | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5) | st.integers() | st.booleans(), inner, max_size=3),
    max_leaves=10,
)


@given(any_values)
def test_json_s_text_of_a_document_is_orjson_s_wherever_it_is_used(value: object) -> None:
    """A process without orjson loaded (a gateway run on one file) writes a document by the json module where it
    writes orjson's text, and only there (a float written with an exponent, a lone surrogate, a key that is not text,
    a date: orjson's way)."""
    plain = _plain_text(value)
    assert plain is None or plain == _orjson_text(value)


def test_a_gateway_document_is_written_by_json_when_orjson_is_not_loaded() -> None:
    document = {"learner": "Zo\u00eb \u2028", "ready": False, "hours": [138.0, 0.5, 12.25], "rag": None,
                "missing": ("K2", "S3"), "n": 2**70, "nested": {"empty": {}, "none": []}}
    assert _plain_text(document) == _orjson_text(document)
