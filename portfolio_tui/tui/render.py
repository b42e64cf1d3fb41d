"""Small helpers for what the screens show: user text as data, counts and countdowns in words.

Textual's Label, Tree and DataTable read plain strings as markup, so ``[/]`` in a title would crash
the app and ``[@click=app.quit]`` would become a live action. User text therefore reaches the screen
as a ``Text`` (``literal``, for DataTable and Tree) or a ``Content`` built from ``clean_text``, which
are never parsed, with control and escape characters removed.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import DataTable

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


def fit(text: str, width: int, breaks: str = " ", *, whole_words: bool = False) -> str:
    """``text`` in at most ``width`` cells: cut at the last word that fits and ended with "…", so a
    word is never shown half (unless it is the only word, or the first is longer than half the width;
    with ``whole_words``, only when it is the first: "-82d…", not "-82d Revi…", where a short first word
    says what matters). ``breaks`` are the characters words end at (``" -"`` for a hyphenated id such as a
    rule's)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = set_cell_size(text, width - 1)
    if text[len(cut)] not in breaks and not text[len(cut)].isspace():
        boundary = max(cut.rfind(c) for c in breaks)
        if boundary >= (1 if whole_words else width // 2):
            cut = cut[:boundary]
    return cut.rstrip(" ,;:·-") + "…"


def wrap_id(text: str, width: int, lines: int = 2) -> list[str]:
    """A hyphenated id (a rule's ``gateway-last-day-of-learning``) in lines of at most ``width`` cells, broken
    after a hyphen, at most ``lines`` of them (the last cut with "…" by :func:`fit` if it still does not fit):
    cut to one line at 80 columns, "english-maths…" left out what the rule is."""
    parts = [part + "-" for part in text.split("-")]
    parts[-1] = parts[-1][:-1]
    shown = [""]
    for part in parts:
        if shown[-1] and cell_len(shown[-1] + part) > width and len(shown) < lines:
            shown.append("")
        shown[-1] += part
    return [fit(line, width, breaks=" -") for line in shown]


def share_widths(room: int, columns: Sequence[tuple[int, int] | tuple[int, int, int]]) -> list[int]:
    """Widths for columns that share ``room`` cells, each given as ``(least, natural)`` (its longest
    cell) or ``(least, natural, fair)``: each gets its least, then, in order, grows to its fair share
    (its natural width when it names none) while room is left, then, in order, to its natural width;
    what is left over goes to the last. The first columns are shown whole before later ones grow, except
    that a column with a fair share (a caseload's next milestone) gets it before an earlier column with
    a fair share of its own (the standard) grows past that: a long standard cannot squeeze it to "-82d…"."""
    widths = [column[0] for column in columns]
    left = room - sum(widths)
    for round_ in ("fair", "natural"):
        for i, column in enumerate(columns):
            natural = column[1]
            target = natural if round_ == "natural" or len(column) < 3 else min(column[2], natural)
            grow = max(min(target - widths[i], left), 0)
            widths[i] += grow
            left -= grow
    if left > 0 and widths:
        widths[-1] += left
    return widths


def last_column_width(table: DataTable, fixed: int, columns: int) -> int:
    """The cells left for a table's last column once ``fixed`` cells of the ``columns`` others are
    drawn (each column has padding either side), so its text can be :func:`fit` rather than clipped."""
    padding = 2 * table.cell_padding * (columns + 1)
    return max(table.scrollable_content_region.width - fixed - padding, 8)
