"""Lines that each fit the widget's width, cut at a word and ended with "…" (Textual's own
``text-overflow: ellipsis`` cuts mid-word), drawn again at every width."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from portfolio_tui.tui.render import fit


def fit_content(line: Content, width: int) -> Content:
    """``line`` cut to ``width`` cells at a word, its styles kept."""
    plain = line.plain
    fitted = fit(plain, width)
    if fitted == plain:
        return line
    return line[: len(fitted) - 1] + Content("…")


class FitLines(Widget):
    DEFAULT_CSS = "FitLines { height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.lines: list[Content] = []

    def show(self, lines: list[Content]) -> None:
        self.lines = lines
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One row a line, since each is cut to fit. Textual's own measure renders at the width of the
        last layout (at first none, so 80) and wraps that at this one: a wrong, cached height, which made
        the dashboard's milestones take three rows too many, or not, by timing."""
        return len(self.lines)

    def render(self) -> Content:
        width = self.content_region.width or self.size.width or 80
        return Content("\n").join(fit_content(line, width) for line in self.lines)
