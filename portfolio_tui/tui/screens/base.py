"""What every main screen shares: the bar of screens on top, the footer of keys, showing the latest
``PortfolioView`` when it changes or when the screen comes back into view, and keys offered only to
an account that may use them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
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
    """A main screen (one per app mode). Subclasses compose ``body()`` and implement ``show()``.

    ``NEEDS`` maps an action to the ``domain.roles`` action it needs: a key this account may not use
    is left out of the footer, the help and the palette (a line manager is not offered "Add").
    Every binding with a ``tooltip`` is also a palette command, named ``<screen>: <description>``.
    """

    MODE = ""
    NEEDS: ClassVar[dict[str, str]] = {}
    BINDINGS = [
        Binding("r", "reload", "Reload", id="screen.reload", show=False, tooltip="Read the portfolio file again"),
        Binding("H", "history", "Portfolio history", id="screen.history", show=False,
                tooltip="Who changed what in this portfolio, and when"),
    ]
    shown_version = -1

    @property
    def papp(self) -> PortfolioApp:
        return cast("PortfolioApp", self.app)

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield from self.body()
        yield PortfolioFooter(compact=True)

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
            self.refresh_bindings()

    def show(self, view: PortfolioView) -> None:
        raise NotImplementedError

    def may(self, action: str) -> bool:
        """May this account do the screen action ``action`` (by ``NEEDS``) to the portfolio shown?"""
        needed = self.NEEDS.get(action)
        if needed is None:
            return True
        view = self.papp.view
        return view is not None and view.access.decide(needed).allowed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.may(action)

    def on_key(self, event: events.Key) -> None:
        """A key hidden from this account (by ``NEEDS``) and pressed anyway gets a one-line notice of whose
        it is, worded by the services' access view model, instead of doing nothing silently. The key
        reaches the screen before the bindings are tried; one this account may use anywhere in the
        chain (a focused widget's, the app's) is left to them."""
        view = self.papp.view
        needed = self._refused_key(event.key)
        notice = view.access.not_yours(needed) if needed is not None and view is not None else ""
        if notice:
            event.stop()
            event.prevent_default()
            self.notify(notice, severity="warning", timeout=6, markup=False)

    def _refused_key(self, key: str) -> str | None:
        """The ``domain.roles`` action a key would need when every binding of it is this screen's and
        refused to this account; ``None`` when the key is unbound or some binding of it may run."""
        refused = None
        for namespace, bindings in self._modal_binding_chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                name = binding.action.split("(")[0]
                if namespace is not self or name not in self.NEEDS or self.may(name):
                    return None
                if PortfolioScreen.may(self, name):
                    return None  # hidden for another reason than whose it is (a screen's own ``may``)
                refused = refused or self.NEEDS[name]
        return refused

    def action_reload(self) -> None:
        self.papp.reload()

    def action_history(self) -> None:
        from portfolio_tui.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.papp.service, None, None, "the whole portfolio"))

    def palette_commands(self) -> list[PaletteCommand]:
        """Commands for this screen's context, offered first in the command palette: its own keys."""
        commands: list[PaletteCommand] = []
        seen: set[str] = set()
        for binding in (b for group in self._bindings.key_to_bindings.values() for b in group):
            if not binding.tooltip or binding.action in seen or not self.may(binding.action.split("(")[0]):
                continue
            seen.add(binding.action)
            name = f"{self.MODE}: {binding.description.lower()}"
            commands.append((name, f"{binding.tooltip} (key {binding.key_display or binding.key})",
                             partial(self.run_action, binding.action)))
        return commands
