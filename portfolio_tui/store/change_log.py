"""Who wants to hear about the changes a save makes: a context variable, not a global list.

The CLI reports every change in one line ("evidence 3: edited title (revision 2)"). Rather than each
command threading the service's results through, it wraps the command in :func:`recording`, and the
store notes each committed save's changes there. Nothing is noted outside a ``recording`` block (the
TUI never opens one), and nothing is noted for a save that failed or wrote nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from portfolio_tui.domain.change import Change

_sink: ContextVar[list[Change] | None] = ContextVar("portfolio_tui_changes", default=None)


@contextmanager
def recording() -> Iterator[list[Change]]:
    """Collect, in order, the changes every save committed inside the block."""
    changes: list[Change] = []
    token = _sink.set(changes)
    try:
        yield changes
    finally:
        _sink.reset(token)


def note(changes: Iterable[Change]) -> None:
    sink = _sink.get()
    if sink is not None:
        sink.extend(changes)
