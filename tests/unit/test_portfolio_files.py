"""A cohort folder's portfolios, listed as text (``store.files``): the same paths ``Path.glob`` gave, in order."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from portfolio_tui.store.files import PathList, is_portfolio_name, portfolio_files


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("b.json", "a.json", "roster.json", ".a.json.lock", "c.json.v1.bak", "notes.txt"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "sub.json").mkdir()
    (tmp_path / "link.json").symlink_to(tmp_path / "a.json")
    (tmp_path / "broken.json").symlink_to(tmp_path / "gone.json")
    return tmp_path


def test_a_folder_lists_its_portfolios_as_glob_did(folder: Path) -> None:
    listed = portfolio_files(folder)
    globbed = sorted(p for p in folder.glob("*.json") if is_portfolio_name(p.name) and p.is_file())
    assert list(listed) == globbed == [folder / "a.json", folder / "b.json", folder / "link.json"]
    assert [str(p) for p in listed] == [str(p) for p in globbed]


def test_a_relative_folder_gives_the_paths_as_glob_wrote_them(folder: Path, monkeypatch) -> None:
    monkeypatch.chdir(folder)
    assert [str(p) for p in portfolio_files(Path("."))] == ["a.json", "b.json", "link.json"]
    assert [str(p) for p in portfolio_files(Path("sub.json"))] == []


def test_a_folder_that_is_not_there_or_not_a_folder_lists_nothing(folder: Path) -> None:
    assert list(portfolio_files(folder / "missing")) == []
    assert list(portfolio_files(folder / "a.json")) == []


def test_a_path_list_is_a_sequence_of_paths_held_as_text(folder: Path) -> None:
    paths = PathList([folder / "a.json", str(folder / "b.json")])
    assert paths.texts == [os.path.join(folder, "a.json"), os.path.join(folder, "b.json")]
    assert len(paths) == 2 and paths[1] == folder / "b.json" and paths[-1] == folder / "b.json"
    assert list(paths[1:]) == [folder / "b.json"] and isinstance(paths[:1], PathList)
    assert pickle.loads(pickle.dumps(paths)) == paths == [folder / "a.json", folder / "b.json"]
    assert all(type(p) is type(folder) for p in paths)
