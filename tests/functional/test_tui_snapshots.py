"""Snapshots of the screens where the picture is the point, at 80x24 (a plain SSH terminal) and 120x40,
with "today" frozen and a portfolio whose every date is fixed.

Review the report (`pytest --snapshot-report`) before running `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.functional.tui_helpers import app_for, make_portfolio

SIZES = [(80, 24), (120, 40)]


def _snap(snap_compare, tmp_path: Path, keys: list[str], size: tuple[int, int]) -> bool:  # type: ignore[no-untyped-def]
    app = app_for(make_portfolio(tmp_path))

    async def loaded(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await app.workers.wait_for_complete()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert _snap(snap_compare, tmp_path, [], size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_evidence_log(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert _snap(snap_compare, tmp_path, ["2"], size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_gateway(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert _snap(snap_compare, tmp_path, ["5"], size)
