"""What every main screen shares: the bar of screens on top, the footer of keys, and showing the
latest ``PortfolioView`` when it changes or when the screen comes back into view."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from portfolio_tui.tui.widgets.footer import PortfolioFooter
from portfolio_tui.tui.widgets.nav_bar import NavBar

if TYPE_CHECKING:
    from portfolio_tui.tui.app import PortfolioApp
    from portfolio_tui.tui.state import PortfolioView

PaletteCommand = tuple[str, str, Callable[[], object]]
"""``(name, help, callback)`` as the command palette lists it."""


class PortfolioScreen(Screen[None]):
    """A main screen (one per app mode). Subclasses compose ``body()`` and implement ``show()``."""

    MODE = ""
    shown_version = -1

    @property
    def papp(self) -> PortfolioApp:
        return cast("PortfolioApp", self.app)

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield from self.body()
        yield PortfolioFooter()

    def body(self) -> ComposeResult:
        yield Static("")

    def on_mount(self) -> None:
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        view = self.papp.view
        if not self.is_mounted:
            return  # on_mount shows it once the widgets exist
        if view is not None and view.version != self.shown_version:
            self.shown_version = view.version
            self.show(view)

    def show(self, view: PortfolioView) -> None:
        raise NotImplementedError

    def palette_commands(self) -> list[PaletteCommand]:
        """Commands for this screen's context, offered first in the command palette."""
        return []
