"""``portfolio gateway``'s tables drawn without Rich (``cli.plain_table``) are Rich's, character for character,
where Rich would draw them without styles; any text Rich measures otherwise is left to Rich."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.cli import plain_table
from portfolio_tui.services import readiness
from portfolio_tui.services.gateway_cache import TONES

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_portfolios").glob("*.json"))
AS_OF = date(2026, 11, 24)


TERMINALS = {
    "not a terminal": {},
    "a terminal": {"FORCE_COLOR": "1", "TERM": "xterm-256color"},
    "truecolor, NO_COLOR": {"TTY_COMPATIBLE": "1", "TERM": "xterm", "COLORTERM": "truecolor", "NO_COLOR": "1"},
}
"""Environments Rich draws in: output captured (not a terminal: no styles), and two that Rich takes for a
terminal (styles written), as FORCE_COLOR and TTY_COMPATIBLE tell it, with and without colours."""


def _both(capsys, monkeypatch, shown, summary: str, width: int, terminal: str = "not a terminal") -> tuple[str, str]:
    """What ``show`` prints (without Rich) and what Rich prints, in the same environment."""
    monkeypatch.setenv("COLUMNS", str(width))
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLORTERM", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in TERMINALS[terminal].items():
        monkeypatch.setenv(name, value)
    how = plain_table.drawing(shown, summary)
    assert how is not None and how[0] == width and (how[1] is None) == (terminal == "not a terminal")
    plain_table.show(shown, summary)
    plain = capsys.readouterr()
    plain_table._show_with_rich(shown, summary)
    rich = capsys.readouterr()
    assert plain.err == rich.err
    return plain.out, rich.out


@pytest.mark.parametrize("terminal", list(TERMINALS))
@pytest.mark.parametrize("width", [20, 25, 40, 80, 120, 200])
def test_the_samples_are_drawn_as_rich_draws_them(capsys, monkeypatch, width: int, terminal: str) -> None:
    shown = [(path, readiness.gateway_card(readiness.check_portfolio(path, AS_OF).report), "") for path in SAMPLES]
    shown.append((Path("gone.json"), None, "portfolio: gone.json: cannot be read"))
    plain, rich = _both(capsys, monkeypatch, shown, "6 learners, 0 ready for gateway as of 2026-11-24", width, terminal)
    assert plain == rich
    assert "Predic" in plain and "┌" in plain and plain.endswith(("2026-11-24\n", "2026-11-24\x1b[0m\n"))
    assert ("\x1b[1;33m" in plain) == (terminal == "a terminal")  # amber, where colours are written


ONE_CELL = st.text(st.sampled_from("ab cdefghijklmnop  qrstuvwxyz0123456789-_./:;(),[]'\"éßΩЖ─\u00a0"), max_size=90)


@settings(max_examples=400, deadline=None)
@given(
    title=st.tuples(ONE_CELL, ONE_CELL),
    rows=st.lists(st.tuples(ONE_CELL, ONE_CELL), min_size=1, max_size=4),
    path=st.text(st.sampled_from("ab/c-d.json x"), min_size=1, max_size=60),
    summary=ONE_CELL,
    width=st.integers(plain_table.NARROWEST, 160),
    tones=st.lists(st.tuples(st.sampled_from(TONES), st.sampled_from(TONES)), min_size=4, max_size=4),
    terminal=st.sampled_from(list(TERMINALS)),
)
def test_any_one_cell_text_is_drawn_as_rich_draws_it(title, rows, path, summary, width, tones, terminal) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        shown = [[label, value, *tone] for (label, value), tone in zip(rows, tones[: len(rows)], strict=True)]
        card = {"title": list(title), "rows": shown}
        capsys = _Capture(monkeypatch)
        plain, rich = _both(capsys, monkeypatch, [(Path(path), card, "")], summary, width, terminal)
    assert plain == rich


class _Capture:
    """capsys for a hypothesis test (a fixture is not reset between examples)."""

    def __init__(self, monkeypatch) -> None:
        import io
        import sys

        self._io, self._sys = io, sys
        self.out, self.err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdout", self.out)
        monkeypatch.setattr(sys, "stderr", self.err)

    def readouterr(self):
        from types import SimpleNamespace

        said = SimpleNamespace(out=self.out.getvalue(), err=self.err.getvalue())
        self.out.seek(0), self.out.truncate(), self.err.seek(0), self.err.truncate()
        return said


HOSTILE = ["\x1b[31mred\x1b[0m", "[bold]not markup[/bold]", "\x1b]8;;http://x\x07link", "tab\there", "bell\x07"]


def test_hostile_text_reaches_the_output_inert(capsys, monkeypatch) -> None:
    card = {"title": ["\x1b[2J" + HOSTILE[0], "odo-l3"], "rows": [[text, text, "", "red"] for text in HOSTILE]}
    plain, rich = _both(capsys, monkeypatch, [(Path("a\x1b[1m.json"), card, "")], "[b]1 learner[/b]", 80)
    assert plain == rich
    assert "\x1b" not in plain and "\x07" not in plain and "\t" not in plain
    assert "[bold]not markup[/bold]" in plain and "[b]1 learner[/b]" in plain


@pytest.mark.parametrize("text", ["漢字のテキスト", "emoji \U0001f600", "ｆｕｌｌ ｗｉｄｔｈ", "ที่", "e\u0301"])
def test_text_rich_measures_otherwise_is_left_to_rich(monkeypatch, text: str) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    card = {"title": ["Ann", "odo-l3"], "rows": [["Missing", text, "", ""]]}
    assert plain_table.drawing([(Path("a.json"), card, "")], "1 learner") is None


def test_a_dumb_terminal_or_a_narrow_one_is_left_to_rich(monkeypatch) -> None:
    card = {"title": ["Ann", "odo-l3"], "rows": [["Missing", "none", "", ""]]}
    shown = [(Path("a.json"), card, "")]
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    assert plain_table.drawing(shown, "") is None
    monkeypatch.setenv("TERM", "xterm")
    assert plain_table.drawing(shown, "") is not None
    monkeypatch.setenv("COLUMNS", str(plain_table.NARROWEST - 1))
    assert plain_table.drawing(shown, "") is None


def test_every_tone_has_a_style() -> None:
    assert set(TONES) == {"", *plain_table.STYLES}
