"""The screen shown instead of a portfolio this OS account may not see: why, who may, and nothing else.

The session refused to read the file (``services.session``), so there is nothing of it to show;
``q`` quits, and in a caseload backspace goes back to the list.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static


class RefusalScreen(Screen[None]):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="refusal"):
            yield Static(Content.styled("Not yours to see", "bold $error"), id="refusal-title")
            yield Static(Content(self.reason), id="refusal-reason")
        yield Footer()
