"""A virtual table for the evidence log: it draws only the rows on screen, so filtering 5,000 rows
re-renders in milliseconds (Textual's DataTable measures every cell of every row it is given).

Cells are plain strings written straight into segments: user text is never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from portfolio_tui.tui.render import fit, share_widths


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    """Fixed width in cells; 0 means 'take what is left' (one flexible column)."""
    grow: bool = False
    """At least ``width`` cells, growing towards its longest cell when there is room: growing columns
    share what the fixed ones leave, in column order (``render.share_widths``), so a wide terminal shows
    the first ones whole (a caseload's learner name and standard) and the last takes what is left."""
    fair: int = 0
    """For a growing column, the cells it is given before an earlier growing column with a fair share of
    its own grows past that share (0: its longest cell, in column order): see ``render.share_widths``."""
    breaks: str = " "
    """Where a cell too long for the column may be cut (``" -"`` for names such as "Oyelaran-Bartholomew")."""
    whole_words: bool = False
    """Never show half a word after the first (``render.fit``): for cells that open with a short word that
    says what matters (a caseload's "-82d Review progress…")."""

    @property
    def flexible(self) -> bool:
        return self.grow or not self.width


@dataclass(frozen=True)
class TableRow:
    """One row: a key the caller chooses, cell strings in column order and an optional style per cell."""

    key: int
    cells: tuple[str, ...]
    styles: tuple[str, ...] = ()


class EvidenceTable(ScrollView, can_focus=True):
    """Rows with a cursor, a header that sorts when clicked, and a selection message on enter."""

    COMPONENT_CLASSES = {
        "evidence-table--header",
        "evidence-table--cursor",
        "evidence-table--even",
        "evidence-table--accepted",
        "evidence-table--referred",
        "evidence-table--submitted",
        "evidence-table--muted",
    }
    DEFAULT_CSS = """
    EvidenceTable {
        height: 1fr;
        background: $surface;
        & > .evidence-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .evidence-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .evidence-table--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
        }
        & > .evidence-table--even { background: $surface; }
        & > .evidence-table--accepted { color: $success; }
        & > .evidence-table--referred { color: $error; }
        & > .evidence-table--submitted { color: $warning; }
        & > .evidence-table--muted { color: $text-muted; }
    }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    MEASURED = False
    """Whether the table measures every cell (a caseload of a few hundred rows, not a 20,000-piece log):
    then a fixed column is only as wide as its widest cell or header needs, leaving the rest to the
    growing columns."""

    cursor = reactive(0, always_update=True)

    class Selected(Message):
        """Enter or a double click on a row."""

        def __init__(self, table: EvidenceTable, key: int) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> EvidenceTable:
            return self.table

    class Highlighted(Message):
        """The cursor moved to another row (``key`` is ``None`` when the table is empty)."""

        def __init__(self, table: EvidenceTable, key: int | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> EvidenceTable:
            return self.table

    class HeaderClicked(Message):
        def __init__(self, table: EvidenceTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> EvidenceTable:
            return self.table

    def __init__(self, columns: list[Column], *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.all_columns = columns
        self.columns = columns
        self.rows: list[TableRow] = []
        self._longest: dict[str, int] | None = None
        self.sort_marker: tuple[str, bool] | None = None

    def show_columns(self, keys: set[str] | None) -> None:
        """Show only the columns in ``keys`` (all of them for ``None``): a narrow terminal drops the least needed."""
        self.columns = [c for c in self.all_columns if keys is None or c.key in keys]
        self.refresh()

    def _shown(self, values: tuple[str, ...]) -> tuple[str, ...]:
        if len(self.columns) == len(self.all_columns):
            return values
        keep = {c.key for c in self.columns}
        return tuple(v for c, v in zip(self.all_columns, values, strict=False) if c.key in keep)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def current_key(self) -> int | None:
        return self.rows[self.cursor].key if 0 <= self.cursor < len(self.rows) else None

    def set_rows(self, rows: list[TableRow], *, keep: int | None = None) -> None:
        """Replace the rows; the cursor stays on ``keep`` (a row key) when that row is still shown."""
        self.rows = rows
        self._longest = None
        index = 0
        if keep is not None:
            index = next((i for i, row in enumerate(rows) if row.key == keep), 0)
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.cursor = min(index, max(len(rows) - 1, 0))
        self.refresh()

    def move_to(self, key: int) -> bool:
        for i, row in enumerate(self.rows):
            if row.key == key:
                self.cursor = i
                return True
        return False

    def watch_cursor(self, cursor: int) -> None:
        self.post_message(self.Highlighted(self, self.current_key))
        height = max(self.scrollable_content_region.height, 2)
        top = self.scroll_offset.y
        if top > cursor:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif top < cursor + 2 - height:
            self.scroll_to(y=cursor + 2 - height, animate=False, immediate=True)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.current_key is not None:
            self.post_message(self.Selected(self, self.current_key))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)

    def _widths(self) -> list[int]:
        total = self.scrollable_content_region.width
        flexible = [c for c in self.columns if c.flexible]
        longest = self.longest_cells() if self.MEASURED or len(flexible) > 1 else {}
        fixed = {c.key: self._fixed_width(c, longest) for c in self.columns if not c.flexible}
        # One space before each column and the row's leading space; the last column's trailing space
        # may be clipped by the row's width, so it is not counted.
        room = max(total - sum(w + 1 for w in fixed.values()) - len(flexible), 8 * len(flexible))
        shared = iter(share_widths(room, [(c.width or 8, longest.get(c.key, 0), c.fair or longest.get(c.key, 0))
                                          for c in flexible]))
        return [next(shared) if c.flexible else fixed[c.key] for c in self.columns]

    def _fixed_width(self, column: Column, longest: dict[str, int]) -> int:
        """A fixed column's width: as set, or in a measured table what its cells need within that and its
        header whole, with its sort marker ("Covered ▲", not "Covere…")."""
        if not self.MEASURED:
            return column.width
        header = cell_len(column.label) + (2 if self.sort_marker and self.sort_marker[0] == column.key else 0)
        return max(header, min(column.width, longest.get(column.key, 0)))

    def longest_cells(self) -> dict[str, int]:
        """The widest cell of each column a width is worked out for, measured once per set of rows: every
        column of a measured table, else only the growing ones, and only in a table with more than one (a
        caseload, not a 20,000-piece log). A growing column's header counts, with room for a sort marker."""
        if self._longest is None:
            self._longest = {}
            for i, column in enumerate(self.all_columns):
                if column.flexible or self.MEASURED:
                    cells = [cell_len(row.cells[i]) for row in self.rows if i < len(row.cells)]
                    header = [cell_len(column.label) + 2] if column.flexible else []
                    self._longest[column.key] = max([*header, *cells], default=0)
        return self._longest

    def _column_at(self, x: int) -> str | None:
        left = 0
        for column, width in zip(self.columns, self._widths(), strict=True):
            if left <= x < left + width + 1:
                return column.key
            left += width + 1
        return None

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x)
            if column:
                self.post_message(self.HeaderClicked(self, column))
            return
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    def _cells(self, values: tuple[str, ...], widths: list[int], base: Style,
               styles: tuple[str, ...] = ()) -> list[Segment]:
        segments = [Segment(" ", base)]
        for i, (value, width, column) in enumerate(zip(values, widths, self.columns, strict=True)):
            text = fit(value, width, column.breaks, whole_words=column.whole_words)
            style = base
            if i < len(styles) and styles[i]:
                style = base + self.get_component_rich_style(styles[i], partial=True)
            segments.append(Segment(set_cell_size(text, width), style))
            segments.append(Segment(" ", base))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._widths()
        if y == 0:
            base = self.get_component_rich_style("evidence-table--header")
            labels = []
            for column in self.columns:
                marker = ""
                if self.sort_marker and self.sort_marker[0] == column.key:
                    marker = " ▼" if self.sort_marker[1] else " ▲"
                labels.append(column.label + marker)
            return Strip(self._cells(tuple(labels), widths, base)).adjust_cell_length(width, base)
        index = self.scroll_offset.y + y - 1
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        if index == self.cursor:
            base = base + self.get_component_rich_style("evidence-table--cursor")
        return Strip(self._cells(self._shown(row.cells), widths, base, self._shown(row.styles))).adjust_cell_length(
            width, base)
