"""``portfolio gateway``'s tables, drawn by hand character for character as Rich draws them, so that a kept
check is printed without importing Rich, piped or in a terminal; Rich draws what this does not.

The hand-drawn table is Rich's own layout (``rich.table.Table`` with a title, no header, two columns, the first
at most :data:`LABEL_WIDTH` wide; Rich 13-15) for text whose every character Rich counts as one cell wide
(:data:`_ONE_CELL`, Rich's own list), in a UTF-8 stream: without styles where Rich would write none (output
piped or to a file), and in a terminal with the escape codes Rich writes, segment by segment (bold, dim and
three standard colours, which Rich writes alike whatever colours the terminal has; none with ``NO_COLOR``).
Any other text, a dumb terminal, a stream in another encoding, a width under :data:`NARROWEST`, and Rich draws
it, so nothing is shown differently (``tests/unit/test_plain_table.py`` holds the two equal, byte for byte).
Every text is cleaned of control and escape characters first (``domain.text.clean_text``), as
``cli.output.text`` does for Rich, and nothing is read as markup.
"""

from __future__ import annotations

import os
import re
import sys

from portfolio_tui.domain.text import clean_text

TYPE_CHECKING = False  # typing costs the kept gateway's start-up
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from typing import Any

LABEL_WIDTH = 28
"""The label column's widest, padding aside."""
STYLES = {"green": "bold green", "amber": "bold yellow", "red": "bold red", "warning": "yellow", "overdue": "red"}
"""Rich's style for each tone of ``services.readiness.gateway_card``."""
NARROWEST = 20
"""Below this many columns Rich draws the tables (its layout there has corner cases not worth copying)."""

_ONE_CELL = "[\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2500-\u25fc\u2800-\u28ff]*"
"""Text Rich measures as one cell a character without its tables (``rich.cells._SINGLE_CELL_UNICODE_RANGES``):
printable ASCII, or this pattern, compiled (by ``re``'s own cache) only for text that is not (:func:`_one_cell`):
some 0.3 ms of a gateway run's start-up."""
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


def show(cards: Sequence[tuple[str | Path, dict[str, Any] | None, str]], summary: str) -> None:
    """Print each (path, card, problem): a card as a table on stdout, a problem (a file that cannot be read)
    as one line on stderr; then the bold ``summary``."""
    how = drawing(cards, summary)
    if how is None:
        _show_with_rich(cards, summary)
        return
    width, paint = how
    tables = [render_card(path, card, width, paint) if card is not None else "" for path, card, _ in cards]
    if None in tables:
        _show_with_rich(cards, summary)
        return
    out: list[str] = []
    for (_path, card, problem), table in zip(cards, tables, strict=True):
        if card is None:
            sys.stdout.write("".join(out))
            out.clear()
            sys.stdout.flush()
            sys.stderr.write(clean_text(problem) + "\n")
            continue
        out.append(table or "")  # never None here
    lines = _wrapped(clean_text(summary), width, pad=False, fold=True)
    out.append("\n".join(_styled(paint, line, "bold") for line in lines) + "\n")
    sys.stdout.write("".join(out))


def drawing(
    cards: Sequence[tuple[str | Path, dict[str, Any] | None, str]], summary: str
) -> tuple[int, Callable[[str, str], str] | None] | None:
    """How Rich would draw on stdout: the width, and in a terminal the styles' painter (else None: no styles);
    None where the tables are left to Rich (a dumb terminal, a stream that is not UTF-8, which Rich draws in
    ASCII, an odd width, a text not one cell a character)."""
    environ = os.environ
    tty_compatible = environ.get("TTY_COMPATIBLE", "")
    force_color = environ.get("FORCE_COLOR")
    if tty_compatible in ("0", "1"):
        terminal = tty_compatible == "1"
    elif force_color is not None:
        terminal = force_color != ""
    else:
        terminal = _isatty(sys.stdout)
    if terminal and environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    if not (getattr(sys.stdout, "encoding", None) or "utf-8").lower().startswith("utf"):
        return None  # Rich draws the box in ASCII
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        try:
            width = int(columns)
        except ValueError:
            return None
    else:
        width = 0
        for fd in (0, 1, 2):
            try:
                width = os.get_terminal_size(fd).columns
            except (AttributeError, ValueError, OSError):
                continue
            break
        width = width or 80
    if width < NARROWEST:
        return None
    texts = [summary]
    for path, card, _problem in cards:
        if card is not None:
            texts += [*card["title"], str(path)]
            texts += (clean_text(text) for row in card["rows"] for text in row[:2])
    if not all(map(_one_cell, map(clean_text, texts))):
        return None
    return width, painter(colour=environ.get("NO_COLOR", "") == "") if terminal else None


def _one_cell(text: str) -> bool:
    """Does Rich measure every character of ``text`` as one cell (:data:`_ONE_CELL`)?"""
    return (text.isascii() and text.isprintable()) or re.fullmatch(_ONE_CELL, text) is not None


SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33"}
"""The select graphic rendition code of each word of :data:`STYLES`, in the order Rich writes them (attributes,
then the colour)."""


def painter(*, colour: bool) -> Callable[[str, str], str]:
    """Text in a style as Rich writes it for a terminal: ``ESC[codes m`` text ``ESC[0m`` (the colours left out
    with ``NO_COLOR``); a standard colour is written alike whatever colours the terminal has."""
    wanted = SGR if colour else {word: code for word, code in SGR.items() if word in ("bold", "dim")}

    def paint(text: str, style: str) -> str:
        words = style.split()
        codes = ";".join(code for word, code in wanted.items() if word in words)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes and text else text

    return paint


def _styled(paint: Callable[[str, str], str] | None, text: str, style: str) -> str:
    return text if paint is None or not style else paint(text, style)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def render_card(
    path: str | Path, card: dict[str, Any], width: int, paint: Callable[[str, str], str] | None = None
) -> str | None:
    """One card's table as Rich prints it at ``width`` columns (lines ending in a newline): without styles, or
    with them through ``paint`` (see :func:`painter`), segment by segment as Rich writes them; None for a
    column with no room for text (every text in it empty), which Rich draws in a way of its own."""
    learner, standard_id = card["title"]
    learner = clean_text(learner)
    title = learner + clean_text(f"  {standard_id}  {path}")
    rows = [(clean_text(label), clean_text(value), STYLES.get(label_tone, ""), STYLES.get(value_tone, ""))
            for label, value, label_tone, value_tone in card["rows"]]
    widths = _column_widths([[row[0] for row in rows], [row[1] for row in rows]], width - 3)
    if min(widths) < 3:
        return None
    table_width = sum(widths) + 3
    lines = [_title_line(paint, line, start, length, len(learner), len(title))
             for start, length, line in _wrap(title, table_width, pad=True, fold=True)]
    lines.append("┌" + "┬".join("─" * w for w in widths) + "┐")
    for label, value, label_style, value_style in rows:
        cells = [_cell(paint, label, widths[0], f"bold {label_style}".strip(), "bold"),
                 _cell(paint, value, widths[1], value_style, "")]
        height = max(map(len, cells))
        for cell, w, padding in zip(cells, widths, ("bold", ""), strict=True):
            cell += [_styled(paint, " " * w, padding)] * (height - len(cell))
        lines += ("│" + "│".join(parts) + "│" for parts in zip(*cells, strict=True))
    lines.append("└" + "┴".join("─" * w for w in widths) + "┘")
    if paint is None:
        lines = [line[:width] for line in lines]  # as the console crops (the widths already fit)
    return "".join(line + "\n" for line in lines)


def _title_line(
    paint: Callable[[str, str], str] | None, line: str, start: int, length: int, learner: int, end: int
) -> str:
    """A line of the title, its text ``length`` long from ``start`` of the whole: the learner bold, the rest bold
    and dim, the padding bold (Rich's segments: split where the dim span starts and ends within the line)."""
    if paint is None:
        return line
    dim_start, dim_end = max(learner - start, 0), min(end - start, length)
    if dim_start >= dim_end:
        return paint(line, "bold")
    parts = [(line[:dim_start], "bold"), (line[dim_start:dim_end], "bold dim"), (line[dim_end:], "bold")]
    return "".join(paint(text, style) for text, style in parts)


def _cell(paint: Callable[[str, str], str] | None, text: str, width: int, style: str, padding: str) -> list[str]:
    """A cell's lines: its text wrapped at ``width`` less its padding (a space each side), each line padded; the
    text in ``style`` and the padding in ``padding`` (the column's style)."""
    inner = width - 2
    pad = _styled(paint, " ", padding)
    return [pad + _styled(paint, (line + " " * inner)[:inner], style) + pad
            for line in _wrapped(text, inner, pad=True, fold=False)]


def _column_widths(columns: list[list[str]], available: int) -> list[int]:
    """Each column's width, its padding included, as ``rich.table.Table._calculate_column_widths`` works it out
    for a table that does not expand, the first column at most :data:`LABEL_WIDTH` wide."""
    limits = [LABEL_WIDTH + 2, None]
    widths = [_measure(texts, available, limit)[1] or 1 for texts, limit in zip(columns, limits, strict=True)]
    if sum(widths) > available:
        widths = _collapse(widths, available)
        if sum(widths) > available:
            widths = _ratio_reduce(sum(widths) - available, [1, 1], widths, widths)
        widths = [_measure(texts, w, limit)[1] or 0 for texts, w, limit in zip(columns, widths, limits, strict=True)]
    return widths


def _measure(texts: list[str], available: int, limit: int | None) -> tuple[int, int]:
    """A column's (least, most) width, padding included (``Table._measure_column`` of padded text cells)."""
    if available < 1:
        return 0, 0
    least, most = [], []
    for text in texts:
        if available - 2 < 1:  # Padding.__rich_measure__
            low = high = available
        else:
            words = text.split()  # Text.__rich_measure__
            low, high = _measured(max(map(len, words)) if words else len(text), len(text), available)
            low, high = min(low + 2, available), min(high + 2, available)
        low, high = _measured(low, high, available)
        least.append(low)
        most.append(high)
    low, high = (max(least), max(most)) if texts else (1, available)
    low, high = min(low, available), min(high, available)
    if limit is not None:
        low, high = min(low, limit), min(high, limit)
    return low, high


def _measured(low: int, high: int, available: int) -> tuple[int, int]:
    """``Measurement.get``'s last steps: normalized, at most ``available``, nothing when under one cell."""
    low, high = _normalize(low, high)
    low, high = min(low, available), min(high, available)
    return (0, 0) if high < 1 else _normalize(low, high)


def _normalize(low: int, high: int) -> tuple[int, int]:
    low = min(max(0, low), high)
    return max(0, low), max(0, max(low, high))


def _collapse(widths: list[int], available: int) -> list[int]:
    """``Table._collapse_widths`` with both columns allowed to wrap: the widest narrowed first."""
    excess = sum(widths) - available
    while sum(widths) and excess > 0:
        widest = max(widths)
        second = max(w if w != widest else 0 for w in widths)
        difference = widest - second
        ratios = [1 if w == widest else 0 for w in widths]
        if not difference:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
        excess = sum(widths) - available
    return widths


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """``rich._ratio.ratio_reduce``: take ``total`` from ``values`` in proportion to ``ratios``."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(most, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _wrapped(text: str, width: int, *, pad: bool, fold: bool) -> list[str]:
    """``rich.text.Text.wrap`` of one line of one-cell characters: words moved to the next line, a word too long
    for any line folded (``fold``) or cut with an ellipsis; each line padded to ``width`` when ``pad``
    (justified left) or else left as it is."""
    return [line for _start, _length, line in _wrap(text, width, pad=pad, fold=fold)]


def _wrap(text: str, width: int, *, pad: bool, fold: bool) -> list[tuple[int, int, str]]:
    """:func:`_wrapped`'s lines, each with where its text starts in ``text`` and how long it is, padding aside."""
    breaks = _divide_line(text, width, fold)
    done = []
    for start, end in zip([0, *breaks], [*breaks, len(text)], strict=True):
        line = text[start:end]
        if len(line) > width:  # Text.rstrip_end
            spaces = _TRAILING_SPACE.search(line)
            if spaces is not None:
                line = line[: len(line) - min(len(spaces.group(0)), len(line) - width)]
        length = min(len(line), width)
        for padded in (pad, False):  # Lines.justify("left") truncates and pads; Text.wrap truncates again
            line = _truncate(line, width, ellipsis=not fold, pad=padded)
        done.append((start, length, line))
    return done


def _truncate(line: str, width: int, *, ellipsis: bool, pad: bool) -> str:
    """``rich.text.Text.truncate`` of one-cell text."""
    length = len(line)
    if length > width:
        line = _set_size(line, width - 1) + "…" if ellipsis else _set_size(line, width)
    if pad and length < width:
        line += " " * (width - length)
    return line


def _set_size(text: str, total: int) -> str:
    """``rich.cells.set_cell_size`` of one-cell text."""
    return text + " " * (total - len(text)) if len(text) < total else text[:total]


def _divide_line(text: str, width: int, fold: bool) -> list[int]:
    """``rich._wrap.divide_line`` for one-cell text: where to break ``text`` to fit ``width``."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                pieces = [word[i : i + width] for i in range(0, len(word), width)]
                for n, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if n == len(pieces) - 1:
                        offset = len(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _show_with_rich(
    cards: Sequence[tuple[str | Path, dict[str, Any] | None, str]], summary: str, out: Any = None
) -> None:
    from rich.table import Table

    from portfolio_tui.cli.output import console, text

    out = out or console()
    problems = console(stderr=True)
    for path, card, problem in cards:
        if card is None:
            problems.print(text(problem), soft_wrap=True)
            continue
        learner, standard_id = card["title"]
        title = text(learner, "bold")
        title.append_text(text(f"  {standard_id}  {path}", "dim"))
        table = Table(title=title, title_justify="left", show_header=False, expand=False)
        table.add_column(style="bold", max_width=LABEL_WIDTH)
        table.add_column()
        for label, value, label_tone, value_tone in card["rows"]:
            table.add_row(text(label, STYLES.get(label_tone, "")), text(value, STYLES.get(value_tone, "")))
        out.print(table)
    out.print(text(summary, "bold"))
