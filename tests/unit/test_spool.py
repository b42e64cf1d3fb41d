"""The spool ``gateway --json`` keeps its documents in until the cohort is known: all given back, in order."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.cli import spool as spool_module
from portfolio_tui.cli.spool import TextSpool, unnamed_file


@given(st.lists(st.text(), max_size=12), st.integers(min_value=0, max_value=40))
def test_a_spool_gives_back_what_it_was_given_in_order_held_or_on_disk(texts: list[str], in_memory: int) -> None:
    with TextSpool(in_memory=in_memory) as spool:
        for text in texts:
            spool.add(text)
        assert list(spool) == texts


class _FillingUp:
    """A temporary file on a disk that fills up after ``room`` bytes (unbuffered, as the spool opens it)."""

    def __init__(self, room: int) -> None:
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
    with mock.patch.object(spool_module, "unnamed_file", lambda: _FillingUp(room)), TextSpool(in_memory=4) as spool:
        for text in texts:
            spool.add(text)
        assert list(spool) == texts

    def no_temporary_folder():
        raise FileNotFoundError(2, "No usable temporary directory found")

    with mock.patch.object(spool_module, "unnamed_file", no_temporary_folder), TextSpool(in_memory=4) as spool:
        for text in texts:
            spool.add(text)
        assert list(spool) == texts


def test_the_temporary_file_is_private_and_nameless_in_the_folder_tempfile_would_use(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with unnamed_file() as made:
        assert stat.S_IMODE(os.fstat(made.fileno()).st_mode) == 0o600
        assert os.fstat(made.fileno()).st_dev == tmp_path.stat().st_dev
        assert made.write(b"kept") == 4
        made.seek(0)
        assert made.read(4) == b"kept"
        assert list(tmp_path.iterdir()) == []  # no name: nobody else can open it, and it is gone when closed


def test_a_temporary_folder_that_refuses_a_nameless_file_gets_tempfiles_file(tmp_path, monkeypatch) -> None:
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path / "not-there"))
    made = []
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **kw: made.append(kw) or io.BytesIO())
    unnamed_file()
    assert made == [{"buffering": 0}]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="O_TMPFILE and /proc/self/maps are Linux's")
def test_spilling_to_disk_does_not_import_tempfile() -> None:
    """Importing tempfile maps the compression libraries shutil loads: close to a megabyte of a worker."""
    code = (
        "import sys\n"
        "from portfolio_tui.cli.spool import TextSpool\n"
        "with TextSpool(in_memory=0) as s:\n"
        "    s.add('x' * 100); s.add('y')\n"
        "    assert list(s) == ['x' * 100, 'y']\n"
        "print('tempfile' in sys.modules, 'shutil' in sys.modules)\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": root}).stdout
    assert shown.split() == ["False", "False"]


def test_a_spool_holds_nothing_in_memory_for_each_text_it_put_on_disk() -> None:
    import tracemalloc

    with TextSpool(in_memory=0) as spool:
        spool.add("first")  # the file opened
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for n in range(2000):
                spool.add(f"document {n} " * 10)
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert held < 2000  # bytes, for 2,000 texts (a list of their sizes alone would be 16 KB and more)
        assert sum(1 for _ in spool) == 2001
