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


@given(st.lists(st.text(), max_size=12), st.integers(min_value=0, max_value=40))
def test_a_spool_gives_back_what_it_was_given_in_order_held_or_on_disk(texts: list[str], in_memory: int) -> None:
    from portfolio_tui.cli.output import TextSpool

    with TextSpool(in_memory=in_memory) as spool:
        for text in texts:
            spool.add(text)
        assert list(spool) == texts


class _FillingUp:
    """A temporary file on a disk that fills up after ``room`` bytes (unbuffered, as the spool opens it)."""

    def __init__(self, room: int) -> None:
        import io

        self.room, self.data = room, io.BytesIO()

    def write(self, view) -> int:
        if self.room <= 0:
            raise OSError(28, "No space left on device")
        taken = bytes(view[: self.room])
        self.room -= len(taken)
        return self.data.write(taken)

    def seek(self, at: int) -> None:
        self.data.seek(at)

    def read(self, size: int) -> bytes:
        return self.data.read(size)

    def close(self) -> None:
        pass


@given(st.lists(st.text(max_size=6), max_size=10), st.integers(min_value=0, max_value=30))
def test_a_spool_whose_disk_fills_up_or_is_missing_still_gives_everything_back_in_order(texts, room) -> None:
    import tempfile
    from unittest import mock

    from portfolio_tui.cli.output import TextSpool

    with mock.patch.object(tempfile, "TemporaryFile", lambda **_: _FillingUp(room)), TextSpool(in_memory=4) as spool:
        for text in texts:
            spool.add(text)
        assert list(spool) == texts

    def no_temporary_folder(**_):
        raise FileNotFoundError(2, "No usable temporary directory found")

    with mock.patch.object(tempfile, "TemporaryFile", no_temporary_folder), TextSpool(in_memory=4) as spool:
        for text in texts:
            spool.add(text)
        assert list(spool) == texts
