"""``?``: the keys of the screen underneath, read from its live bindings, and how the app is laid out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from portfolio_tui.tui.widgets.nav_bar import SCREENS

ABOUT = (
    "Keys 1 to 5 (or a click on the bar at the top) switch screens. ctrl+p opens the command "
    "palette, which lists what can be done here. Every save goes straight to the portfolio file; "
    "removed evidence waits in the bin (b on the evidence screen), where enter restores it."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("question_mark", "dismiss", "Close", id="help.close2", key_display="?", show=False),
        Binding("q", "dismiss", "Close", id="help.close3", show=False),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        under, app = self.under, self.app
        # The screen's own keys first, then the app's, then those of the widget in focus.
        ordered = sorted(self.under.active_bindings.values(),
                         key=lambda a: 0 if a.node is under else 1 if a.node is app else 2)
        for active in ordered:
            binding = active.binding
            if not binding.description or binding.description in seen or binding.key in ("up", "down"):
                continue
            seen.add(binding.description)
            keys.append((binding.key_display or self.app.get_key_display(binding), binding.description))
        screens = [(key, title) for _, key, title in SCREENS] + [("ctrl+p", "Command palette")]
        width = max(len(key) for key, _ in keys + screens)  # "shift+tab" sat a cell right of the rest

        def row(key: str, description: str) -> Content:
            return Content.assemble((f"  {key:>{width}}", "bold $accent"), f"  {description}")

        rows = [Content.styled("Keys on this screen", "bold"), *(row(k, d) for k, d in keys), Content(""),
                Content.styled("Screens", "bold"), *(row(k, d) for k, d in screens)]
        rows.append(Content(""))
        rows.append(Content(ABOUT))
        with Vertical(id="help-dialog"):
            with VerticalScroll(id="help-lines"):
                yield Static(Content("\n").join(rows))
            yield Static(Content.styled("up, down, pgup, pgdn, home, end scroll · esc or ? closes", "$text-muted"))

    def on_mount(self) -> None:
        self.query_one("#help-lines", VerticalScroll).focus()
