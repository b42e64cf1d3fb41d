"""Where the app keeps its files: the platform's data directory, overridable by environment variables.

Each folder is given as a ``Path`` and, for the modules on a gateway run's way, as text spelled alike
(``path_text``: pathlib's import costs that run's start-up)."""

from __future__ import annotations

import os
import sys

from portfolio_tui import path_text

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "portfolio-tui"
HOME_ENV = "PORTFOLIO_TUI_HOME"
STANDARDS_ENV = "PORTFOLIO_TUI_STANDARDS"


def data_dir() -> Path:
    """The user's data directory (``$PORTFOLIO_TUI_HOME`` wins over the platform default)."""
    from pathlib import Path

    return Path(data_folder())


def data_folder() -> str:
    """:func:`data_dir` as text."""
    override = os.environ.get(HOME_ENV)
    if override:
        return path_text.expanded(override)
    plain = _xdg_data_dir()
    if plain is not None:
        return path_text.normal(plain)
    from platformdirs import user_data_dir

    return path_text.normal(user_data_dir(APP_NAME, appauthor=False))


def _xdg_data_dir() -> str | None:
    """platformdirs' answer on Linux in the plain cases, worked out without importing it: its import alone
    (tempfile, shutil, random, bz2, lzma...) costs ``portfolio gateway`` as much as the interpreter's own
    start-up. ``$XDG_DATA_HOME`` when it is an absolute path, else ``$HOME/.local/share`` when ``$HOME`` is
    one (and ``$XDG_DATA_HOME`` is empty), with the app's name; ``None`` for anything else (another
    system, Android, a relative path), which platformdirs decides. A test holds the two equal."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or os.environ.get("ANDROID_DATA"):
        return None
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, APP_NAME)
    home = os.environ.get("HOME", "")
    if xdg.strip() or not os.path.isabs(home):
        return None
    return os.path.join(home.rstrip("/"), ".local", "share", APP_NAME) if home.rstrip("/") else None


def user_standards_dir() -> Path:
    """Where users put their own standard files (``$PORTFOLIO_TUI_STANDARDS`` overrides)."""
    from pathlib import Path

    return Path(user_standards_folder())


def user_standards_folder() -> str:
    """:func:`user_standards_dir` as text."""
    override = os.environ.get(STANDARDS_ENV)
    if override:
        return path_text.expanded(override)
    return path_text.joined(data_folder(), "standards")


def default_portfolio_path() -> Path:
    return data_dir() / "portfolio.json"


def shipped_standards_dir() -> Path:
    from pathlib import Path

    return Path(shipped_standards_folder())


def shipped_standards_folder() -> str:
    """:func:`shipped_standards_dir` as text."""
    return path_text.joined(path_text.parent(__file__), "standards")


def _bundled(name: str, top_level: str) -> Path:
    """A folder kept at the repository's top level and installed inside the package (pyproject maps it)."""
    from pathlib import Path

    installed = Path(__file__).parent / name
    return installed if installed.is_dir() else Path(__file__).parents[1] / top_level


def schemas_dir() -> Path:
    return _bundled("schemas", "schemas")


def samples_dir() -> Path:
    return _bundled("samples", "sample_portfolios")
