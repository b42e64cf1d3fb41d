"""Coverage per group as bars: a title, a bar and 'covered/total', one group a line."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from textual.content import Content
from textual.widgets import Static

from portfolio_tui.domain.text import clean_text
from portfolio_tui.tui.render import fit


@dataclass(frozen=True)
class BarItem:
    title: str
    covered: int
    total: int


class CoverageBars(Static):
    """Draws with block characters, so the bars still read with NO_COLOR or in a plain terminal."""

    DEFAULT_CSS = """
    CoverageBars { height: auto; }
    """

    def __init__(self, items: list[BarItem] | None = None, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.items: list[BarItem] = items or []

    def show(self, items: list[BarItem]) -> None:
        self.items = items
        self.refresh(layout=True)

    def render(self) -> Content:
        if not self.items:
            return Content.styled("No criteria in this standard.", "$text-muted")
        width = max(self.size.width, 30)
        titles = [clean_text(i.title) for i in self.items]
        label_width = min(max(map(cell_len, titles)), max(width // 3, 10))
        # A title cut short keeps its first word whole ("Occupational…", not "Occupationa…"), within half the line.
        cut_words = [cell_len(t.split()[0]) + 1 for t in titles if cell_len(t) > label_width and t.split()]
        label_width = max([label_width, *(w for w in cut_words if w <= width // 2)])
        count_width = max(len(f"{i.covered}/{i.total}") for i in self.items)
        bar_width = max(width - label_width - count_width - 3, 5)
        lines = []
        for item in self.items:
            title = fit(clean_text(item.title), label_width)  # (each title cut at a word, "…" after it)
            filled = round(bar_width * item.covered / item.total) if item.total else 0
            if item.total and item.covered and not filled:
                filled = 1
            complete = item.total and item.covered == item.total
            style = "$success" if complete else "$warning" if item.covered else "$error"
            lines.append(
                Content.assemble(
                    set_cell_size(title, label_width), " ",
                    ("█" * filled, style), ("░" * (bar_width - filled), "$text-muted"), " ",
                    f"{item.covered}/{item.total}".rjust(count_width),
                )
            )
        return Content("\n").join(lines)
