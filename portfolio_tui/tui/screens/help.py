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
    "removed evidence can be restored with u on the evidence screen."
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
        rows: list[Content] = [Content.styled("Keys on this screen", "bold")]
        seen: set[str] = set()
        for active in self.under.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.description in seen or binding.key in ("up", "down"):
                continue
            seen.add(binding.description)
            shown = binding.key_display or self.app.get_key_display(binding)
            rows.append(Content.assemble((f"  {shown:>8}", "bold $accent"), f"  {binding.description}"))
        rows.append(Content(""))
        rows.append(Content.styled("Screens", "bold"))
        for _, key, title in SCREENS:
            rows.append(Content.assemble((f"  {key:>8}", "bold $accent"), f"  {title}"))
        rows.append(Content.assemble((f"  {'ctrl+p':>8}", "bold $accent"), "  Command palette"))
        rows.append(Content(""))
        rows.append(Content(ABOUT))
        with Vertical(id="help-dialog"):
            with VerticalScroll():
                yield Static(Content("\n").join(rows))
            yield Static(Content.styled("esc or ? closes", "$text-muted"))
