"""User text is data: markup, escape sequences and bidi overrides written straight into the file
(the service would refuse the control characters) are shown literally on every screen, minus the
control characters, and nothing that could drive a terminal reaches the output."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Tree

from portfolio_tui.domain.text import clean_text
from portfolio_tui.tui.app import PortfolioApp
from portfolio_tui.tui.screens.evidence_form import EvidenceForm
from portfolio_tui.tui.screens.help import HelpScreen
from portfolio_tui.tui.screens.tag_picker import TagPicker
from portfolio_tui.tui.widgets.evidence_table import EvidenceTable
from tests.functional.tui_helpers import app_for, drive, make_portfolio, settle

HOSTILE = [
    "[/]",
    "x[/]",
    "[bold]x",
    "[@click=app.quit]q[/]",
    "\x1b]52;c;aGk=\x07",
    "\x1b[2J",
    "\x9b31m",
    "C:\\dir\\",
    "\u202eevil txt.exe",
]


def _write_hostile(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["learner"]["1"]["name"] = " | ".join(HOSTILE)
    template = doc["evidence"]["1"]
    for i, text in enumerate(HOSTILE, start=100):
        doc["evidence"][str(i)] = {**template, "title": f"T{i} {text}", "description": f"D{i} {text}\nline two {text}",
                                   "criteria": ["V2"], "files": [text], "judgements": []}
    path.write_text(json.dumps(doc), encoding="utf-8")


def _screen_text(app: PortfolioApp) -> str:
    """What the terminal would be sent for the current screen, as text (styles dropped)."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), color_system=None,
                      record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def _check(app: PortfolioApp, *expected: str) -> str:
    text = _screen_text(app)
    unsafe = [f"U+{ord(c):04X}" for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")]
    assert not unsafe, f"control or format characters reached the screen: {unsafe}"
    for item in expected:
        assert clean_text(item) in text, f"{clean_text(item)!r} not shown literally"
    return text


@drive
async def test_hostile_text_is_shown_literally_on_every_screen(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    _write_hostile(path)
    app = app_for(path)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(app, pilot)
        name = " | ".join(HOSTILE)
        _check(app, name)  # dashboard: the learner's name

        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one(EvidenceTable)
        _check(app, *(f"T{i} {text}" for i, text in enumerate(HOSTILE, start=100)))
        for i, text in enumerate(HOSTILE, start=100):
            assert table.move_to(i)
            await pilot.pause()
            _check(app, f"T{i} {text}", f"D{i} {text}")
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceForm)
        assert app.screen.query_one("#title", Input).value == clean_text(f"T{i} {HOSTILE[-1]}")
        await pilot.press("escape")
        await pilot.press("slash", *"evil")
        await pilot.pause()
        assert [row.key for row in table.rows] == [108]

        await pilot.press("escape", "3")
        await settle(app, pilot)
        app.screen.select_criterion("V2")
        await settle(app, pilot)
        tree = app.screen.query_one(Tree)
        tree.cursor_node.expand()
        await settle(app, pilot)
        _check(app, *(f"T{i} {text}" for i, text in enumerate(HOSTILE, start=100)))
        await pilot.press("down")
        await pilot.pause()
        _check(app, f"T100 {HOSTILE[0]}")
        app.screen.select_criterion("V3")
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagPicker)
        _check(app, *(f"T{i} {text}" for i, text in enumerate(HOSTILE, start=100)))
        await pilot.press("escape")

        for key in ("4", "5", "question_mark"):
            await pilot.press(key)
            await settle(app, pilot)
            _check(app)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "1")
        await settle(app, pilot)
        lines = _check(app, name).splitlines()
        # The '[@click=app.quit]' text is not an action: clicking on it leaves the app running.
        y = next(n for n, line in enumerate(lines) if "[@click=app.quit]q[/]" in line)
        await pilot.click(offset=(lines[y].index("[@click=app.quit]q[/]") + 3, y))
        await pilot.pause()
        assert app.is_running and app.return_code is None
