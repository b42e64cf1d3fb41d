"""User text as data: every string a person typed reaches the screen through these helpers.

Textual's Label, Tree and DataTable read plain strings as markup, so ``[/]`` in a title would crash
the app and ``[@click=app.quit]`` would become a live action. These helpers build ``Text`` and
``Content`` objects, which are never parsed, after removing control and escape characters.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from portfolio_tui.domain.text import clean_text


def literal(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """A Rich ``Text`` holding ``value`` exactly as typed, minus control characters."""
    return Text(clean_text(str(value), multiline=multiline), style=style, end="")


def content(value: object, style: str = "", *, multiline: bool = False) -> Content:
    """A Textual ``Content`` holding ``value`` literally, minus control characters."""
    text = clean_text(str(value), multiline=multiline)
    return Content.styled(text, style) if style else Content(text)


def assemble(*parts: str | Content | tuple[str, str]) -> Content:
    """Join pieces and ``(text, style)`` pairs into one ``Content``; the text is never parsed as markup."""
    cleaned: list[str | Content | tuple[str, str]] = []
    for part in parts:
        if isinstance(part, tuple):
            cleaned.append((clean_text(str(part[0])), part[1]))
        elif isinstance(part, str):
            cleaned.append(clean_text(part))
        else:
            cleaned.append(part)
    return Content.assemble(*cleaned)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def days_phrase(days: int) -> str:
    """A countdown as people say it: 'today', 'in 3 days', '5 days ago'."""
    if days == 0:
        return "today"
    if days > 0:
        return f"in {plural(days, 'day')}"
    return f"{plural(-days, 'day')} ago"
