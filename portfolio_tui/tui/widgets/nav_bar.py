"""The one-line bar of screens at the top: each name shows its key and is clickable."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

SCREENS: tuple[tuple[str, str, str], ...] = (
    ("dashboard", "1", "Dashboard"),
    ("evidence", "2", "Evidence"),
    ("criteria", "3", "Criteria"),
    ("timeline", "4", "Timeline"),
    ("gateway", "5", "Gateway"),
)


class NavBar(Static):
    DEFAULT_CSS = """
    NavBar { height: 1; width: 1fr; background: $panel; }
    """

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current

    def render(self) -> Content:
        parts: list[Content] = []
        for mode, key, title in SCREENS:
            action = f"@click=app.switch_mode('{mode}')"
            if mode == self.current:
                parts.append(Content.styled(f" {key} {title} ", f"bold reverse {action}"))
            else:
                parts.append(Content.assemble((f" {key}", f"bold $accent {action}"), (f" {title} ", action)))
        parts.append(Content.styled("  ? help", "$text-muted @click=app.show_help"))
        return Content("").join(parts)
