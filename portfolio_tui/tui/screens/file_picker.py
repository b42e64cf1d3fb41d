"""Which of a piece's files ``o`` opens, when it has several: each by name, size and type, chosen with
the arrows and enter (or its number). Opening it stays the app's (``PortfolioApp.open_attachment``): a
kept file through a private 0600 copy, a link only if http(s) and once confirmed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.attachments import ShownFile
from portfolio_tui.tui.widgets.file_line import file_line


class FilePicker(ModalScreen[int | None]):
    """Dismissed with the index of the file chosen, or ``None``."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="files.cancel"),
        *(Binding(str(n), f"choose({n - 1})", str(n), id=f"files.choose{n}", show=False) for n in range(1, 10)),
    ]

    def __init__(self, title: str, files: list[ShownFile]) -> None:
        super().__init__()
        self.title_text, self.files = title, files

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="file-picker"):
            yield Static(Content.assemble(("Open which file of ", "bold"), (clean_text(self.title_text), "bold")))
            yield OptionList(*(Option(Content.assemble((f"{i}. " if i < 10 else "   ", "$text-muted"), file_line(f)))
                               for i, f in enumerate(self.files, start=1)), id="file-list", compact=True)
            yield Static(Content.styled("enter opens · esc cancels", "$text-muted"))

    def on_mount(self) -> None:
        listing = self.query_one("#file-list", OptionList)
        listing.highlighted = 0
        listing.focus()

    @on(OptionList.OptionSelected, "#file-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_choose(self, index: int) -> None:
        if index < len(self.files):
            self.dismiss(index)
