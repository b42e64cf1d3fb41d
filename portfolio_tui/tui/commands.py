"""Command palette: 'go:' commands everywhere, and the current screen's own commands first."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from portfolio_tui.tui.widgets.nav_bar import SCREENS


class PortfolioCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from portfolio_tui.tui.screens.base import PortfolioScreen

        commands: list[tuple[str, str, Callable[[], object]]] = []
        if isinstance(self.screen, PortfolioScreen):
            commands.extend(self.screen.palette_commands())
            for mode, key, title in SCREENS:
                commands.append((f"go: {title.lower()}", f"Open the {title.lower()} screen (key {key})",
                                 partial(self.app.switch_mode, mode)))
        show_help = self.app.action_show_help  # type: ignore[attr-defined]  # PortfolioApp, this provider's only host
        commands.append(("help: keys", "Every key on this screen (key ?)", show_help))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
