"""Small helpers for what the screens show: user text as data, counts and countdowns in words.

Textual's Label, Tree and DataTable read plain strings as markup, so ``[/]`` in a title would crash
the app and ``[@click=app.quit]`` would become a live action. User text therefore reaches the screen
as a ``Text`` (``literal``, for DataTable and Tree) or a ``Content`` built from ``clean_text``, which
are never parsed, with control and escape characters removed.
"""

from __future__ import annotations

from rich.text import Text

from portfolio_tui.domain.text import clean_text


def literal(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """A Rich ``Text`` holding ``value`` exactly as typed, minus control characters."""
    return Text(clean_text(str(value), multiline=multiline), style=style, end="")


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def days_phrase(days: int) -> str:
    """A countdown as people say it: 'today', 'in 3 days', '5 days ago'."""
    if days == 0:
        return "today"
    if days > 0:
        return f"in {plural(days, 'day')}"
    return f"{plural(-days, 'day')} ago"
