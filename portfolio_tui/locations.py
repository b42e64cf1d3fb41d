"""Where the app keeps its files: the platform's data directory, overridable by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "portfolio-tui"
HOME_ENV = "PORTFOLIO_TUI_HOME"
STANDARDS_ENV = "PORTFOLIO_TUI_STANDARDS"


def data_dir() -> Path:
    """The user's data directory (``$PORTFOLIO_TUI_HOME`` wins over the platform default)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def user_standards_dir() -> Path:
    """Where users put their own standard files (``$PORTFOLIO_TUI_STANDARDS`` overrides)."""
    override = os.environ.get(STANDARDS_ENV)
    if override:
        return Path(override).expanduser()
    return data_dir() / "standards"


def default_portfolio_path() -> Path:
    return data_dir() / "portfolio.json"


def shipped_standards_dir() -> Path:
    return Path(__file__).parent / "standards"


def _bundled(name: str, top_level: str) -> Path:
    """A folder kept at the repository's top level and installed inside the package (pyproject maps it)."""
    installed = Path(__file__).parent / name
    return installed if installed.is_dir() else Path(__file__).parents[1] / top_level


def schemas_dir() -> Path:
    return _bundled("schemas", "schemas")


def samples_dir() -> Path:
    return _bundled("samples", "sample_portfolios")
