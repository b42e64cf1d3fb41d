"""Textual's footer, without the leak that made memory grow with every screen change.

Each ``FooterKey`` binds to the footer's ``compact`` reactive; the binding stays on the footer when
the footer rebuilds its keys (on every change of the screen's bindings), and Textual prunes such
bindings only when ``compact`` changes (Textualize/textual#6666). A caseload's footer thus kept
every key it ever showed, with their render caches: thousands of objects per learner opened.
"""

from __future__ import annotations

from textual.widgets import Footer


class PortfolioFooter(Footer):
    """A footer that lets go of the keys it replaced."""

    async def recompose(self) -> None:
        await super().recompose()
        # Changing ``compact`` (and back) is the public way to make Textual drop the old keys' bindings.
        compact = self.compact
        self.compact = not compact
        self.compact = compact
