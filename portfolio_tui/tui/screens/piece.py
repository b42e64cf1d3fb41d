"""A piece of evidence to read whole (enter on it, for an account that may neither edit nor assess it: a line
manager): the log's panel under the table cuts each line to one row, so at 80x24 a tutor's feedback read
"K3: name the [u]regulation[/u]…" and there was no way to read the rest (QA Q7). Here every line wraps, in a
box that scrolls."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class PieceDialog(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="piece.close"),
        Binding("q", "dismiss", "Close", id="piece.close2", show=False),
    ]

    def __init__(self, detail: Content, whose: str) -> None:
        super().__init__()
        self.detail, self.whose = detail, whose

    def compose(self) -> ComposeResult:
        with Vertical(id="decision-dialog", classes="progress-form"):
            with VerticalScroll(id="progress-fields"):
                yield Static(self.detail, id="piece-detail")
            closes = "up and down scroll · esc closes."
            yield Static(Content.styled(f"{self.whose} {closes}" if self.whose else closes, "$text-muted"),
                         classes="form-intro")
