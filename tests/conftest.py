"""Shared fixtures: data directories redirected into tmp, so no test touches the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def _isolated_data_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("portfolio-home")
    monkeypatch.setenv("PORTFOLIO_TUI_HOME", str(home))
    monkeypatch.setenv("PORTFOLIO_TUI_STANDARDS", str(home / "standards"))
    # No test trusts the machine's own /etc/portfolio-tui/allowed_signers: no anchors unless a test makes some.
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(home / "no-allowed-signers"))


@pytest.fixture
def user_standards_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("user-standards")
    monkeypatch.setenv("PORTFOLIO_TUI_STANDARDS", str(folder))
    return folder
