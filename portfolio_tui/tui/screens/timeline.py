"""Milestones, reviews and breaks in one dated list with their status; record a milestone as done."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.views import TimelineRow, timeline_rows
from portfolio_tui.tui.render import days_phrase, fit, last_column_width, literal
from portfolio_tui.tui.screens.base import PortfolioScreen
from portfolio_tui.tui.screens.progress_forms import (
    FormSpec,
    ProgressForm,
    break_form,
    confirm_review_form,
    review_form,
)
from portfolio_tui.tui.state import PortfolioView

STATUS_RICH = {
    "done": "green",
    "overdue": "bold red",
    "missed": "red",
    "due-soon": "bold yellow",
    "open": "cyan",
    "upcoming": "",
    "held": "green",
    "due": "bold yellow",
    "on break": "magenta",
    "ended": "",
}


ROW_ACTIONS = {"mark_done": "mark", "confirm_review": "confirm"}
"""Screen actions that act on the highlighted row, and the ``TimelineRow.actions`` each needs."""
FIXED_COLUMNS = (("date", "Date", 10), ("when", "When", 13), ("status", "Status", 8), ("kind", "Kind", 9))


class TimelineScreen(PortfolioScreen):
    MODE = "timeline"
    BINDINGS = [
        Binding("R", "record_review", "Review", id="timeline.review", tooltip="Record a progress review"),
        Binding("c", "confirm_review", "Confirm", id="timeline.confirm_review",
                tooltip="Confirm the highlighted review as your own party (apprentice, employer or provider)"),
        Binding("m", "mark_done", "Done", id="timeline.mark_done",
                tooltip="Record the highlighted milestone as done today"),
        Binding("B", "record_break", "Break", id="timeline.break",
                tooltip="Record a break in learning, or end the one going on"),
        Binding("n", "jump_next", "Next due", id="timeline.next", tooltip="Move to the first item from today"),
        Binding("h", "record_history", "Record history", id="timeline.history", show=False,
                tooltip="Who changed the highlighted record, and when"),
    ]
    NEEDS = {"record_review": "review.record", "record_break": "progress.record"}

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, TimelineRow] = {}

    def body(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(id="timeline-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="timeline-detail")

    @property
    def table(self) -> DataTable:
        return self.query_one("#timeline-table", DataTable)

    def on_mount(self) -> None:
        table = self.table
        for key, label, width in FIXED_COLUMNS:
            table.add_column(label, key=key, width=width)
        table.add_column("What", key="title")
        super().on_mount()
        table.focus()

    def on_resize(self) -> None:
        if self.papp.view is not None and self.is_mounted:
            self.show(self.papp.view)

    def show(self, view: PortfolioView) -> None:
        table = self.table
        width = last_column_width(table, sum(w for _, _, w in FIXED_COLUMNS), len(FIXED_COLUMNS))
        keep = self._current_key()
        items = timeline_rows(view.portfolio, view.report, view.as_of, view.access)
        self.items = {i.key: i for i in items}
        table.clear()
        for item in items:
            table.add_row(
                Text(item.day.isoformat()),
                Text(days_phrase((item.day - view.as_of).days), style="dim"),
                Text(item.status, style=STATUS_RICH.get(item.status, "")),
                Text(item.kind),
                literal(fit(clean_text(item.title), width)),
                key=item.key,
            )
        if keep and keep in self.items:
            table.move_cursor(row=table.get_row_index(keep))
        else:
            self.action_jump_next()

    def _current_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def highlighted(self) -> TimelineRow | None:
        return self.items.get(self._current_key() or "")

    def may(self, action: str) -> bool:
        """The row keys are offered only on a row this account may do them to now (the service's
        ``TimelineRow.actions``): no Confirm on a review every party has confirmed."""
        if action in ROW_ACTIONS:
            item = self.highlighted() if self.is_mounted else None
            return item is not None and ROW_ACTIONS[action] in item.actions
        return super().may(action)

    @on(DataTable.RowHighlighted, "#timeline-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        item = self.items.get(event.row_key.value or "")
        detail = self.query_one("#timeline-detail", Static)
        if item is None:
            detail.update("")
            return
        hint = ""
        if "confirm" in item.actions:
            hint = f"  c confirms it as the {' or the '.join(item.confirm_as)}"
        if "mark" in item.actions:
            hint = "  m undoes the mark (with a reason)" if item.status == "done" else "  m marks it done today"
        detail.update(Content.assemble((clean_text(item.title), "bold"), (hint, "$text-muted"), "\n",
                                       clean_text(item.detail or "")))

    def action_jump_next(self) -> None:
        view = self.papp.view
        if view is None or not self.items:
            return
        keys = list(self.items)
        index = next((i for i, k in enumerate(keys) if self.items[k].day >= view.as_of), len(keys) - 1)
        self.table.move_cursor(row=index)

    def action_mark_done(self) -> None:
        view = self.papp.view
        item = self.highlighted()
        if view is None or item is None or "mark" not in item.actions:
            return
        if item.status == "done":
            self._undo(item.milestone_key, item.title)
            return
        from portfolio_tui.services.records import mark_milestone_done

        on = view.as_of
        key = item.milestone_key
        self.papp.change(
            lambda service: mark_milestone_done(service, key, on=on, as_of=on),
            done=lambda _: self.notify(f"Marked '{clean_text(item.title)}' done on {on.isoformat()}.", markup=False),
        )

    def _undo(self, key: str, title: str) -> None:
        """Take back a done mark, with a reason: appended, so the mark and the undo both stay on record."""
        from portfolio_tui.services.records import undo_milestone
        from portfolio_tui.tui.screens.decisions import ReasonDialog

        as_of = self.papp.as_of

        def done(saved: bool | None) -> None:
            if saved:
                self.notify(f"'{clean_text(title)}' is no longer marked done.", markup=False)

        self.app.push_screen(ReasonDialog(
            f"Undo: {title} done",
            "The mark stays in the record, followed by this undo and your reason.",
            lambda service, reason: undo_milestone(service, key, reason=reason, as_of=as_of),
        ), done)

    def _open(self, spec: FormSpec, said: str) -> None:
        def done(saved: bool | None) -> None:
            if saved:
                self.notify(said, markup=False)

        self.app.push_screen(ProgressForm(spec), done)

    def action_record_review(self) -> None:
        view = self.papp.view
        if view is not None and self.papp.permit("review.record"):
            self._open(review_form(view, self.papp.account), "Review recorded.")

    def action_record_break(self) -> None:
        view = self.papp.view
        if view is not None and self.papp.permit("progress.record"):
            ongoing = any(b.end is None for b in view.portfolio.breaks)
            self._open(break_form(view), "Break ended." if ongoing else "Break recorded.")

    def action_confirm_review(self) -> None:
        view = self.papp.view
        item = self.highlighted()
        if view is None or item is None or "confirm" not in item.actions:
            return
        self._open(confirm_review_form(view, int(item.key.removeprefix("r:")), item.confirm_as), "Review confirmed.")

    def action_record_history(self) -> None:
        from portfolio_tui.tui.screens.history import HistoryScreen

        key = self._current_key() or ""
        tables = {"r": "reviews", "b": "breaks"}
        kind, _, ident = key.partition(":")
        if kind in tables and ident.isdigit():
            item = self.items[key]
            self.app.push_screen(HistoryScreen(self.papp.service, tables[kind], int(ident),
                                               f"{item.title} {item.day.isoformat()}"))
        elif kind == "m":
            self.app.push_screen(HistoryScreen(self.papp.service, "milestones", None, "milestones"))
        else:
            self.action_history()
