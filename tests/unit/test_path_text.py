"""``path_text`` spells a path as pathlib does (the modules on a gateway run's way name files by their text, without
importing pathlib): held equal to ``Path`` over generated paths of slashes, dots, names and home folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui import path_text

PARTS = st.sampled_from(["", ".", "..", "a", "b.json", " ", "~", "~root", "~nobody-here-at-all", "x y", "é", "a\\b"])
PATHS = st.lists(PARTS, max_size=6).map("/".join) | st.text(alphabet="/.a~ ", max_size=12)
NAMES = st.lists(st.sampled_from(["a", "b.json", "", ".", "..", "/abs", "c/d", "/", "//e"]), max_size=3)


@given(PATHS)
def test_normal_parent_and_name_are_pathlib_s(text: str) -> None:
    assert path_text.normal(text) == str(Path(text))
    assert path_text.parent(text) == str(Path(text).parent)
    assert path_text.name(text) == Path(text).name


@given(PATHS, NAMES)
def test_joined_is_pathlib_s(folder: str, names: list[str]) -> None:
    assert path_text.joined(folder, *names) == str(Path(folder, *names))


@given(PATHS)
def test_expanded_is_pathlib_s(text: str) -> None:
    try:
        expected = str(Path(text).expanduser())
    except RuntimeError:
        with pytest.raises(RuntimeError):
            path_text.expanded(text)
        return
    assert path_text.expanded(text) == expected


def test_exists_is_file_and_is_dir_are_pathlib_s(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "inside").write_text("")
    (tmp_path / "shut").chmod(0)
    try:
        for name in ("file", "missing", "file/below", "loop", "", "nul\0", "shut", "shut/inside"):
            text, path = os.path.join(tmp_path, name), tmp_path / name
            for ours, theirs in ((path_text.exists, path.exists), (path_text.is_file, path.is_file),
                                 (path_text.is_dir, path.is_dir)):
                assert _outcome(ours, text) == _outcome(theirs), (name, ours)
    finally:
        (tmp_path / "shut").chmod(0o700)


def _outcome(ask, *args) -> object:
    try:
        return ask(*args)
    except OSError as exc:
        return type(exc)
