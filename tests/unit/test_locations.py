"""The data folder is where platformdirs says, even where it is worked out without importing platformdirs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from portfolio_tui import locations

HOMES = ["/home/tess", "/home/tess/", "/root", "/", "relative/home", ""]
XDG = [None, "", "  ", "/srv/xdg data", "/srv/xdg/", "relative/xdg", "~/xdg"]


@pytest.mark.parametrize("home", HOMES)
@pytest.mark.parametrize("xdg", XDG)
def test_the_data_folder_is_platformdirs_own(monkeypatch: pytest.MonkeyPatch, home: str, xdg: str | None) -> None:
    from platformdirs import user_data_dir

    monkeypatch.delenv(locations.HOME_ENV, raising=False)
    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    try:
        expected = Path(user_data_dir(locations.APP_NAME, appauthor=False))
    except RuntimeError:  # platformdirs finds no home at all: nor must the plain way
        assert locations._xdg_data_dir() is None
        return
    assert locations.data_dir() == expected


def test_plain_linux_homes_are_worked_out_without_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cases a tutor's server has: ``portfolio gateway`` then starts without importing platformdirs."""
    if sys.platform != "linux":
        pytest.skip("worked out by platformdirs itself elsewhere")
    monkeypatch.setenv("HOME", "/home/tess")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert locations._xdg_data_dir() == "/home/tess/.local/share/portfolio-tui"
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    assert locations._xdg_data_dir() == "/srv/data/portfolio-tui"


@pytest.mark.parametrize("home", ["~/data/", "/srv//portfolio/.", "relative/data", "~"])
@pytest.mark.parametrize("standards", [None, "~/standards", "/srv/standards/", "shared//standards"])
def test_the_folders_as_text_are_the_paths_pathlib_makes(monkeypatch: pytest.MonkeyPatch, home: str,
                                                         standards: str | None) -> None:
    """A gateway run names the data and standards folders by their text (``path_text``): spelled as the ``Path`` of
    each override, expanded, would be."""
    monkeypatch.setenv(locations.HOME_ENV, home)
    if standards is None:
        monkeypatch.delenv(locations.STANDARDS_ENV, raising=False)
    else:
        monkeypatch.setenv(locations.STANDARDS_ENV, standards)
    assert locations.data_folder() == str(Path(home).expanduser())
    user = Path(standards).expanduser() if standards else Path(home).expanduser() / "standards"
    assert locations.user_standards_folder() == str(user)
    assert locations.user_standards_dir() == user
    shipped = Path(locations.__file__).parent / "standards"
    assert locations.shipped_standards_folder() == str(shipped) and locations.shipped_standards_dir() == shipped
