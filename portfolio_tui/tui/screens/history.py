"""The history view: who changed what, and when, for one record or the whole portfolio (from the audit)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.errors import StoreError
from portfolio_tui.services.history import HistoryRow, history
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.tui.render import fit, last_column_width, literal, plural
from portfolio_tui.tui.widgets.fit_lines import FitLines


class HistoryScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="history.close"),
        Binding("q", "dismiss", "Close", id="history.close2", show=False),
    ]

    def __init__(self, service: PortfolioSession, table: str | None, record: int | None, about: str) -> None:
        super().__init__()
        self.service = service
        self.table_name, self.record, self.about = table, record, about
        self.rows: list[HistoryRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            heading = FitLines(id="form-heading")
            heading.show([Content.assemble(("History of ", "bold"), (clean_text(self.about), "bold"))])
            yield heading
            table: DataTable[Text] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static("", id="history-detail")
            yield Static(Content.styled("esc closes · newest first", "$text-muted"))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("When (UTC)", key="at", width=19)
        table.add_column("Who", key="by", width=10)
        table.add_column("What", key="what")
        self.watch(self, "size", lambda: self._show(self.rows) if self.rows else None, init=False)
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="history")
    def _load(self) -> None:
        try:
            rows = history(self.service, self.table_name, self.record)
        except StoreError as exc:
            self.app.call_from_thread(self.notify, clean_text(str(exc)), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[HistoryRow]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        width = last_column_width(table, 19 + 10, 2)
        table.clear()
        for index, item in enumerate(rows):
            what = fit(clean_text(f"{item.action} {item.record}: {item.detail}"), width)
            table.add_row(Text(item.at), literal(fit(item.by, 10)), literal(what), key=str(index))
        if not rows:
            self.query_one("#history-detail", Static).update(Content.styled("No changes recorded.", "$text-muted"))
        else:
            # The count first: a long title is cut at a word at 80 columns, and must not take it along.
            self.query_one("#form-heading", FitLines).show([Content.assemble(
                ("History: ", "bold"), f"{plural(len(rows), 'change')} to ", (clean_text(self.about), "bold"))])

    @on(DataTable.RowHighlighted, "#history-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = int(event.row_key.value or 0)
        if index >= len(self.rows):
            return
        item = self.rows[index]
        lines = [Content.assemble((f"{item.at} ", "$text-muted"), (item.by, "bold"), f" {item.action} {item.record}"),
                 Content(item.detail)]
        lines += [Content.styled(line, "$text-muted") for line in item.changes]
        self.query_one("#history-detail", Static).update(Content("\n").join(lines))
