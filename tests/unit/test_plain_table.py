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


def _both(capsys, monkeypatch, shown, summary: str, width: int) -> tuple[str, str]:
    """What ``show`` prints (without Rich, as output is captured: not a terminal) and what Rich prints."""
    monkeypatch.setenv("COLUMNS", str(width))
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    assert plain_table.plain_width(shown, summary) == width
    plain_table.show(shown, summary)
    plain = capsys.readouterr()
    plain_table._show_with_rich(shown, summary)
    rich = capsys.readouterr()
    assert plain.err == rich.err
    return plain.out, rich.out


@pytest.mark.parametrize("width", [20, 25, 40, 80, 120, 200])
def test_the_samples_are_drawn_as_rich_draws_them(capsys, monkeypatch, width: int) -> None:
    shown = [(path, readiness.gateway_card(readiness.check_portfolio(path, AS_OF).report), "") for path in SAMPLES]
    shown.append((Path("gone.json"), None, "portfolio: gone.json: cannot be read"))
    plain, rich = _both(capsys, monkeypatch, shown, "6 learners, 0 ready for gateway as of 2026-11-24", width)
    assert plain == rich
    assert "Predic" in plain and "┌" in plain and plain.endswith("2026-11-24\n")


ONE_CELL = st.text(st.sampled_from("ab cdefghijklmnop  qrstuvwxyz0123456789-_./:;(),[]'\"éßΩЖ─\u00a0"), max_size=90)


@settings(max_examples=300, deadline=None)
@given(
    title=st.tuples(ONE_CELL, ONE_CELL),
    rows=st.lists(st.tuples(ONE_CELL, ONE_CELL), min_size=1, max_size=4),
    path=st.text(st.sampled_from("ab/c-d.json x"), min_size=1, max_size=60),
    summary=ONE_CELL,
    width=st.integers(plain_table.NARROWEST, 160),
)
def test_any_one_cell_text_is_drawn_as_rich_draws_it(title, rows, path, summary, width) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        card = {"title": list(title), "rows": [[label, value, "", ""] for label, value in rows]}
        capsys = _Capture(monkeypatch)
        plain, rich = _both(capsys, monkeypatch, [(Path(path), card, "")], summary, width)
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
    assert plain_table.plain_width([(Path("a.json"), card, "")], "1 learner") is None


def test_a_terminal_or_forced_colour_is_left_to_rich(monkeypatch) -> None:
    card = {"title": ["Ann", "odo-l3"], "rows": [["Missing", "none", "", ""]]}
    shown = [(Path("a.json"), card, "")]
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert plain_table.plain_width(shown, "") is None
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert plain_table.plain_width(shown, "") is None
    monkeypatch.setenv("COLUMNS", str(plain_table.NARROWEST - 1))
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    assert plain_table.plain_width(shown, "") is None


def test_every_tone_has_a_style() -> None:
    assert set(TONES) == {"", *plain_table.STYLES}
