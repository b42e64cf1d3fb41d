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
from portfolio_tui.tui.render import fit, last_column_width, literal, plural


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
            held = plural(len(self.removed), "removed piece") if self.removed else "empty: no evidence has been removed"
            yield Static(Content.assemble(("Bin", "bold"), f" · {held}"), id="form-heading")
            table: DataTable[Text] = DataTable(id="bin-table", cursor_type="row", zebra_stripes=True)
            yield table
            keys = "enter restores the highlighted piece" if self.removed else "a piece removed (d) waits here"
            yield Static(Content.styled(f"{keys} · esc closes", "$text-muted"))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Date", key="date", width=10)
        table.add_column("Removed", key="removed", width=10)
        table.add_column("Title", key="title")
        table.focus()
        self.call_after_refresh(self._fill)

    def on_resize(self) -> None:
        if self.is_mounted:
            self._fill()

    def _fill(self) -> None:
        """The rows, each title cut at a word to the width left once the dialog is laid out (it was
        clipped mid-word, and pushed the Removed column off the dialog)."""
        table = self.query_one(DataTable)
        width = last_column_width(table, 20, 2)
        row = table.cursor_row
        table.clear()
        for piece in self.removed:
            table.add_row(Text(piece.date.isoformat()), Text(clean_text(piece.updated_at[:10])),
                          literal(fit(clean_text(piece.title), width)), key=str(piece.id))
        if not self.removed:
            table.add_row(Text(""), Text(""), Text("The bin is empty.", style="dim"), key="")
        table.move_cursor(row=min(row, table.row_count - 1))

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
