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


def test_a_process_that_encodes_many_documents_loads_orjson_for_the_rest_and_writes_the_same() -> None:
    """The json module writes the first :data:`~portfolio_tui.cli.output.PLAIN_MOST` documents of a process that has
    not loaded orjson (a gateway run on one file, or a new day's caseload judged from kept bases), orjson the rest."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom portfolio_tui.cli.output import PLAIN_MOST, json_text\n"
        "document = {'learner': 'Zo\\u00eb', 'ready': False, 'hours': [138.0, 0.5], 'missing': ['K2'], 'n': 2**70}\n"
        "texts = [json_text(document, depth=2) for _ in range(PLAIN_MOST)]\n"
        "before = 'orjson' in sys.modules\n"
        "texts.append(json_text(document, depth=2))\n"
        "print(before, 'orjson' in sys.modules, len(set(texts)), len(texts) == PLAIN_MOST + 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "True", "1", "True"], done.stderr
