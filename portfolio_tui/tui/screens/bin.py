"""The bin: evidence that was removed, kept in the file, restorable at any time (enter restores)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.text import clean_text
from portfolio_tui.tui.render import literal, plural


class BinScreen(ModalScreen[int | None]):
    """Returns the id of the piece to restore (the evidence screen restores it through the service)."""

    BINDINGS = [
        Binding("enter", "restore", "Restore", id="bin.restore"),
        Binding("escape", "dismiss", "Close", id="bin.close"),
    ]

    def __init__(self, removed: list[Evidence]) -> None:
        super().__init__()
        self.removed = sorted(removed, key=lambda e: (e.updated_at, e.id), reverse=True)

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            yield Static(Content.assemble(("Bin", "bold"), f" · {plural(len(self.removed), 'removed piece')}"),
                         id="form-heading")
            table: DataTable[Text] = DataTable(id="bin-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(Content.styled("enter restores the highlighted piece · esc closes", "$text-muted"))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Date", key="date", width=10)
        table.add_column("Title", key="title")
        table.add_column("Removed", key="removed", width=10)
        for piece in self.removed:
            table.add_row(Text(piece.date.isoformat()), literal(piece.title),
                          Text(clean_text(piece.updated_at[:10])), key=str(piece.id))
        if not self.removed:
            table.add_row(Text(""), Text("The bin is empty.", style="dim"), Text(""), key="")
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_restore()

    def action_restore(self) -> None:
        table = self.query_one(DataTable)
        if not self.removed or not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            self.dismiss(int(key))
