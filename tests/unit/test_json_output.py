"""JSON printed in parts (encoded apart, in worker processes) is the text printed in one piece."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.cli.output import json_text, print_json, print_json_lists

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
